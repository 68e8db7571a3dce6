package io.stagepass.pipeline;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** One Flink job of the pipeline: it adds its sources, topology and sinks to an environment. */
public interface PipelineJob {
    /** Short name, used on the command line, as the Flink job name and as its transactional-id prefix. */
    String name();

    void define(StreamExecutionEnvironment env, PipelineConfig config);
}
