package io.stagepass.launcher.demo;

import io.stagepass.events.Ids;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.jobs.media.GeneratedLive;
import io.stagepass.platform.kafka.EventPublisher;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * What happens in the demo's live, as a creator, an encoder, viewers and Stripe would make it happen: a creator
 * schedules a live, an encoder built on the FFmpeg libraries streams it through ingest, viewers report through
 * ingest's beacon endpoint, tickets are bought and one refunded.
 */
final class DemoTraffic {
    /** Length of the demo's generated live. */
    static final int LIVE_SECONDS = 20;

    static final int VIEWERS = 4;
    static final int TICKETS = 3;
    static final String CURRENCY = "EUR";
    static final long TICKET_PRICE_MINOR = 1500;
    /** Stripe's fee on one ticket, as the balance transaction would say. */
    static final long FEE_MINOR = 47;

    static final int REPLAY_DAYS = 30;
    private static final Duration KEY_WAIT = Duration.ofSeconds(15);

    /** The live the traffic was about and how many events it sent to each topic. */
    /** The live the traffic was about, its tickets (the first refunded) and how many events went to each topic. */
    record Sent(String liveId, String creatorId, List<String> tickets, Map<Topic, Integer> counts) {}

    private final EventPublisher publisher;
    private final String ingestUrl;
    private final PlaybackTokens tokens;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    DemoTraffic(EventPublisher publisher, String ingestUrl, PlaybackTokens tokens, PrintStream out) {
        this.publisher = publisher;
        this.ingestUrl = ingestUrl;
        this.tokens = tokens;
        this.out = out;
    }

    Sent run() throws Exception {
        Map<Topic, Integer> sent = new EnumMap<>(Topic.class);
        LiveScheduler.Scheduled live = LiveScheduler.schedule(
                publisher, null, "Ada's Yoga", "Sunrise flow", "standard", TICKET_PRICE_MINOR, CURRENCY, REPLAY_DAYS);
        sent.put(Topic.CREATORS, 1);
        out.println("Demo live " + live.liveId() + " by " + live.creatorId() + " (scheduled, stream key issued)");
        LiveScheduler.awaitIngestKnows(ingestUrl, live.streamKey(), KEY_WAIT);

        DemoViewers viewers = new DemoViewers(http, ingestUrl, tokens, live.liveId());
        int beacons = viewers.start(VIEWERS);
        long start = System.nanoTime();
        GeneratedLive.pushHls(
                ingestUrl + "/live/" + live.streamKey() + "/index.m3u8",
                GeneratedLive.Spec.demo(Duration.ofSeconds(LIVE_SECONDS)));
        out.printf(
                "  pushed %d s of generated video through ingest as HLS (FFmpeg libraries: H.264 + AAC, 2 s segments) in %.1f s%n",
                LIVE_SECONDS, (System.nanoTime() - start) / 1e9);
        sent.put(Topic.SEGMENTS, LIVE_SECONDS / 2);
        sent.put(Topic.LIVES, 3); // scheduled by the demo, started and ended by ingest

        List<String> tickets = new ArrayList<>();
        sent.put(Topic.PAYMENTS, sellTickets(live.liveId(), live.creatorId(), tickets));
        out.printf(
                "  %d tickets sold at %d %s cents, the first refunded (payment facts as ingest writes them from Stripe)%n",
                TICKETS, TICKET_PRICE_MINOR, CURRENCY);
        sent.put(Topic.BEACONS, beacons + viewers.stop());
        out.printf(
                "  %d viewers through ingest's beacon endpoint: page view and start before the stream, heartbeat and end after it%n",
                VIEWERS);
        return new Sent(live.liveId(), live.creatorId(), List.copyOf(tickets), sent);
    }

    /**
     * Stripe's API cannot be reached from here, so the demo writes the payment facts ingest derives from Stripe's
     * webhooks (docs/ingest.md shows the webhook itself): three paid tickets, the first refunded in full.
     */
    private int sellTickets(String liveId, String creatorId, List<String> tickets) throws Exception {
        List<CompletableFuture<?>> acks = new ArrayList<>();
        for (int i = 0; i < TICKETS; i++) {
            tickets.add(Ids.newId("cs"));
            acks.add(publisher.publish(
                    Topic.PAYMENTS,
                    liveId,
                    payment(liveId, creatorId, tickets.get(i), PaymentEventType.CHECKOUT_COMPLETED)
                            .setPaid(true)
                            .setAmountMinor(TICKET_PRICE_MINOR)
                            .setFeeMinor(FEE_MINOR)
                            .setNetMinor(TICKET_PRICE_MINOR - FEE_MINOR)
                            .build()));
        }
        acks.add(publisher.publish(
                Topic.PAYMENTS,
                liveId,
                payment(liveId, creatorId, tickets.get(0), PaymentEventType.CHARGE_REFUNDED)
                        .setAmountMinor(TICKET_PRICE_MINOR)
                        .setRefundedTotalMinor(TICKET_PRICE_MINOR)
                        .setFullyRefunded(true)
                        .build()));
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
        return acks.size();
    }

    private static PaymentFact.Builder payment(
            String liveId, String creatorId, String ticketId, PaymentEventType type) {
        String stripeEventId = Ids.newId("evt");
        return PaymentFact.newBuilder()
                .setEventId(Ids.derivedEventId("stripe", stripeEventId))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(type)
                .setStripeEventId(stripeEventId)
                .setLiveId(liveId)
                .setCreatorId(creatorId)
                .setTicketId(ticketId)
                .setTier("standard")
                .setPaymentIntentId("pi_" + ticketId)
                .setBuyerEmail("viewer@example.com")
                .setCurrency(CURRENCY);
    }
}
