package io.stagepass.replay;

import io.javalin.Javalin;
import io.minio.MinioClient;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.TicketOffers;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.http.HttpServices;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Resources;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.checkout.Checkout;
import io.stagepass.replay.checkout.CheckoutRoutes;
import io.stagepass.replay.checkout.TicketPages;
import io.stagepass.replay.clips.ClipRoutes;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.CreatorAuth;
import io.stagepass.replay.creators.CreatorRoutes;
import io.stagepass.replay.creators.Sessions;
import io.stagepass.replay.dashboard.DashboardRoutes;
import io.stagepass.replay.exports.ExportRoutes;
import io.stagepass.replay.exports.LakeExports;
import io.stagepass.replay.metrics.Dashboards;
import io.stagepass.replay.metrics.MetricsRoutes;
import io.stagepass.replay.ops.Operations;
import io.stagepass.replay.payouts.ConnectAccounts;
import io.stagepass.replay.payouts.PayoutRoutes;
import io.stagepass.replay.playback.Access;
import io.stagepass.replay.playback.MediaObjects;
import io.stagepass.replay.playback.ObjectRoutes;
import io.stagepass.replay.playback.PlaybackRoutes;
import io.stagepass.replay.playback.PlayerPage;
import io.stagepass.replay.playback.Screens;
import io.stagepass.replay.playback.SignedUrls;
import io.stagepass.replay.views.Views;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay API: playback for ticket holders (live and replay playlists, signed object links, the player page), the
 * creators' API and dashboard, checkout, the analysts' exports listing and what operators need. Its views are rebuilt
 * from the topics at start; it answers before they are complete ({@code /ready} says when they are).
 */
public final class ReplayApiService implements AutoCloseable {
    /** Where Stripe's hosted Checkout pages are: ticket forms end there. */
    static final String STRIPE_CHECKOUT = "https://checkout.stripe.com";

    private static final Logger LOG = LoggerFactory.getLogger(ReplayApiService.class);
    private static final Duration VIEWS_WAIT = Duration.ofSeconds(30);

    private final Resources resources = new Resources();
    private HttpServices.Running http;
    private Views views;
    private EventPublisher publisher;
    private MetricsRoutes metrics;
    private Links links;

    private ReplayApiService() {}

    public static ReplayApiService start(ReplayApiConfig config) throws Exception {
        return Resources.startOrClose(create(config), service -> {
            service.http.app().start(config.host(), config.port());
            LOG.info("replay-api listening on http://{}:{}", config.host(), service.port());
        });
    }

    /** Everything but the listening server: {@link #app()} is started by the caller (JavalinTest, say). */
    public static ReplayApiService create(ReplayApiConfig config) throws Exception {
        return Resources.startOrClose(new ReplayApiService(), service -> service.startAll(config));
    }

    public Javalin app() {
        return http.app();
    }

