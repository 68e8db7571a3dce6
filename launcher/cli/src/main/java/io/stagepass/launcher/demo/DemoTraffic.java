package io.stagepass.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.RefundCreateParams;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.jobs.media.GeneratedLive;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.replay.creators.Catalog;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * What happens in the demo's live, through the paths a creator, an encoder, buyers and viewers take: the creator's
 * account is registered (as {@code stagepass creators add} does) and the live is scheduled through the creators' API;
 * an encoder built on the FFmpeg libraries streams it through ingest; viewers report through ingest's beacon endpoint;
 * three buyers go through Stripe Checkout (the local sandbox stands in for Stripe, and sends the signed webhooks
 * Stripe would), and the first ticket is refunded through Stripe's API.
 */
public final class DemoTraffic {
    /** Length of the demo's generated live. */
    static final int LIVE_SECONDS = 20;

    static final int VIEWERS = 4;
    static final int TICKETS = 3;
    static final String CURRENCY = "EUR";
    static final long TICKET_PRICE_MINOR = 1500;
    static final long GUEST_PRICE_MINOR = 4500;
    static final int REPLAY_DAYS = 30;
    private static final Duration KEY_WAIT = Duration.ofSeconds(15);
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * The live the traffic was about, its creator's API key, its tickets (Checkout Session ids; the first refunded),
     * Stripe's fees on them as the balance transactions say, and how many events went to each topic.
     */
    record Sent(
            String liveId,
            String creatorId,
            String apiKey,
            List<String> tickets,
            long feesMinor,
            Map<Topic, Integer> counts) {}

    private final EventPublisher publisher;
    private final String ingestUrl;
    private final String apiUrl;
    private final StripeClient stripe;
    private final PlaybackTokens tokens;
    private final PrintStream out;
    private final HttpClient http = HttpClient.newHttpClient();

    DemoTraffic(
            EventPublisher publisher,
            String ingestUrl,
            String apiUrl,
            String stripeApiBase,
            PlaybackTokens tokens,
            PrintStream out) {
        this.publisher = publisher;
        this.ingestUrl = ingestUrl;
        this.apiUrl = apiUrl;
        this.stripe = StripeClient.builder()
                .setApiKey("sk_test_stagepass_demo")
                .setApiBase(stripeApiBase)
                .build();
        this.tokens = tokens;
        this.out = out;
    }

    Sent run() throws Exception {
        Map<Topic, Integer> sent = new EnumMap<>(Topic.class);
        Catalog.Account creator =
                new Catalog(publisher, Clock.systemUTC()).register("Ada's Yoga", "ada@example.com", CURRENCY);
        sent.put(Topic.CREATORS, 1);
        JsonNode live = scheduleThroughTheApi(creator.apiKey());
        String liveId = live.get("liveId").asText();
        String streamKey = live.get("streamKey").asText();
        out.println("Demo live " + liveId + " by " + creator.creator().getCreatorId()
                + " (account registered; live scheduled and stream key issued through the creators' API)");
        LiveScheduler.awaitIngestKnows(ingestUrl, streamKey, KEY_WAIT);

        DemoViewers viewers = new DemoViewers(http, ingestUrl, tokens, liveId);
        int beacons = viewers.start(VIEWERS);
        long start = System.nanoTime();
        GeneratedLive.pushHls(
                ingestUrl + "/live/" + streamKey + "/index.m3u8",
                GeneratedLive.Spec.demo(Duration.ofSeconds(LIVE_SECONDS)));
        out.printf(
                "  pushed %d s of generated video through ingest as HLS (FFmpeg libraries: H.264 + AAC, 2 s segments) in %.1f s%n",
                LIVE_SECONDS, (System.nanoTime() - start) / 1e9);
        sent.put(Topic.SEGMENTS, LIVE_SECONDS / 2);
        sent.put(Topic.LIVES, 3); // scheduled through the API, started and ended by ingest

        List<String> tickets = new ArrayList<>();
        long fees = 0;
        for (int i = 0; i < TICKETS; i++) {
            String ticket = buy(liveId, "buyer" + (i + 1) + "@example.com");
            tickets.add(ticket);
            fees += fee(ticket);
        }
        refund(tickets.get(0));
        sent.put(Topic.PAYMENTS, TICKETS + 1); // three checkout.session.completed, one charge.refunded
        out.printf(
                "  %d tickets bought through Stripe Checkout (the sandbox) at %d %s cents, the first refunded through "
                        + "Stripe's API; ingest got the signed webhooks%n",
                TICKETS, TICKET_PRICE_MINOR, CURRENCY);
        sent.put(Topic.BEACONS, beacons + viewers.stop());
        out.printf(
                "  %d viewers through ingest's beacon endpoint: page view and start before the stream, heartbeat and end after it%n",
                VIEWERS);
        return new Sent(liveId, creator.creator().getCreatorId(), creator.apiKey(), List.copyOf(tickets), fees, sent);
    }

