package io.stagepass.pipeline.revenue;

import io.stagepass.events.Ids;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.pipeline.StateTtl;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Running revenue totals per live and currency (the key), for all tiers and per tier. Each Stripe event counts
 * once: its id is remembered for {@link #DEDUPE_WINDOW} (Stripe retries for three days). Order does not matter:
 * totals are sums. Every counted fact goes on, once, to the {@link #COUNTED} side output; the totals it changed
 * (for all tiers and for its tier) are emitted at most every {@link #EMIT_EVERY}, so a burst of facts for one
 * live makes a few records, not one per fact (a record of the compacted topic is the whole total anyway).
 */
public final class RevenueFunction extends KeyedProcessFunction<String, PaymentFact, RevenueMetric> {
    static final Duration DEDUPE_WINDOW = Duration.ofDays(7);
    /** Totals changed by facts are emitted on the next multiple of this (processing time). */
    static final Duration EMIT_EVERY = Duration.ofMillis(200);
    /** Every fact counted (each Stripe event once), with its event time: what the per-minute windows add up. */
    public static final OutputTag<PaymentFact> COUNTED =
            new OutputTag<>("counted-payments", TypeInformation.of(PaymentFact.class)) {};

    private transient ValueState<RevenueTotals> all;
    private transient MapState<String, RevenueTotals> byTier;
    private transient MapState<String, Boolean> seen;

    @Override
    public void open(OpenContext context) {
        all = getRuntimeContext().getState(new ValueStateDescriptor<>("all-tiers", RevenueTotals.class));
        byTier =
                getRuntimeContext().getMapState(new MapStateDescriptor<>("by-tier", String.class, RevenueTotals.class));
        MapStateDescriptor<String, Boolean> seenDescriptor =
                new MapStateDescriptor<>("seen-stripe-events", String.class, Boolean.class);
        seenDescriptor.enableTimeToLive(StateTtl.afterLastWrite(DEDUPE_WINDOW));
        seen = getRuntimeContext().getMapState(seenDescriptor);
    }

    @Override
    public void processElement(PaymentFact fact, Context context, Collector<RevenueMetric> out) throws Exception {
        if (seen.contains(fact.getStripeEventId())) {
            return; // a duplicate delivery of a fact already counted
        }
        seen.put(fact.getStripeEventId(), true);
        context.output(COUNTED, fact);
        RevenueTotals totals = all.value() == null ? new RevenueTotals() : all.value();
        totals.add(fact);
        all.update(totals);
        if (fact.getTier() != null) {
            RevenueTotals tier = byTier.get(fact.getTier()) == null ? new RevenueTotals() : byTier.get(fact.getTier());
            tier.add(fact);
            byTier.put(fact.getTier(), tier);
        }
        // One timer per key and period however many facts arrive in it (the service dedupes equal timers).
        long now = context.timerService().currentProcessingTime();
        context.timerService().registerProcessingTimeTimer(now - now % EMIT_EVERY.toMillis() + EMIT_EVERY.toMillis());
    }

    /** Emits the totals that changed since the last emission: for all tiers, and for each tier that changed. */
    @Override
    public void onTimer(long timestamp, OnTimerContext context, Collector<RevenueMetric> out) throws Exception {
        String[] key = context.getCurrentKey().split("\\|", 2);
        RevenueTotals totals = all.value();
        if (totals != null && totals.dirty) {
            out.collect(metric(key[0], key[1], null, totals));
            totals.dirty = false;
            all.update(totals);
        }
        for (Map.Entry<String, RevenueTotals> tier : byTier.entries()) {
            if (tier.getValue().dirty) {
                out.collect(metric(key[0], key[1], tier.getKey(), tier.getValue()));
                tier.getValue().dirty = false;
                byTier.put(tier.getKey(), tier.getValue());
            }
        }
    }

    /** Same totals, same id: the id names the key and how many facts the totals hold. */
    private static RevenueMetric metric(String liveId, String currency, String tier, RevenueTotals totals) {
        return totals.toMetric(RevenueMetricType.TOTAL, liveId, totals.creatorId, currency, tier)
                .setEventId(Ids.derivedEventId("revenue", liveId + "/" + currency + "/" + tier + "/" + totals.facts))
                .setOccurredAt(Instant.ofEpochMilli(totals.lastOccurredAt))
                .build();
    }
}
