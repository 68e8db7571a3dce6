package io.stagepass.events;

/**
 * What payment facts add to a live's revenue in one charge currency: the one copy of the rules, used by the revenue
 * job (exactly once, from checkpoints) and by the replay API (within a second, for creators' dashboards), the way
 * {@link TicketLedger} is for tickets. Gross, refunds and disputes are in the charge's currency; fees, and the settled
 * amounts that the net is made of, are in the Stripe account's settlement currency (the same one unless Stripe
 * converted). Integers only; {@link Math#addExact} refuses an overflow.
 */
public record RevenueDelta(
        long grossMinor,
        long refundsMinor,
        long disputesHeldMinor,
        long disputesLostMinor,
        long disputesWonMinor,
        long feesMinor,
        long settledGrossMinor,
        long settledRefundsMinor,
        long settledDisputesHeldMinor,
        long settledDisputesLostMinor,
        long ticketsSold,
        long ticketsRefunded,
        long ticketsDisputed) {
    public static final RevenueDelta ZERO = new RevenueDelta(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** What one fact adds: a paid checkout sells a ticket, a refund or a dispute takes money back, and so on. */
    public static RevenueDelta of(PaymentFact fact) {
        long amount = fact.getAmountMinor();
        long settled = settlementAmount(fact);
        return switch (fact.getType()) {
            case CHECKOUT_COMPLETED, ASYNC_PAYMENT_SUCCEEDED -> {
                if (fact.getType() == PaymentEventType.CHECKOUT_COMPLETED && !fact.getPaid()) {
                    yield ZERO; // a delayed payment method: counted when ASYNC_PAYMENT_SUCCEEDED arrives
                }
                long fee = fact.getFeeMinor() == null ? 0 : fact.getFeeMinor();
                yield new RevenueDelta(amount, 0, 0, 0, 0, fee, settled, 0, 0, 0, 1, 0, 0);
            }
            case CHARGE_REFUNDED ->
                new RevenueDelta(0, amount, 0, 0, 0, 0, 0, settled, 0, 0, 0, fact.getFullyRefunded() ? 1 : 0, 0);
            case DISPUTE_OPENED -> new RevenueDelta(0, 0, amount, 0, 0, 0, 0, 0, settled, 0, 0, 0, 1);
            case DISPUTE_CLOSED ->
                fact.getDisputeOutcome() == DisputeOutcome.LOST
                        ? new RevenueDelta(0, 0, -amount, amount, 0, 0, 0, 0, -settled, settled, 0, 0, 0)
                        : new RevenueDelta(0, 0, -amount, 0, amount, 0, 0, 0, -settled, 0, 0, 0, 0);
            case ASYNC_PAYMENT_FAILED, CHECKOUT_EXPIRED -> ZERO;
        };
    }

    /** This fact's amount as settled: the balance transaction's, or the charge's own when Stripe did not convert. */
    static long settlementAmount(PaymentFact fact) {
        return fact.getSettlementAmountMinor() != null ? fact.getSettlementAmountMinor() : fact.getAmountMinor();
    }

    /** The currency fees and net are in for this fact. */
    public static String settlementCurrency(PaymentFact fact) {
        return fact.getSettlementCurrency() != null ? fact.getSettlementCurrency() : fact.getCurrency();
    }

    public RevenueDelta plus(RevenueDelta o) {
        return new RevenueDelta(
                Math.addExact(grossMinor, o.grossMinor),
                Math.addExact(refundsMinor, o.refundsMinor),
                Math.addExact(disputesHeldMinor, o.disputesHeldMinor),
                Math.addExact(disputesLostMinor, o.disputesLostMinor),
                Math.addExact(disputesWonMinor, o.disputesWonMinor),
                Math.addExact(feesMinor, o.feesMinor),
                Math.addExact(settledGrossMinor, o.settledGrossMinor),
                Math.addExact(settledRefundsMinor, o.settledRefundsMinor),
                Math.addExact(settledDisputesHeldMinor, o.settledDisputesHeldMinor),
                Math.addExact(settledDisputesLostMinor, o.settledDisputesLostMinor),
                Math.addExact(ticketsSold, o.ticketsSold),
                Math.addExact(ticketsRefunded, o.ticketsRefunded),
                Math.addExact(ticketsDisputed, o.ticketsDisputed));
    }

    /**
     * What the creator is paid, in the settlement currency: the settled gross less Stripe's fees, the refunds and the
     * disputed amounts held or lost, each as settled.
     */
    public long netMinor() {
        return Math.subtractExact(
                settledGrossMinor,
                Math.addExact(
                        Math.addExact(feesMinor, settledRefundsMinor),
                        Math.addExact(settledDisputesHeldMinor, settledDisputesLostMinor)));
    }
}
