package io.stagepass.pipeline.revenue;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.kafka.KafkaIo;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingEventTimeWindows;

/**
 * Revenue per live, currency and tier from payment facts, written exactly once to the compacted revenue metrics
 * topic: running {@code TOTAL}s under {@code liveId/currency[/tier]} (the latest record is the total) and per
 * event-time minute {@code WINDOW}s under {@code liveId/currency[/tier]/windowStart}. Amounts are never summed
 * across currencies; each Stripe event counts once.
 */
public final class RevenueJob implements PipelineJob {
    public static final String NAME = "revenue";

    @Override
    public String name() {
        return NAME;
    }

    /**
     * How far behind the latest payment time the watermark runs: Stripe does not deliver in order, so a minute
     * closes this long after its end.
     */
    public static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(30);
    /** A minute already emitted is emitted again, corrected, for facts this late; later ones count in totals only. */
    public static final Duration ALLOWED_LATENESS = Duration.ofHours(1);

    /** The topology, free of sources and sinks: running totals, and per-minute windows of the same counted facts. */
    public static DataStream<RevenueMetric> defineWorkflow(DataStream<PaymentFact> payments) {
        SingleOutputStreamOperator<RevenueMetric> totals = payments.keyBy(RevenueJob::key)
                .process(new RevenueFunction())
                .uid("revenue-totals")
                .name("running revenue per live and currency");
        DataStream<RevenueMetric> minutes = totals.getSideOutput(RevenueFunction.COUNTED)
                .keyBy(RevenueJob::key)
                .window(TumblingEventTimeWindows.of(Duration.ofMinutes(1)))
                .allowedLateness(ALLOWED_LATENESS)
                .aggregate(new MinuteWindows.Sum(), new MinuteWindows.Emit())
                .uid("revenue-minutes")
                .name("revenue per minute");
        return totals.union(minutes);
    }

    private static String key(PaymentFact fact) {
        return fact.getLiveId() + "|" + fact.getCurrency();
    }

    /** Reads the payment facts in event time ({@code occurredAt}), unreadable ones to the dead-letter topic. */
    public static SingleOutputStreamOperator<PaymentFact> payments(
            StreamExecutionEnvironment env, PipelineConfig config) {
        return KafkaIo.eventTimeSource(
                env,
                config,
                NAME,
                Topic.PAYMENTS,
                PaymentFact.class,
                fact -> fact.getOccurredAt().toEpochMilli(),
                OUT_OF_ORDERNESS);
    }

    public static Sink<RevenueMetric> sink(PipelineConfig config) {
        return KafkaIo.exactlyOnceSink(
                config,
                NAME,
                Topic.REVENUE_METRICS,
                RevenueMetric.class,
                metric -> metric.getLiveId() + "/" + metric.getCurrency()
                        + (metric.getTier() == null ? "" : "/" + metric.getTier())
                        + (metric.getWindowStart() == null ? "" : "/" + metric.getWindowStart()));
    }

    @Override
    public void define(StreamExecutionEnvironment env, PipelineConfig config) {
        defineWorkflow(payments(env, config))
                .sinkTo(sink(config))
                .uid("revenue-sink")
                .name(Topic.REVENUE_METRICS.topicName());
    }
}
