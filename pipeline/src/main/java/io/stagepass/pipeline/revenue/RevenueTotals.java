package io.stagepass.pipeline.revenue;

import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;

/**
 * Running revenue of one live in one currency (optionally one tier), in minor units. A Flink POJO. Money is
 * only ever added as {@code long}; {@link Math#addExact} refuses an overflow instead of wrapping.
 */
public class RevenueTotals {
    public long grossMinor;
    public long feesMinor;
    public long refundsMinor;
    public long disputesHeldMinor;
    public long disputesLostMinor;
    public long disputesWonMinor;
    public long ticketsSold;
    public long ticketsRefunded;
    public long ticketsDisputed;
    /** Facts counted, the creator and latest event time among them, and whether these totals await emission. */
    public long facts;

    public String creatorId;
    public long lastOccurredAt;
    public boolean dirty;

    public RevenueTotals() {}

    /** Net = gross − Stripe fees − refunds − disputed amounts held or lost. */
    public long netMinor() {
        return Math.subtractExact(
                grossMinor,
                Math.addExact(
                        Math.addExact(feesMinor, refundsMinor), Math.addExact(disputesHeldMinor, disputesLostMinor)));
    }

    /** A metric builder carrying these amounts; the caller adds the event id, time and window. */
    RevenueMetric.Builder toMetric(
            RevenueMetricType type, String liveId, String creatorId, String currency, String tier) {
        return RevenueMetric.newBuilder()
                .setType(type)
                .setLiveId(liveId)
                .setCreatorId(creatorId)
                .setCurrency(currency)
                .setTier(tier)
                .setGrossMinor(grossMinor)
                .setFeesMinor(feesMinor)
                .setRefundsMinor(refundsMinor)
                .setDisputesHeldMinor(disputesHeldMinor)
                .setDisputesLostMinor(disputesLostMinor)
                .setDisputesWonMinor(disputesWonMinor)
                .setNetMinor(netMinor())
                .setTicketsSold(ticketsSold)
                .setTicketsRefunded(ticketsRefunded)
                .setTicketsDisputed(ticketsDisputed);
    }

    void merge(RevenueTotals other) {
        grossMinor = Math.addExact(grossMinor, other.grossMinor);
        feesMinor = Math.addExact(feesMinor, other.feesMinor);
        refundsMinor = Math.addExact(refundsMinor, other.refundsMinor);
        disputesHeldMinor = Math.addExact(disputesHeldMinor, other.disputesHeldMinor);
        disputesLostMinor = Math.addExact(disputesLostMinor, other.disputesLostMinor);
        disputesWonMinor = Math.addExact(disputesWonMinor, other.disputesWonMinor);
        ticketsSold += other.ticketsSold;
        ticketsRefunded += other.ticketsRefunded;
        ticketsDisputed += other.ticketsDisputed;
    }

    /** Adds one (deduplicated) payment fact. */
    void add(PaymentFact fact) {
        facts++;
        creatorId = fact.getCreatorId() != null ? fact.getCreatorId() : creatorId;
        lastOccurredAt = Math.max(lastOccurredAt, fact.getOccurredAt().toEpochMilli());
        dirty = true;
        long amount = fact.getAmountMinor();
        switch (fact.getType()) {
            case CHECKOUT_COMPLETED, ASYNC_PAYMENT_SUCCEEDED -> {
                if (fact.getType() == PaymentEventType.ASYNC_PAYMENT_SUCCEEDED || fact.getPaid()) {
                    grossMinor = Math.addExact(grossMinor, amount);
                    feesMinor = Math.addExact(feesMinor, fact.getFeeMinor() == null ? 0 : fact.getFeeMinor());
                    ticketsSold++;
                }
            }
            case CHARGE_REFUNDED -> {
                refundsMinor = Math.addExact(refundsMinor, amount);
                if (fact.getFullyRefunded()) {
                    ticketsRefunded++;
                }
            }
            case DISPUTE_OPENED -> {
                disputesHeldMinor = Math.addExact(disputesHeldMinor, amount);
                ticketsDisputed++;
            }
            case DISPUTE_CLOSED -> {
                disputesHeldMinor = Math.subtractExact(disputesHeldMinor, amount);
                if (fact.getDisputeOutcome() == DisputeOutcome.LOST) {
                    disputesLostMinor = Math.addExact(disputesLostMinor, amount);
                } else {
                    disputesWonMinor = Math.addExact(disputesWonMinor, amount);
                }
            }
            case ASYNC_PAYMENT_FAILED, CHECKOUT_EXPIRED -> {}
        }
    }
}
