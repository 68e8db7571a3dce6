package io.stagepass.ingest.stripe;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.Stripe;
import com.stripe.net.Webhook;
import io.stagepass.events.DeadLetter;
import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.TicketOffers;
import io.stagepass.events.Topic;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stripe webhooks shaped and signed exactly as Stripe sends them, against the real broker, with Stripe's API
 * answered by a local stand-in.
 */
class StripeWebhookIT {
    private static final String OTHER_API_VERSION = "2020-08-27";
    private static final AtomicInteger IDS = new AtomicInteger();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void turnsEachHandledEventIntoOneFactAndRefusesBadSignatures() throws Exception {
        try (StripeStandIn stripe = new StripeStandIn();
                IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60), 1L << 30, stripe.apiBase())) {
            stripe.session("pi_1", session("cs_1", "pi_1", "paid"));
            stripe.balance("pi_1", 74, 1426);
            stripe.session("pi_2", session("cs_2", "pi_2", "unpaid"));
            stripe.balance("pi_2", 74, 1426);

            // Out of order: a partial refund arrives before the completion it refunds.
            String refund = event(
                    "charge.refunded",
                    Stripe.API_VERSION,
                    "{\"id\": \"ch_1\", \"object\": \"charge\", \"amount\": 1500, \"amount_refunded\": 500, \"currency\": \"eur\","
                            + " \"payment_intent\": \"pi_1\", \"refunded\": false}",
                    "{\"amount_refunded\": 0}");
            String completed =
                    event("checkout.session.completed", Stripe.API_VERSION, session("cs_1", "pi_1", "paid"), null);
            assertThat(deliver(fixture, refund).statusCode()).isEqualTo(200);
            assertThat(deliver(fixture, completed).statusCode()).isEqualTo(200);
            HttpResponse<String> duplicate = deliver(fixture, completed);
            assertThat(duplicate.statusCode()).isEqualTo(200);
            assertThat(duplicate.body()).contains("\"duplicate\":true");

            // Delayed payment method, from an account pinned to an older API version.
            assertThat(deliver(
                                    fixture,
                                    event(
                                            "checkout.session.completed",
                                            OTHER_API_VERSION,
                                            session("cs_2", "pi_2", "unpaid"),
                                            null))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(deliver(
                                    fixture,
                                    event(
                                            "checkout.session.async_payment_succeeded",
                                            OTHER_API_VERSION,
                                            session("cs_2", "pi_2", "paid"),
                                            null))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(deliver(
                                    fixture,
                                    event(
                                            "charge.dispute.created",
                                            Stripe.API_VERSION,
                                            dispute("pi_2", "needs_response"),
                                            null))
                            .statusCode())
                    .isEqualTo(200);
            assertThat(deliver(fixture, event("charge.dispute.closed", null, dispute("pi_2", "won"), null))
                            .statusCode())
                    .as("no api_version")
                    .isEqualTo(200);
            assertThat(deliver(
                                    fixture,
                                    event(
                                            "checkout.session.expired",
                                            Stripe.API_VERSION,
                                            session("cs_3", null, "unpaid"),
                                            null))
                            .statusCode())
                    .isEqualTo(200);
            HttpResponse<String> unknown = deliver(
                    fixture,
                    event(
                            "customer.created",
                            Stripe.API_VERSION,
                            "{\"id\": \"cus_1\", \"object\": \"customer\"}",
                            null));
            assertThat(unknown.statusCode()).isEqualTo(200);
            assertThat(unknown.body()).contains("\"handled\":false");

            String payload =
                    event("checkout.session.completed", Stripe.API_VERSION, session("cs_9", "pi_1", "paid"), null);
            assertThat(send(fixture, payload, Webhook.Signature.generateSignatureHeader(payload, "whsec_wrong"))
                            .statusCode())
                    .isEqualTo(400);
            assertThat(send(fixture, payload, null).statusCode()).isEqualTo(400);
            long stale = System.currentTimeMillis() / 1000 - StripeWebhookRoutes.TOLERANCE_SECONDS - 60;
            HttpResponse<String> old = send(
                    fixture,
                    payload,
                    Webhook.Signature.generateSignatureHeader(payload, IngestFixture.WEBHOOK_SECRET, stale));
            assertThat(old.statusCode()).isEqualTo(400);
            assertThat(old.body()).contains("signature");
            String tampered = payload.replace("\"amount_total\": 1500", "\"amount_total\": 1");
            assertThat(send(
                                    fixture,
                                    tampered,
                                    Webhook.Signature.generateSignatureHeader(payload, IngestFixture.WEBHOOK_SECRET))
                            .statusCode())
                    .isEqualTo(400);

            List<PaymentFact> facts = payments(fixture);
            assertThat(facts)
                    .extracting(PaymentFact::getType)
                    .containsExactly(
                            PaymentEventType.CHARGE_REFUNDED,
                            PaymentEventType.CHECKOUT_COMPLETED,
                            PaymentEventType.CHECKOUT_COMPLETED,
                            PaymentEventType.ASYNC_PAYMENT_SUCCEEDED,
                            PaymentEventType.DISPUTE_OPENED,
                            PaymentEventType.DISPUTE_CLOSED,
                            PaymentEventType.CHECKOUT_EXPIRED);
            PaymentFact refundFact = facts.get(0);
            assertThat(refundFact.getTicketId()).isEqualTo("cs_1");
            assertThat(refundFact.getLiveId()).isEqualTo("live_1");
            assertThat(refundFact.getAmountMinor()).as("this refund").isEqualTo(500);
            assertThat(refundFact.getRefundedTotalMinor()).isEqualTo(500);
            assertThat(refundFact.getFullyRefunded()).isFalse();
            PaymentFact paid = facts.get(1);
            assertThat(paid.getPaid()).isTrue();
            assertThat(paid.getAmountMinor()).isEqualTo(1500);
            assertThat(paid.getCurrency()).isEqualTo("EUR");
            assertThat(paid.getFeeMinor()).isEqualTo(74);
            assertThat(paid.getNetMinor()).isEqualTo(1426);
            assertThat(paid.getBuyerEmail()).isEqualTo("viewer@example.com");
            assertThat(paid.getTier()).isEqualTo("vip");
            assertThat(facts.get(2).getPaid())
                    .as("unpaid until the async payment succeeds")
                    .isFalse();
            assertThat(facts.get(2).getFeeMinor()).isNull();
            assertThat(facts.get(2).getStripeApiVersion()).isEqualTo(OTHER_API_VERSION);
            assertThat(facts.get(3).getPaid()).isTrue();
            assertThat(facts.get(4).getAmountMinor()).isEqualTo(1500);
            assertThat(facts.get(5).getDisputeOutcome()).isEqualTo(DisputeOutcome.WON);
            assertThat(facts).extracting(PaymentFact::getStripeEventId).doesNotHaveDuplicates();
        }
    }

    @Test
    void answers503WhileStripesApiIsUnreachableSoStripeRetries() throws Exception {
        StripeStandIn stripe = new StripeStandIn();
        String apiBase = stripe.apiBase();
        stripe.close();
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60), 1L << 30, apiBase)) {
            HttpResponse<String> response = deliver(
                    fixture,
                    event("checkout.session.completed", Stripe.API_VERSION, session("cs_1", "pi_1", "paid"), null));

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(payments(fixture)).isEmpty();
        }
    }

    static String session(String id, String paymentIntent, String paymentStatus) {
        return session(id, paymentIntent, paymentStatus, 1500, "eur", "payment", true);
    }

    /** A session of the VIP tier of live_1, offered at €15.00; {@code signed}: made by the replay API. */
    static String session(
            String id,
            String paymentIntent,
            String paymentStatus,
            long amountTotal,
            String currency,
            String mode,
            boolean signed) {
        Map<String, String> offer = TicketOffers.metadata("live_1", "creator_1", "vip", 1500, "EUR");
        return """
                {"id": "%s", "object": "checkout.session", "amount_subtotal": %d, "amount_total": %d, "currency": "%s",
                 "customer_details": {"email": "viewer@example.com", "name": "Viewer"}, "customer_email": null,
                 "metadata": {"live_id": "live_1", "tier": "vip", "creator_id": "creator_1", "price_minor": "1500",
                 "currency": "EUR"}, "mode": "%s", "client_reference_id": %s,
                 "payment_intent": %s, "payment_status": "%s", "status": "complete", "livemode": false}""".formatted(
                        id,
                        amountTotal,
                        amountTotal,
                        currency,
                        mode,
                        signed ? "\"" + IngestFixture.OFFERS.reference(offer) + "\"" : "null",
                        paymentIntent == null ? "null" : "\"" + paymentIntent + "\"",
                        paymentStatus);
    }

    @Test
    void grantsOnlyTheSessionsWeOfferedChargedAsOfferedAndDeadLettersTheRest() throws Exception {
        try (StripeStandIn stripe = new StripeStandIn();
                IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60), 1L << 30, stripe.apiBase())) {
            stripe.session("pi_usd", session("cs_usd", "pi_usd", "paid", 4900, "usd", "payment", true));
            stripe.balance("pi_usd", 100, 4800);
            Map<String, String> refused = new java.util.LinkedHashMap<>();
            refused.put(
                    event(
                            "checkout.session.completed",
                            Stripe.API_VERSION,
                            session("cs_usd", "pi_usd", "paid", 4900, "usd", "payment", true),
                            null),
                    "charged 4900 where 1500 was offered");
            refused.put(
                    event(
                            "checkout.session.completed",
                            Stripe.API_VERSION,
                            session("cs_jpy", null, "paid", 1500, "jpy", "payment", true),
                            null),
                    "charged in jpy where EUR was offered");
            refused.put(
                    event(
                            "checkout.session.completed",
                            Stripe.API_VERSION,
                            session("cs_link", null, "paid", 1500, "eur", "payment", false),
                            null),
                    "not a session Stagepass made");
            refused.put(
                    event(
                            "checkout.session.completed",
                            Stripe.API_VERSION,
                            session("cs_sub", null, "paid", 1500, "eur", "subscription", true),
                            null),
                    "mode subscription");
            refused.put(
                    event(
                                    "checkout.session.completed",
                                    Stripe.API_VERSION,
                                    session("cs_live", null, "paid", 1500, "eur", "payment", true),
                                    null)
                            .replaceFirst("\"livemode\": false", "\"livemode\": true"),
                    "live-mode payment on a test deployment");
            refused.put(
                    event(
                            "charge.refunded",
                            Stripe.API_VERSION,
                            "{\"id\": \"ch_usd\", \"object\": \"charge\", \"amount\": 4900, \"amount_refunded\": 4900,"
                                    + " \"currency\": \"usd\", \"payment_intent\": \"pi_usd\", \"refunded\": true}",
                            "{\"amount_refunded\": 0}"),
                    "charged 4900 where 1500 was offered");
            for (Map.Entry<String, String> event : refused.entrySet()) {
                HttpResponse<String> answer = deliver(fixture, event.getKey());
                assertThat(answer.statusCode())
                        .as("received, so that Stripe does not retry what would be refused again")
                        .isEqualTo(200);
                assertThat(answer.body()).contains("\"handled\":false").contains(event.getValue());
            }
            String honest =
                    event("checkout.session.completed", Stripe.API_VERSION, session("cs_ok", null, "paid"), null);
            assertThat(deliver(fixture, honest).statusCode()).isEqualTo(200);

            List<PaymentFact> facts = Await.until(
                            Duration.ofSeconds(30), Duration.ofMillis(200), () -> payments(fixture), f -> !f.isEmpty())
                    .value();
            assertThat(facts)
                    .as("only the session charged as offered is a fact")
                    .extracting(PaymentFact::getTicketId)
                    .containsExactly("cs_ok");
            EventCodec<DeadLetter> letters = EventCodec.of(DeadLetter.class);
            List<DeadLetter> dead;
            try (TopicReader reader = new TopicReader(fixture.kafka.settings())) {
                dead = reader.readFrom(Topic.DEAD_LETTERS, Map.of(), Duration.ofSeconds(30)).stream()
                        .map(r -> letters.decode(r.value()))
                        .toList();
            }
            assertThat(dead).hasSize(refused.size()).allSatisfy(letter -> {
                assertThat(letter.getSourceTopic()).isEqualTo("stripe-webhook");
                assertThat(letter.getOriginalValue()).isNotNull();
            });
            assertThat(dead.stream().map(DeadLetter::getReason))
                    .anySatisfy(reason -> assertThat(reason).contains("4900 where 1500"))
                    .anySatisfy(reason -> assertThat(reason).contains("jpy"))
                    .anySatisfy(reason -> assertThat(reason).contains("client_reference_id"));
        }
    }

    static String dispute(String paymentIntent, String status) {
        return """
                {"id": "dp_1", "object": "dispute", "amount": 1500, "charge": "ch_2", "currency": "eur",
                 "payment_intent": "%s", "reason": "fraudulent", "status": "%s", "livemode": false}""".formatted(paymentIntent, status);
    }

    /** An event as Stripe sends it: id, object, api_version, created, livemode, request, type, data. */
    static String event(String type, String apiVersion, String object, String previousAttributes) {
        return """
                {"id": "evt_test_%d", "object": "event", %s"created": %d, "livemode": false, "pending_webhooks": 1,
                 "request": {"id": "req_%d", "idempotency_key": null}, "type": "%s",
                 "data": {"object": %s%s}}""".formatted(
                        IDS.incrementAndGet(),
                        apiVersion == null ? "" : "\"api_version\": \"" + apiVersion + "\", ",
                        System.currentTimeMillis() / 1000,
                        IDS.get(),
                        type,
                        object,
                        previousAttributes == null ? "" : ", \"previous_attributes\": " + previousAttributes);
    }

    private HttpResponse<String> deliver(IngestFixture fixture, String payload) throws Exception {
        return send(fixture, payload, Webhook.Signature.generateSignatureHeader(payload, IngestFixture.WEBHOOK_SECRET));
    }

    private HttpResponse<String> send(IngestFixture fixture, String payload, String signature) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + fixture.ingest.port() + "/v1/stripe/webhook"))
                .POST(HttpRequest.BodyPublishers.ofString(payload))
                .header("Content-Type", "application/json; charset=utf-8");
        if (signature != null) {
            request.header("Stripe-Signature", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private List<PaymentFact> payments(IngestFixture fixture) {
        EventCodec<PaymentFact> codec = EventCodec.of(PaymentFact.class);
        try (TopicReader reader = new TopicReader(fixture.kafka.settings())) {
            return reader.readFrom(Topic.PAYMENTS, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }
}
