package io.stagepass.pipeline.revenue;

import io.stagepass.events.Ids;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.AggregateFunction;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Adds the counted facts of one live, currency and event-time minute; emits a WINDOW record per tier and for all. */
final class MinuteWindows {
    private MinuteWindows() {}

    static final class Sum implements AggregateFunction<PaymentFact, MinuteRevenue, MinuteRevenue> {
        @Override
        public MinuteRevenue createAccumulator() {
            return new MinuteRevenue();
        }

        @Override
        public MinuteRevenue add(PaymentFact fact, MinuteRevenue minute) {
            minute.creatorId = minute.creatorId == null ? fact.getCreatorId() : minute.creatorId;
            minute.facts++;
            minute.all.add(fact);
            if (fact.getTier() != null) {
                minute.tiers
                        .computeIfAbsent(fact.getTier(), t -> new RevenueTotals())
                        .add(fact);
            }
            return minute;
        }

        @Override
        public MinuteRevenue getResult(MinuteRevenue minute) {
            return minute;
        }

        @Override
        public MinuteRevenue merge(MinuteRevenue a, MinuteRevenue b) {
            a.merge(b);
            return a;
        }
    }

    /**
     * Emits the minute when the watermark passes its end, and again, corrected, for each late fact within the
     * allowed lateness. The event id names the key, the minute and how many facts it holds, so a firing replayed
     * after a restore has the same id and a corrected one a new id.
     */
    static final class Emit extends ProcessWindowFunction<MinuteRevenue, RevenueMetric, String, TimeWindow> {
        @Override
        public void process(
                String key, Context context, Iterable<MinuteRevenue> minutes, Collector<RevenueMetric> out) {
            MinuteRevenue minute = minutes.iterator().next();
            int split = key.lastIndexOf('|');
            String liveId = key.substring(0, split);
            String currency = key.substring(split + 1);
            Map<String, RevenueTotals> all = new TreeMap<>(minute.tiers);
            out.collect(window(minute, null, minute.all, liveId, currency, context.window()));
            all.forEach(
                    (tier, totals) -> out.collect(window(minute, tier, totals, liveId, currency, context.window())));
        }

        private static RevenueMetric window(
                MinuteRevenue minute,
                String tier,
                RevenueTotals totals,
                String liveId,
                String currency,
                TimeWindow window) {
            return totals.toMetric(RevenueMetricType.WINDOW, liveId, minute.creatorId, currency, tier)
                    .setEventId(Ids.derivedEventId(
                            "revenue-window",
                            liveId + "/" + currency + "/" + tier + "/" + window.getStart() + "/" + minute.facts))
                    .setOccurredAt(Instant.ofEpochMilli(window.getEnd()))
                    .setWindowStart(Instant.ofEpochMilli(window.getStart()))
                    .setWindowEnd(Instant.ofEpochMilli(window.getEnd()))
                    .build();
        }
    }
}
