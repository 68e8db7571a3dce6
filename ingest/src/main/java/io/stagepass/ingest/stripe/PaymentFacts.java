package io.stagepass.ingest.stripe;

import com.stripe.exception.EventDataObjectDeserializationException;
import com.stripe.exception.StripeException;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Event;
import com.stripe.model.StripeObject;
import com.stripe.model.checkout.Session;
import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.Ids;
import io.stagepass.events.Money;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.TicketOffers;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Normalizes a verified Stripe event into the contract's payment fact. The fact's id is derived from the Stripe
 * event id, so a redelivery is the same fact. Events of other products on the same Stripe account (no
 * {@code live_id} in the Checkout Session metadata) give no fact. A session that names a live but is not an offer we
 * signed, or was charged otherwise than offered ({@link TicketOffers}), is refused with the reason
 * ({@link RefusedPaymentException}), and so are its refunds and disputes: it counts nowhere.
 */
public final class PaymentFacts {
    public static final String LIVE_ID = TicketOffers.LIVE_ID;
    public static final String TIER = TicketOffers.TIER;
    public static final String CREATOR_ID = TicketOffers.CREATOR_ID;

    private static final Map<String, PaymentEventType> HANDLED = Map.of(
            "checkout.session.completed", PaymentEventType.CHECKOUT_COMPLETED,
            "checkout.session.async_payment_succeeded", PaymentEventType.ASYNC_PAYMENT_SUCCEEDED,
            "checkout.session.async_payment_failed", PaymentEventType.ASYNC_PAYMENT_FAILED,
            "checkout.session.expired", PaymentEventType.CHECKOUT_EXPIRED,
            "charge.refunded", PaymentEventType.CHARGE_REFUNDED,
            "charge.dispute.created", PaymentEventType.DISPUTE_OPENED,
            "charge.dispute.closed", PaymentEventType.DISPUTE_CLOSED);

    private final StripeLookups lookups;
    private final ConnectMoney connect;
    private final TicketOffers offers;

    public PaymentFacts(StripeLookups lookups, TicketOffers offers) {
        this.lookups = lookups;
        this.connect = new ConnectMoney(lookups.client());
        this.offers = offers;
    }

    /** A destination charge's Connect totals on the fact, as Stripe reports them once the rules have been applied. */
    private static PaymentFact.Builder withTransfers(PaymentFact.Builder fact, Optional<ConnectMoney.Totals> totals) {
        totals.ifPresent(t -> fact.setDestinationAccountId(t.destination())
                .setTransferredTotalMinor(t.transferredMinor())
                .setReversedTotalMinor(t.reversedMinor())
                .setApplicationFeeMinor(t.applicationFeeMinor())
                .setApplicationFeeRefundedTotalMinor(t.applicationFeeRefundedMinor()));
        return fact;
    }

    /** A session that names a live but is not a ticket we offered, charged as offered. */
    public static final class RefusedPaymentException extends Exception {
        private final String liveId;

        RefusedPaymentException(String liveId, String reason) {
            super(reason);
            this.liveId = liveId;
        }

        public String liveId() {
            return liveId;
        }
    }

    private void check(Session session, boolean livemode) throws RefusedPaymentException {
        Optional<String> problem = offers.problem(
                session.getMetadata(),
                session.getClientReferenceId(),
                session.getMode(),
                session.getAmountTotal(),
                session.getCurrency(),
                livemode);
        if (problem.isPresent()) {
            throw new RefusedPaymentException(session.getMetadata().get(LIVE_ID), problem.get());
        }
    }

    public static boolean handles(String eventType) {
        return HANDLED.containsKey(eventType);
    }

