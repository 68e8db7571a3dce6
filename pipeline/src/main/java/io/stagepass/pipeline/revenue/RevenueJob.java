package io.stagepass.pipeline.revenue;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.kafka.KafkaIo;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Running revenue totals per live, currency and tier from payment facts, written exactly once to the compacted
 * revenue metrics topic under {@code liveId/currency[/tier]} (the latest record is the total). Amounts are never
 * summed across currencies. Per-minute windows are still to come.
 */
public final class RevenueJob implements PipelineJob {
    public static final String NAME = "revenue";

    @Override
    public String name() {
        return NAME;
    }

    /** The topology, free of sources and sinks. */
    public static DataStream<RevenueMetric> defineWorkflow(DataStream<PaymentFact> payments) {
        return payments
                .keyBy(fact -> fact.getLiveId() + "|" + fact.getCurrency())
                .process(new RevenueFunction())
                .uid("revenue-totals")
                .name("running revenue per live and currency");
    }

    /** Reads the payment facts, unreadable ones to the dead-letter topic. */
    public static SingleOutputStreamOperator<PaymentFact> payments(StreamExecutionEnvironment env, PipelineConfig config) {
        return KafkaIo.decodedSource(env, config, NAME, Topic.PAYMENTS, PaymentFact.class);
    }

    public static Sink<RevenueMetric> sink(PipelineConfig config) {
        return KafkaIo.exactlyOnceSink(config, NAME, Topic.REVENUE_METRICS, RevenueMetric.class,
                metric -> metric.getLiveId() + "/" + metric.getCurrency() + (metric.getTier() == null ? "" : "/" + metric.getTier()));
    }

    @Override
    public void define(StreamExecutionEnvironment env, PipelineConfig config) {
        defineWorkflow(payments(env, config)).sinkTo(sink(config)).uid("revenue-sink").name(Topic.REVENUE_METRICS.topicName());
    }
}