    /** {@code POST /v1/lives} with the creator's key, as a creator's script would. */
    private JsonNode scheduleThroughTheApi(String apiKey) throws Exception {
        String body = JSON.writeValueAsString(Map.of(
                "title",
                "Sunrise flow",
                "description",
                "Twenty seconds of morning yoga, generated by the bundled FFmpeg libraries.",
                "scheduledStart",
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                "currency",
                CURRENCY,
                "tiers",
                List.of(
                        Map.of("tier", "viewer", "priceMinor", TICKET_PRICE_MINOR),
                        Map.of("tier", "guest", "priceMinor", GUEST_PRICE_MINOR)),
                "replayWindowDays",
                REPLAY_DAYS));
        HttpResponse<String> created = http.send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/v1/lives"))
                        .header("Authorization", "Bearer " + apiKey)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /v1/lives answered " + created.statusCode() + ": " + created.body());
        }
        return JSON.readTree(created.body());
    }

    /**
     * A buyer on the ticket page: the form posts to {@code /v1/lives/{id}/checkout}, which answers 303 to Stripe's
     * hosted page; the buyer pays there (the sandbox's page, posted as a browser would), and Stripe sends them back.
     */
    private String buy(String liveId, String email) throws Exception {
        HttpResponse<String> checkout = checkout(http, apiUrl, liveId, email);
        payOnHostedPage(http, checkout, email);
        return JSON.readTree(checkout.body()).get("sessionId").asText();
    }

    /** The ticket page's form, posted: the checkout route's 303 to the hosted page (its body names the session). */
    public static HttpResponse<String> checkout(HttpClient http, String apiUrl, String liveId, String email)
            throws Exception {
        String form = "tier=viewer&email=" + URLEncoder.encode(email, StandardCharsets.UTF_8) + "&attempt="
                + UUID.randomUUID();
        HttpResponse<String> checkout = http.send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/v1/lives/" + liveId + "/checkout"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(form))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (checkout.statusCode() != 303) {
            throw new IllegalStateException("checkout answered " + checkout.statusCode() + ": " + checkout.body());
        }
        return checkout;
    }

    /** Pays on the sandbox's hosted page, as the buyer's browser would; returns where Stripe sends them back. */
    public static String payOnHostedPage(HttpClient http, HttpResponse<String> checkout, String email)
            throws Exception {
        String hostedPage = checkout.headers().firstValue("Location").orElseThrow();
        HttpResponse<String> paid = http.send(
                HttpRequest.newBuilder(URI.create(hostedPage))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (paid.statusCode() != 303) {
            throw new IllegalStateException("the sandbox's checkout page answered " + paid.statusCode());
        }
        return paid.headers().firstValue("Location").orElseThrow();
    }

    /** Stripe's fee on a ticket, from its balance transaction (what ingest reads too). */
    private long fee(String sessionId) throws Exception {
        Session session = stripe.checkout().sessions().retrieve(sessionId);
        PaymentIntent intent = stripe.paymentIntents()
                .retrieve(
                        session.getPaymentIntent(),
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.balance_transaction")
                                .build());
        return intent.getLatestChargeObject().getBalanceTransactionObject().getFee();
    }

    private void refund(String sessionId) throws Exception {
        Session session = stripe.checkout().sessions().retrieve(sessionId);
        stripe.refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(session.getPaymentIntent())
                        .build());
    }
}