    /** The fact for a handled event type; empty when the event is not about a Stagepass ticket. */
    public Optional<PaymentFact> toFact(Event event) throws StripeException, RefusedPaymentException {
        PaymentEventType type = HANDLED.get(event.getType());
        StripeObject object = dataObject(event);
        PaymentFact.Builder fact = PaymentFact.newBuilder()
                .setEventId(Ids.derivedEventId("stripe", event.getId()))
                .setOccurredAt(Instant.ofEpochSecond(event.getCreated()))
                .setType(type)
                .setStripeEventId(event.getId())
                .setStripeApiVersion(event.getApiVersion())
                .setLivemode(Boolean.TRUE.equals(event.getLivemode()));
        boolean livemode = Boolean.TRUE.equals(event.getLivemode());
        return switch (type) {
            case CHECKOUT_COMPLETED, ASYNC_PAYMENT_SUCCEEDED, ASYNC_PAYMENT_FAILED, CHECKOUT_EXPIRED ->
                fromSession((Session) object, type, fact, livemode);
            case CHARGE_REFUNDED -> fromRefund(event, (Charge) object, fact, livemode);
            case DISPUTE_OPENED, DISPUTE_CLOSED -> fromDispute((Dispute) object, fact, livemode);
        };
    }

    /**
     * The event's object. When the event was written for another API version than stripe-java's, the typed
     * getter is empty (or throws when api_version is missing) but the object still binds with deserializeUnsafe.
     */
    static StripeObject dataObject(Event event) {
        try {
            Optional<StripeObject> typed = event.getDataObjectDeserializer().getObject();
            if (typed.isPresent()) {
                return typed.get();
            }
        } catch (RuntimeException e) {
            // no api_version: fall through to the unsafe binding
        }
        try {
            return event.getDataObjectDeserializer().deserializeUnsafe();
        } catch (EventDataObjectDeserializationException e) {
            throw new IllegalArgumentException(
                    "event " + event.getId() + ": data.object does not bind: " + e.getMessage(), e);
        }
    }

    private Optional<PaymentFact> fromSession(
            Session session, PaymentEventType type, PaymentFact.Builder fact, boolean livemode)
            throws StripeException, RefusedPaymentException {
        Map<String, String> metadata = session.getMetadata();
        if (metadata == null || metadata.get(LIVE_ID) == null) {
            return Optional.empty();
        }
        check(session, livemode);
        boolean paid = type == PaymentEventType.ASYNC_PAYMENT_SUCCEEDED
                || type == PaymentEventType.CHECKOUT_COMPLETED && "paid".equals(session.getPaymentStatus());
        fact.setLiveId(metadata.get(LIVE_ID))
                .setCreatorId(metadata.get(CREATOR_ID))
                .setTier(metadata.get(TIER))
                .setTicketId(session.getId())
                .setPaymentIntentId(session.getPaymentIntent())
                .setBuyerEmail(
                        session.getCustomerDetails() != null
                                        && session.getCustomerDetails().getEmail() != null
                                ? session.getCustomerDetails().getEmail()
                                : session.getCustomerEmail())
                .setPaid(paid)
                .setAmountMinor(session.getAmountTotal() == null ? 0 : session.getAmountTotal())
                .setCurrency(Money.requireCurrency(session.getCurrency()));
        if (paid && session.getPaymentIntent() != null) {
            Optional<Charge> charge = lookups.latestCharge(session.getPaymentIntent());
            StripeLookups.settlement(charge)
                    .ifPresent(settled -> fact.setFeeMinor(settled.feeMinor())
                            .setNetMinor(settled.netMinor())
                            .setSettlementCurrency(settled.currency())
                            .setSettlementAmountMinor(settled.amountMinor())
                            .setExchangeRate(rate(settled)));
            withTransfers(fact, connect.paid(charge));
        }
        return Optional.of(fact.build());
    }

