package io.stagepass.pipeline.entitlements;

import io.stagepass.events.Entitlement;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.kafka.KafkaIo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Ticket entitlements from payment facts: who may watch a live and its replay. Emits each change, keyed
 * {@code liveId/ticketId}, to the compacted entitlements topic (the latest record per ticket is its state),
 * exactly once. Unreadable payment facts go to the dead-letter topic.
 */
public final class EntitlementsJob implements PipelineJob {
    public static final String NAME = "entitlements";

    @Override
    public String name() {
        return NAME;
    }

    /** The topology, free of sources and sinks. */
    public static DataStream<Entitlement> defineWorkflow(DataStream<PaymentFact> payments) {
        return payments.keyBy(PaymentFact::getTicketId)
                .process(new EntitlementFunction())
                .uid("entitlements-state")
                .name("ticket entitlement state machine");
    }

    @Override
    public void define(StreamExecutionEnvironment env, PipelineConfig config) {
        defineWorkflow(KafkaIo.decodedSource(env, config, NAME, Topic.PAYMENTS, PaymentFact.class))
                .sinkTo(KafkaIo.exactlyOnceSink(
                        config,
                        NAME,
                        Topic.ENTITLEMENTS,
                        Entitlement.class,
                        entitlement -> entitlement.getLiveId() + "/" + entitlement.getTicketId()))
                .uid("entitlements-sink")
                .name(Topic.ENTITLEMENTS.topicName());
    }
}
