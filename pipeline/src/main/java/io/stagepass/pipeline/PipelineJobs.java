package io.stagepass.pipeline;

import io.stagepass.pipeline.activity.TopicActivityJob;
import java.util.List;
import java.util.Optional;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Every pipeline job, and how an environment is prepared for one. */
public final class PipelineJobs {
    private PipelineJobs() {
    }

    public static List<PipelineJob> all() {
        return List.of(new TopicActivityJob());
    }

    public static Optional<PipelineJob> byName(String name) {
        return all().stream().filter(job -> job.name().equals(name)).findFirst();
    }

    /** Exactly-once checkpoints at the configured interval; the job's topology added. */
    public static StreamExecutionEnvironment prepare(StreamExecutionEnvironment env, PipelineJob job, PipelineConfig config) {
        env.setParallelism(config.parallelism());
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        job.define(env, config);
        return env;
    }
}