    private void startAll(ReplayApiConfig config) throws Exception {
        Clock clock = Clock.systemUTC();
        views = resources.add(new Views(config.kafka()).start());
        if (!views.topicView().awaitReady(VIEWS_WAIT)) {
            LOG.warn(
                    "the replay API's views did not load within {} s; /ready says when they have",
                    VIEWS_WAIT.toSeconds());
        }
        MinioClient s3 = resources.add(ObjectStore.client(config.s3()));
        MinioClient presigner = resources.add(ObjectStore.client(new S3Settings(
                config.s3PublicEndpoint(),
                config.s3().accessKey(),
                config.s3().secretKey(),
                config.s3().region())));
        MediaObjects objects = new MediaObjects(s3, presigner, config.cacheBytes());
        SignedUrls urls = new SignedUrls(config.secrets().objectLinks(), config.linkTtl());
        PlaybackTokens tokens = new PlaybackTokens(config.secrets().playbackTokens());
        PlaybackTokens beaconTokens = PlaybackTokens.forBeacons(config.secrets().beacons());
        Access access = new Access(tokens, beaconTokens, views.lives(), views.tickets(), clock);
        Screens screens = new Screens(clock);
        PlaybackRoutes playback = new PlaybackRoutes(
                access, views.replays(), views.media(), objects, urls, screens, views.stage(), views.health(), clock);
        ObjectRoutes objectRoutes = new ObjectRoutes(urls, objects, config.delivery(), clock);
        PlayerPage player = new PlayerPage(access, config.ingestPublicUrl());
        Operations operations = new Operations(views.topicView());
        Links links = new Links(
                () -> config.publicUrl() != null ? config.publicUrl() : "http://127.0.0.1:" + port(),
                config.ingestPublicUrl(),
                config.rtmpPublicUrl());
        publisher = resources.add(new EventPublisher(config.kafka(), "replay-api"));
        Sessions sessions = new Sessions(config.secrets().sessions());
        CreatorAuth auth = new CreatorAuth(views.creators(), views.lives(), sessions, views.topicView(), clock);
        Catalog catalog = new Catalog(publisher, clock);
        CreatorRoutes creators =
                new CreatorRoutes(auth, views.lives(), views.revenue(), views.topicView(), catalog, links, clock);
        ClipRoutes clipRoutes = new ClipRoutes(
                auth, access, views.lives(), views.media(), views.clips(), urls, catalog, views.topicView(), clock);
        Dashboards dashboards = new Dashboards(
                views.lives(), views.replays(), views.revenue(), views.audience(), views.health(), screens::watching);
        metrics = resources.add(new MetricsRoutes(auth, dashboards, views.topicView()));
        screens.listen(metrics::audienceChanged); // "watching now" moves on the dashboard within a second
        ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "replay-api-screens");
            thread.setDaemon(true);
            return thread;
        });
        sweeper.scheduleWithFixedDelay(screens::sweep, 1, 1, TimeUnit.SECONDS);
        resources.add(sweeper::shutdownNow);
        CheckoutRoutes checkout = new CheckoutRoutes(
                views.lives(),
                views.tickets(),
                views.payoutAccounts(),
                creatorId -> config.platformFee()
                        .forCreator(views.creators().byId(creatorId).orElse(null)),
                new Checkout(
                        config.stripe(),
                        links,
                        new TicketOffers(
                                config.secrets().checkout(),
                                TicketOffers.livemode(config.stripe().apiKey()))),
                tokens,
                PlaybackTokens.forBuyers(config.secrets().playbackTokens()),
                links,
                config.publicUrl() != null && config.publicUrl().startsWith("https:"),
                clock);
        TicketPages tickets = new TicketPages(
                views.lives(), views.creators(), views.payoutAccounts(), beaconTokens, config.ingestPublicUrl(), clock);
        PayoutRoutes payouts = new PayoutRoutes(
                auth,
                views.payoutAccounts(),
                views.earnings(),
                views.payouts(),
                views.lives(),
                views.creators(),
                new ConnectAccounts(config.stripe()),
                new Catalog(publisher, clock),
                views.topicView(),
                links,
                config.platformFee(),
                config.secrets().operator(),
                TicketOffers.livemode(config.stripe().apiKey()));
        io.stagepass.replay.stage.StageRoutes stage = new io.stagepass.replay.stage.StageRoutes(
                access,
                views.tickets(),
                auth,
                PlaybackTokens.forStage(config.secrets().stage()),
                config.ingestPublicUrl(),
                config.rtmpPublicUrl(),
                views.media(),
                views.stage(),
                views.health(),
                clock);
        ExportRoutes exports =
                new ExportRoutes(views.analysts(), views.topicView(), new LakeExports(s3, presigner), clock);
        DashboardRoutes dashboard = new DashboardRoutes(
                auth, sessions, config.publicUrl() != null && config.publicUrl().startsWith("https:"), clock);
        java.util.List<String> objectStores = config.delivery() == ObjectRoutes.Delivery.REDIRECT
                ? java.util.List.of(config.s3PublicEndpoint().toString())
                : java.util.List.of();
        java.util.List<String> checkoutPages = new java.util.ArrayList<>(java.util.List.of(STRIPE_CHECKOUT));
        if (!config.stripe().apiBase().startsWith("https://api.stripe.com")) {
            checkoutPages.add(config.stripe().apiBase()); // the sandbox hosts its own Checkout page
        }
        PageSecurity security = new PageSecurity(
                java.util.List.of(config.ingestPublicUrl()),
                objectStores,
                checkoutPages,
                config.embedOrigins(),
                liveId -> views.lives()
                        .live(liveId)
                        .flatMap(live -> views.creators().byId(live.getCreatorId()))
                        .<java.util.List<String>>map(creator -> java.util.List.copyOf(creator.getEmbedOrigins()))
                        .orElse(java.util.List.of()));
        http = resources.add(new HttpServices.Running(HttpServices.create("replay-api", routes -> {
            security.register(routes);
            operations.register(routes);
            playback.register(routes);
            objectRoutes.register(routes);
            player.register(routes);
            creators.register(routes);
            clipRoutes.register(routes);
            metrics.register(routes);
            checkout.register(routes);
            tickets.register(routes);
            dashboard.register(routes);
            exports.register(routes);
            payouts.register(routes);
            stage.register(routes);
        })));
        resources.add(metrics::endStreams); // closed first: the streams end while the server can still answer
        this.links = links;
    }

    public int port() {
        return http.port();
    }

    /** Every route the server answers, as {@code METHOD /path} with Javalin's path syntax. */
    public List<String> routes() {
        return http.app().unsafe.internalRouter.allHttpHandlers().stream()
                .filter(handler -> handler.endpoint.method.isHttpMethod())
                .map(handler -> handler.endpoint.method.name() + " " + handler.endpoint.path)
                .sorted()
                .toList();
    }

    public Views views() {
        return views;
    }

    public Links links() {
        return links;
    }

    /** Server-sent events sent so far (every stream together). */
    public long eventsSent() {
        return metrics.sent();
    }

    @Override
    public void close() {
        resources.close();
    }
}
