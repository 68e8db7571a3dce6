package io.stagepass.pipeline.revenue;

import io.stagepass.events.Ids;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.pipeline.StateTtl;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Running revenue totals per live and currency (the key), for all tiers and per tier. Each Stripe event counts
 * once: its id is remembered for {@link #DEDUPE_WINDOW} (Stripe retries for three days). Order does not matter:
 * totals are sums. Every fact emits the updated totals (for all tiers and for its tier) and goes on, once, to the
 * {@link #COUNTED} side output.
 */
public final class RevenueFunction extends KeyedProcessFunction<String, PaymentFact, RevenueMetric> {
    static final Duration DEDUPE_WINDOW = Duration.ofDays(7);
    /** Every fact counted (each Stripe event once), with its event time: what the per-minute windows add up. */
    public static final OutputTag<PaymentFact> COUNTED = new OutputTag<>("counted-payments", TypeInformation.of(PaymentFact.class)) { };

    private transient ValueState<RevenueTotals> all;
    private transient MapState<String, RevenueTotals> byTier;
    private transient MapState<String, Boolean> seen;

    @Override
    public void open(OpenContext context) {
        all = getRuntimeContext().getState(new ValueStateDescriptor<>("all-tiers", RevenueTotals.class));
        byTier = getRuntimeContext().getMapState(new MapStateDescriptor<>("by-tier", String.class, RevenueTotals.class));
        MapStateDescriptor<String, Boolean> seenDescriptor = new MapStateDescriptor<>("seen-stripe-events", String.class, Boolean.class);
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
        out.collect(metric(fact, null, totals));
        if (fact.getTier() != null) {
            RevenueTotals tier = byTier.get(fact.getTier()) == null ? new RevenueTotals() : byTier.get(fact.getTier());
            tier.add(fact);
            byTier.put(fact.getTier(), tier);
            out.collect(metric(fact, fact.getTier(), tier));
        }
    }

    private static RevenueMetric metric(PaymentFact fact, String tier, RevenueTotals totals) {
        return totals.toMetric(RevenueMetricType.TOTAL, fact.getLiveId(), fact.getCreatorId(), fact.getCurrency(), tier)
                .setEventId(Ids.derivedEventId("revenue", fact.getLiveId() + "/" + fact.getCurrency() + "/" + tier + "/" + fact.getStripeEventId()))
                .setOccurredAt(fact.getOccurredAt())
                .build();
    }
}
