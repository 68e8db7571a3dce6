package io.stagepass.pipeline;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One Flink job of the pipeline: it adds its sources, topology and sinks to an environment. */
public interface PipelineJob {
    /** What every job's Flink name, consumer group and transactional ids start with. */
    String PREFIX = "stagepass-";

    /** Short name, used on the command line; {@link #flinkName(String)} makes the rest from it. */
    String name();

    /**
     * {@code stagepass-NAME}: the Flink job's name, its Kafka consumer group and its transactional-id prefix (a step
     * with its own transactions, such as a dead-letter sink, passes its own name). Changing it orphans a running
     * job's committed offsets and open transactions, so it never changes.
     */
    static String flinkName(String name) {
        return PREFIX + name;
    }

    default String flinkName() {
        return flinkName(name());
    }

    void define(StreamExecutionEnvironment env, PipelineConfig config);
}
