package io.stagepass.ingest.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Account;
import com.stripe.model.Event;
import com.stripe.model.Payout;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.stagepass.events.Ids;
import io.stagepass.events.Money;
import io.stagepass.events.PayoutAccount;
import io.stagepass.events.PayoutAccountEventType;
import io.stagepass.events.PayoutEventType;
import io.stagepass.events.Topic;
import io.stagepass.platform.http.ServiceUnavailableException;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/stripe/connect-webhook}: the Connect endpoint, for events on creators' connected accounts, verified
 * with its own signing secret exactly as the platform endpoint is. {@code account.updated} becomes the creator's
 * {@link PayoutAccount} (read again from Stripe's API: events can arrive out of order, the account as it is now cannot),
 * {@code payout.paid} and {@code payout.failed} become {@link io.stagepass.events.Payout} facts. The creator is the
 * one the replay API named in the account's metadata when it made it; an account without one is not ours (answered
 * 200, counted as ignored). Answered 200 only once Kafka has the fact; 503 when Kafka or Stripe's API cannot be
 * reached, and Stripe retries.
 */
public final class ConnectWebhookRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectWebhookRoutes.class);
    public static final String CREATOR_ID = "creator_id";
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);
    private static final int STRIPE_RETRY_SECONDS = 5;

    private final String webhookSecret;
    private final StripeClient stripe;
    private final EventPublisher publisher;
    private final boolean deploymentLivemode;
    private final Set<String> acknowledged = StripeWebhookRoutes.remembered();

    /** {@code livemode}: whether the deployment takes real money; events of the other mode are not used. */
    public ConnectWebhookRoutes(
            String webhookSecret, StripeLookups lookups, EventPublisher publisher, boolean livemode) {
        this.webhookSecret = webhookSecret;
        this.deploymentLivemode = livemode;
        this.stripe = lookups.client();
        this.publisher = publisher;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/v1/stripe/connect-webhook", this::post);
    }

    private void post(Context ctx) throws Exception {
        Event event = StripeWebhookRoutes.verified(ctx, StripeWebhookRoutes.body(ctx), webhookSecret);
        if (event.getAccount() == null) {
            throw new BadRequestResponse("event " + event.getId() + " names no connected account: this endpoint takes "
                    + "Connect events; the platform's go to /v1/stripe/webhook");
        }
        if (!List.of("account.updated", "payout.paid", "payout.failed").contains(event.getType())) {
            ctx.json(StripeWebhookRoutes.notHandled(event, "event type " + event.getType() + " is not used"));
            return;
        }
        if (Boolean.TRUE.equals(event.getLivemode()) != deploymentLivemode) {
            ctx.json(StripeWebhookRoutes.notHandled(
                    event,
                    "a " + (deploymentLivemode ? "test-mode" : "live-mode") + " event on a "
                            + (deploymentLivemode ? "live" : "test") + " deployment"));
            return;
        }
        if (acknowledged.contains(event.getId())) {
            ctx.json(Map.of("received", event.getId(), "handled", true, "duplicate", true));
            return;
        }
        Account account;
        try {
            account = stripe.accounts().retrieve(event.getAccount());
        } catch (com.stripe.exception.InvalidRequestException e) {
            // Not an account this platform can see (deleted, or another platform's): nothing to record.
            ctx.json(StripeWebhookRoutes.notHandled(
                    event, "account " + event.getAccount() + " cannot be read: " + e.getMessage()));
            return;
        } catch (StripeException e) {
            LOG.warn("Stripe API unavailable while handling {}: {}", event.getId(), e.getMessage());
            throw new ServiceUnavailableException(
                    "Stripe's API could not be reached to read the account; Stripe will retry",
                    STRIPE_RETRY_SECONDS,
                    e);
        }
        String creatorId =
                account.getMetadata() == null ? null : account.getMetadata().get(CREATOR_ID);
        if (creatorId == null) {
            ctx.json(StripeWebhookRoutes.notHandled(event, "not a Stagepass creator's account"));
            return;
        }
        boolean livemode = Boolean.TRUE.equals(event.getLivemode());
        if (event.getType().equals("account.updated")) {
            PayoutAccount fact;
            try {
                fact = payoutAccount(account, creatorId, event, livemode);
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new BadRequestResponse("account " + account.getId() + " is malformed: " + e.getMessage());
            }
            publisher.publishAll(Topic.PAYOUT_ACCOUNTS, List.of(fact), PayoutAccount::getCreatorId, ACK_TIMEOUT);
        } else {
            io.stagepass.events.Payout fact;
            try {
                fact = payoutFact((Payout) PaymentFacts.dataObject(event), creatorId, event, livemode);
            } catch (IllegalArgumentException | ClassCastException | NullPointerException e) {
                throw new BadRequestResponse("event " + event.getId() + " is malformed: " + e.getMessage());
            }
            publisher.publishAll(Topic.PAYOUTS, List.of(fact), io.stagepass.events.Payout::getCreatorId, ACK_TIMEOUT);
        }
        acknowledged.add(event.getId());
        ctx.json(Map.of("received", event.getId(), "handled", true));
    }

    static PayoutAccount payoutAccount(Account account, String creatorId, Event event, boolean livemode) {
        Account.Requirements requirements = account.getRequirements();
        return PayoutAccount.newBuilder()
                .setEventId(Ids.derivedEventId("stripe", event.getId()))
                .setOccurredAt(Instant.ofEpochSecond(event.getCreated()))
                .setType(PayoutAccountEventType.UPDATED)
                .setCreatorId(creatorId)
                .setStripeAccountId(account.getId())
                .setDetailsSubmitted(Boolean.TRUE.equals(account.getDetailsSubmitted()))
                .setChargesEnabled(Boolean.TRUE.equals(account.getChargesEnabled()))
                .setPayoutsEnabled(Boolean.TRUE.equals(account.getPayoutsEnabled()))
                .setCurrentlyDue(
                        requirements == null || requirements.getCurrentlyDue() == null
                                ? List.of()
                                : List.copyOf(requirements.getCurrentlyDue()))
                .setDisabledReason(requirements == null ? null : requirements.getDisabledReason())
                .setDefaultCurrency(
                        account.getDefaultCurrency() == null
                                ? null
                                : Money.requireCurrency(account.getDefaultCurrency()))
                .setStripeEventId(event.getId())
                .setLivemode(livemode)
                .build();
    }

    static io.stagepass.events.Payout payoutFact(Payout payout, String creatorId, Event event, boolean livemode) {
        return io.stagepass.events.Payout.newBuilder()
                .setEventId(Ids.derivedEventId("stripe", event.getId()))
                .setOccurredAt(Instant.ofEpochSecond(event.getCreated()))
                .setType(event.getType().equals("payout.paid") ? PayoutEventType.PAID : PayoutEventType.FAILED)
                .setStripeEventId(event.getId())
                .setCreatorId(creatorId)
                .setStripeAccountId(event.getAccount())
                .setPayoutId(payout.getId())
                .setAmountMinor(payout.getAmount())
                .setCurrency(Money.requireCurrency(payout.getCurrency()))
                .setArrivalDate(payout.getArrivalDate() == null ? null : Instant.ofEpochSecond(payout.getArrivalDate()))
                .setFailureMessage(payout.getFailureMessage())
                .setLivemode(livemode)
                .build();
    }
}
