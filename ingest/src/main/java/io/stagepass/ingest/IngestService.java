package io.stagepass.ingest;

import io.minio.MinioClient;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.TicketOffers;
import io.stagepass.ingest.beacons.BeaconRoutes;
import io.stagepass.ingest.health.HealthReporter;
import io.stagepass.ingest.health.StreamHealthMeter;
import io.stagepass.ingest.hls.Delivery;
import io.stagepass.ingest.hls.HlsIngest;
import io.stagepass.ingest.hls.HlsRoutes;
import io.stagepass.ingest.hls.LiveSessions;
import io.stagepass.ingest.hls.SegmentSender;
import io.stagepass.ingest.hls.SilenceWatch;
import io.stagepass.ingest.hls.Spool;
import io.stagepass.ingest.lives.LiveCatalog;
import io.stagepass.ingest.rtmp.RtmpIngest;
import io.stagepass.ingest.rtmp.RtmpServer;
import io.stagepass.ingest.stage.Stage;
import io.stagepass.ingest.stage.StageDoor;
import io.stagepass.ingest.stage.StageFacts;
import io.stagepass.ingest.stage.StageLocations;
import io.stagepass.ingest.stage.StageRoutes;
import io.stagepass.ingest.stage.StageTickets;
import io.stagepass.ingest.stripe.ConnectWebhookRoutes;
import io.stagepass.ingest.stripe.PaymentFacts;
import io.stagepass.ingest.stripe.StripeLookups;
import io.stagepass.ingest.stripe.StripeWebhookRoutes;
import io.stagepass.platform.http.HttpServices;
import io.stagepass.platform.http.RateLimiter;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Resources;
import io.stagepass.platform.s3.ObjectStore;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge through which everything enters Stagepass: HLS pushed by encoders over HTTP and RTMP from OBS and other
 * encoders, viewer beacons from players, and Stripe's webhooks. Stateless apart from its spool and its view of the lives catalog.
 */
public final class IngestService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(IngestService.class);
    private static final Duration CATALOG_WAIT = Duration.ofSeconds(30);
    private static final int BEACON_BURST = 10;

    private final Resources resources = new Resources();
    private HttpServices.Running http;
    private RtmpServer rtmp;
    private SegmentSender sender;
    private LiveCatalog catalog;
    private Spool spool;

    private IngestService() {}

    public static IngestService start(IngestConfig config) throws Exception {
        return Resources.startOrClose(new IngestService(), service -> service.startAll(config));
    }

    private void startAll(IngestConfig config) throws Exception {
        Clock clock = Clock.systemUTC();
        catalog = push(new LiveCatalog(config.kafka()).start());
        if (!catalog.awaitCaughtUp(CATALOG_WAIT)) {
            LOG.warn(
                    "the lives catalog did not load within {} s; stream keys are unknown until it does",
                    CATALOG_WAIT.toSeconds());
        }
        spool = new Spool(config.spoolDir(), config.spoolMaxBytes());
        LiveSessions sessions = new LiveSessions(spool, clock);
        StreamHealthMeter health = new StreamHealthMeter(clock);
        HlsIngest ingest = new HlsIngest(spool, sessions, config.maxBody(), config.reconnectWindow(), health);
        MinioClient s3 = push(ObjectStore.client(config.s3()));
        EventPublisher publisher = push(new EventPublisher(config.kafka(), "stagepass-ingest"));
        // Each report names this instance (when its public URLs are set): the live's stage runs where its media
        // arrives.
        HealthReporter reporter =
                push(new HealthReporter(health, publisher, config.publicUrl(), config.rtmpPublicUrl()).start());
        Delivery delivery = new Delivery(spool, sessions, s3, publisher, catalog, config.durationWait(), clock);
        sender = push(new SegmentSender(spool, delivery, clock, config.senders()).start());
        push(new SilenceWatch(ingest, sender).start());
        HlsRoutes hls = new HlsRoutes(catalog, ingest, sender, spool);
        BeaconRoutes beacons = new BeaconRoutes(
                PlaybackTokens.forBeacons(config.beacons().tokenSecret()),
                publisher,
                new RateLimiter(config.beacons().perMinute(), BEACON_BURST),
                config.beacons().allowedOrigins(),
                clock);
        StripeLookups lookups =
                StripeLookups.create(config.stripe().apiKey(), config.stripe().apiBase());
        boolean livemode = TicketOffers.livemode(config.stripe().apiKey());
        StripeWebhookRoutes stripe = new StripeWebhookRoutes(
                config.stripe().webhookSecret(),
                new PaymentFacts(lookups, new TicketOffers(config.stripe().checkoutSecret(), livemode)),
                publisher);
        ConnectWebhookRoutes connect =
                new ConnectWebhookRoutes(config.stripe().connectWebhookSecret(), lookups, publisher, livemode);
        Stage stage = push(new Stage(clock));
        StageTickets stageTickets = push(new StageTickets(config.kafka(), stage).start());
        PlaybackTokens stageTokens = PlaybackTokens.forStage(config.stageSecret());
        StageLocations stageLocations =
                push(new StageLocations(config.kafka(), stage, config.publicUrl(), clock).start());
        StageDoor stageDoor = new StageDoor(
                stage,
                stageTickets,
                stageTokens,
                stageLocations,
                liveId -> catalog.byId(liveId)
                        .map(live -> live.getType() == io.stagepass.events.LiveEventType.ENDED)
                        .orElse(false),
                clock);
        StageRoutes stageRoutes = push(new StageRoutes(
                stage, stageDoor, stageLocations, stageTokens, config.beacons().allowedOrigins(), clock));
        http = push(HttpServices.start("ingest", config.host(), config.port(), routes -> {
            hls.register(routes);
            stageRoutes.register(routes);
            beacons.register(routes);
            stripe.register(routes);
            connect.register(routes);
        }));
        // Last in, first closed: publishers store their last segments while the sender still runs.
        rtmp = push(RtmpServer.start(
                config.host(),
                config.rtmp().port(),
                config.rtmp().tlsPort(),
                config.rtmp().tls(),
                new RtmpIngest(catalog, ingest, sender, spool, reporter, stage, stageDoor, StageFacts.to(publisher)),
                config.rtmp().limits()));
        LOG.info("ingest spool at {} ({} bytes pending)", config.spoolDir().toAbsolutePath(), spool.usedBytes());
    }

    private <T extends AutoCloseable> T push(T resource) {
        return resources.add(resource);
    }

    public int port() {
        return http.port();
    }

    public int rtmpPort() {
        return rtmp.port();
    }

    /** The RTMPS port, when RTMPS is on. */
    public java.util.Optional<Integer> rtmpsPort() {
        return rtmp.tlsPort();
    }

    /** RTMP connections open now. */
    public int rtmpConnections() {
        return rtmp.connections();
    }

    /** Bytes waiting in the spool for delivery. */
    public long pendingBytes() {
        return spool.usedBytes();
    }

    /** Entries of a live (segments, lifecycle facts, gaps) spooled and not delivered yet. */
    public int pendingEntries(String liveId) throws IOException {
        return spool.entries(liveId).size();
    }

    public LiveCatalog catalog() {
        return catalog;
    }

    public SegmentSender sender() {
        return sender;
    }

    @Override
    public void close() {
        resources.close();
    }
}
