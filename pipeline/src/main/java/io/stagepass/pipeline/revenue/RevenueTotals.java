package io.stagepass.pipeline.revenue;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueDelta;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;

/**
 * Running revenue of one live in one currency (optionally one tier), in minor units. A Flink POJO: its fields are the
 * job's state. What a fact adds is decided by the contract's {@link RevenueDelta} (the replay API folds the same facts
 * with it); this class only keeps the sums. Gross, refunds and disputes are in the charge's currency; fees, the settled
 * amounts and so the net are in {@link #settlementCurrency}.
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

    /** Added in schema version 2 of the facts; state restored from before has none of them (see {@link #settled}). */
    public String settlementCurrency;

    public long settledGrossMinor;
    public long settledRefundsMinor;
    public long settledDisputesHeldMinor;
    public long settledDisputesLostMinor;
    /**
     * Whether the settled amounts are kept. False in totals restored from a checkpoint taken before they existed: those
     * were all in one currency, so their settled amounts are their amounts.
     */
    public boolean settled;

    public RevenueTotals() {}

    /** Net = settled gross − Stripe fees − refunds − disputed amounts held or lost, in the settlement currency. */
    public long netMinor() {
        return delta().netMinor();
    }

    RevenueDelta delta() {
        normalize();
        return new RevenueDelta(
                grossMinor,
                refundsMinor,
                disputesHeldMinor,
                disputesLostMinor,
                disputesWonMinor,
                feesMinor,
                settledGrossMinor,
                settledRefundsMinor,
                settledDisputesHeldMinor,
                settledDisputesLostMinor,
                ticketsSold,
                ticketsRefunded,
                ticketsDisputed);
    }

    /** A metric builder carrying these amounts; the caller adds the event id, time and window. */
    RevenueMetric.Builder toMetric(
            RevenueMetricType type, String liveId, String creatorId, String currency, String tier) {
        return RevenueMetric.newBuilder()
                .setType(type)
                .setLiveId(liveId)
                .setCreatorId(creatorId)
                .setCurrency(currency)
                .setSettlementCurrency(settlementCurrency != null ? settlementCurrency : currency)
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
        set(delta().plus(other.delta()));
        if (settlementCurrency == null) {
            settlementCurrency = other.settlementCurrency;
        }
    }

    /** Adds one (deduplicated) payment fact. */
    void add(PaymentFact fact) {
        facts++;
        creatorId = fact.getCreatorId() != null ? fact.getCreatorId() : creatorId;
        lastOccurredAt = Math.max(lastOccurredAt, fact.getOccurredAt().toEpochMilli());
        dirty = true;
        if (settlementCurrency == null && fact.getSettlementCurrency() != null) {
            settlementCurrency = fact.getSettlementCurrency();
        }
        set(delta().plus(RevenueDelta.of(fact)));
    }

    private void normalize() {
        if (!settled) {
            settledGrossMinor = grossMinor;
            settledRefundsMinor = refundsMinor;
            settledDisputesHeldMinor = disputesHeldMinor;
            settledDisputesLostMinor = disputesLostMinor;
            settled = true;
        }
    }

    private void set(RevenueDelta d) {
        grossMinor = d.grossMinor();
        refundsMinor = d.refundsMinor();
        disputesHeldMinor = d.disputesHeldMinor();
        disputesLostMinor = d.disputesLostMinor();
        disputesWonMinor = d.disputesWonMinor();
        feesMinor = d.feesMinor();
        settledGrossMinor = d.settledGrossMinor();
        settledRefundsMinor = d.settledRefundsMinor();
        settledDisputesHeldMinor = d.settledDisputesHeldMinor();
        settledDisputesLostMinor = d.settledDisputesLostMinor();
        ticketsSold = d.ticketsSold();
        ticketsRefunded = d.ticketsRefunded();
        ticketsDisputed = d.ticketsDisputed();
        settled = true;
    }
}
