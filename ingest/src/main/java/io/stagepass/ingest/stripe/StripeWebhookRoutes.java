package io.stagepass.ingest.stripe;

import com.stripe.exception.SignatureVerificationException;
import com.stripe.exception.StripeException;
import com.stripe.model.Event;
import com.stripe.net.Webhook;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.stagepass.events.DeadLetters;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.Topic;
import io.stagepass.platform.http.ServiceUnavailableException;
import io.stagepass.platform.kafka.EventPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/stripe/webhook}. Every request is verified exactly as Stripe documents it (signature over
 * {@code t.payload}, 300 s tolerance): a bad or missing signature is a 400 and records nothing. A handled event
 * becomes a payment fact and is answered 200 only once Kafka has it; if Kafka or Stripe's API is unavailable the
 * answer is 503 and Stripe retries (for three days). Unknown event types are answered 200 and counted.
 *
 * <p>Duplicates: the fact's event id is derived from the Stripe event id and every consumer is idempotent on
 * it; in addition this process remembers the last {@value #REMEMBERED} event ids it acknowledged and does not
 * write them again.
 */
public final class StripeWebhookRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookRoutes.class);
    public static final long TOLERANCE_SECONDS = 300;
    static final int REMEMBERED = 100_000;
    private static final int MAX_BODY = 512 * 1024;
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final int STRIPE_RETRY_SECONDS = 5;

    private final String webhookSecret;
    private final PaymentFacts facts;
    private final EventPublisher publisher;
    private final Set<String> acknowledged = remembered();
    private final AtomicLong ignored = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();

    public StripeWebhookRoutes(String webhookSecret, PaymentFacts facts, EventPublisher publisher) {
        this.webhookSecret = webhookSecret;
        this.facts = facts;
        this.publisher = publisher;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/v1/stripe/webhook", this::post);
    }

    /** The last {@value #REMEMBERED} event ids an endpoint acknowledged, so that a redelivery is not written again. */
    static Set<String> remembered() {
        return Collections.synchronizedSet(Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > REMEMBERED;
            }
        }));
    }

    /** The answer to an event that is received but records nothing, with the reason. */
    static Map<String, Object> notHandled(Event event, String reason) {
        return Map.of("received", event.getId(), "handled", false, "reason", reason);
    }

    /** A webhook's body, at most {@value #MAX_BODY} bytes. */
    static byte[] body(Context ctx) throws java.io.IOException {
        byte[] raw = ctx.req().getInputStream().readNBytes(MAX_BODY + 1);
        if (raw.length > MAX_BODY) {
            throw new BadRequestResponse("payload larger than " + MAX_BODY + " bytes");
        }
        return raw;
    }

    /** The event, verified as Stripe documents it with the endpoint's {@code secret}; a 400 otherwise. */
    static Event verified(Context ctx, byte[] raw, String secret) {
        String payload = new String(raw, StandardCharsets.UTF_8);
        String signature = ctx.header("Stripe-Signature");
        if (signature == null) {
            throw new BadRequestResponse("missing Stripe-Signature header");
        }
        try {
            return Webhook.constructEvent(payload, signature, secret, TOLERANCE_SECONDS);
        } catch (SignatureVerificationException e) {
            throw new BadRequestResponse("signature verification failed: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new BadRequestResponse("not a Stripe event: " + e.getMessage());
        }
    }

    private void post(Context ctx) throws Exception {
        byte[] raw = body(ctx);
        Event event = verified(ctx, raw, webhookSecret);
        if (!PaymentFacts.handles(event.getType())) {
            ignored.incrementAndGet();
            ctx.json(Map.of(
                    "received",
                    event.getId(),
                    "handled",
                    false,
                    "reason",
                    "event type " + event.getType() + " is not used"));
            return;
        }
        if (acknowledged.contains(event.getId())) {
            duplicates.incrementAndGet();
            ctx.json(Map.of("received", event.getId(), "handled", true, "duplicate", true));
            return;
        }
        Optional<PaymentFact> fact;
        try {
            fact = facts.toFact(event);
        } catch (StripeException e) {
            LOG.warn("Stripe API unavailable while handling {}: {}", event.getId(), e.getMessage());
            throw new ServiceUnavailableException(
                    "Stripe's API could not be reached to complete the event; Stripe will retry",
                    STRIPE_RETRY_SECONDS,
                    e);
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new BadRequestResponse("event " + event.getId() + " is malformed: " + e.getMessage());
        } catch (PaymentFacts.RefusedPaymentException e) {
            // Kept whole with its reason on the dead-letter topic, counted nowhere; Stripe is told it was received (a
            // retry would be refused the same way).
            LOG.warn(
                    "Stripe event {} ({}) for live {} refused: {}",
                    event.getId(),
                    event.getType(),
                    e.liveId(),
                    e.getMessage());
            publisher.publishAll(
                    Topic.DEAD_LETTERS,
                    List.of(DeadLetters.refusedPayment(event.getId(), e.liveId(), raw, e.getMessage())),
                    letter -> e.liveId(),
                    ACK_TIMEOUT);
            refused.incrementAndGet();
            acknowledged.add(event.getId());
            ctx.json(Map.of("received", event.getId(), "handled", false, "reason", "refused: " + e.getMessage()));
            return;
        }
        if (fact.isEmpty()) {
            ignored.incrementAndGet();
            ctx.json(Map.of(
                    "received",
                    event.getId(),
                    "handled",
                    false,
                    "reason",
                    "not a Stagepass ticket (no live_id metadata)"));
            return;
        }
        publisher.publishAll(
                Topic.PAYMENTS, List.of(fact.get()), PaymentFact::getLiveId, ACK_TIMEOUT); // else 503: Stripe retries
        acknowledged.add(event.getId());
        ctx.json(Map.of("received", event.getId(), "handled", true));
    }

    /** Events about a live that were not a ticket we offered, charged as offered. */
    public long refusedCount() {
        return refused.get();
    }

    public long ignoredCount() {
        return ignored.get();
    }

    public long duplicateCount() {
        return duplicates.get();
    }
}