    private Optional<PaymentFact> fromRefund(Event event, Charge charge, PaymentFact.Builder fact, boolean livemode)
            throws StripeException, RefusedPaymentException {
        Optional<Session> session =
                charge.getPaymentIntent() == null ? Optional.empty() : lookups.sessionOf(charge.getPaymentIntent());
        if (session.isEmpty()
                || session.get().getMetadata() == null
                || session.get().getMetadata().get(LIVE_ID) == null) {
            return Optional.empty();
        }
        check(session.get(), livemode);
        long total = charge.getAmountRefunded() == null ? 0 : charge.getAmountRefunded();
        // This refund = the total refunded now minus the total before it (data.previous_attributes); a partial
        // refund of an earlier-refunded charge is counted once.
        Object before = event.getData().getPreviousAttributes() == null
                ? null
                : event.getData().getPreviousAttributes().get("amount_refunded");
        long thisRefund = before instanceof Number number ? total - number.longValue() : total;
        Optional<Charge> latest = lookups.latestCharge(charge.getPaymentIntent());
        withTransfers(fact, connect.refunded(latest));
        return settled(
                withSession(fact, session.get())
                        .setPaymentIntentId(charge.getPaymentIntent())
                        .setChargeId(charge.getId())
                        .setAmountMinor(thisRefund)
                        .setRefundedTotalMinor(total)
                        .setFullyRefunded(Boolean.TRUE.equals(charge.getRefunded()))
                        .setCurrency(Money.requireCurrency(charge.getCurrency())),
                latest);
    }

    private Optional<PaymentFact> fromDispute(Dispute dispute, PaymentFact.Builder fact, boolean livemode)
            throws StripeException, RefusedPaymentException {
        Optional<Session> session =
                dispute.getPaymentIntent() == null ? Optional.empty() : lookups.sessionOf(dispute.getPaymentIntent());
        if (session.isEmpty()
                || session.get().getMetadata() == null
                || session.get().getMetadata().get(LIVE_ID) == null) {
            return Optional.empty();
        }
        check(session.get(), livemode);
        DisputeOutcome outcome = switch (String.valueOf(dispute.getStatus())) {
            case "won" -> DisputeOutcome.WON;
            case "lost" -> DisputeOutcome.LOST;
            default -> null;
        };
        Optional<Charge> latest = lookups.latestCharge(dispute.getPaymentIntent());
        withTransfers(fact, connect.disputed(latest, dispute, fact.getType() == PaymentEventType.DISPUTE_CLOSED));
        return settled(
                withSession(fact, session.get())
                        .setPaymentIntentId(dispute.getPaymentIntent())
                        .setChargeId(dispute.getCharge())
                        .setAmountMinor(dispute.getAmount() == null ? 0 : dispute.getAmount())
                        .setCurrency(Money.requireCurrency(dispute.getCurrency()))
                        .setDisputeOutcome(fact.getType() == PaymentEventType.DISPUTE_CLOSED ? outcome : null),
                latest);
    }

    /**
     * A refund or a dispute in the settlement currency: converted at the rate its charge settled at. (Stripe converts a
     * refund at the rate of the day, so this can differ from the refund's own balance transaction by the rate's move.)
     */
    private static Optional<PaymentFact> settled(PaymentFact.Builder fact, Optional<Charge> latest) {
        Optional<StripeLookups.Settlement> charge = StripeLookups.settlement(latest);
        if (charge.isPresent()) {
            StripeLookups.Settlement settled = charge.get();
            fact.setSettlementCurrency(settled.currency())
                    .setExchangeRate(rate(settled))
                    .setSettlementAmountMinor(
                            settled.exchangeRate() == null
                                    ? fact.getAmountMinor()
                                    : Money.convert(
                                            fact.getAmountMinor(),
                                            fact.getCurrency(),
                                            settled.currency(),
                                            settled.exchangeRate()));
        }
        return Optional.of(fact.build());
    }

    private static String rate(StripeLookups.Settlement settled) {
        return settled.exchangeRate() == null ? null : settled.exchangeRate().toPlainString();
    }

    private static PaymentFact.Builder withSession(PaymentFact.Builder fact, Session session) {
        Map<String, String> metadata = session.getMetadata();
        return fact.setLiveId(metadata.get(LIVE_ID))
                .setCreatorId(metadata.get(CREATOR_ID))
                .setTier(metadata.get(TIER))
                .setTicketId(session.getId())
                .setBuyerEmail(
                        session.getCustomerDetails() != null
                                ? session.getCustomerDetails().getEmail()
                                : session.getCustomerEmail());
    }
}
