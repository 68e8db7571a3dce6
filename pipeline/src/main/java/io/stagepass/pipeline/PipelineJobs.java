package io.stagepass.pipeline;

import io.stagepass.pipeline.activity.TopicActivityJob;
import io.stagepass.pipeline.audience.AudienceJob;
import io.stagepass.pipeline.entitlements.EntitlementsJob;
import io.stagepass.pipeline.lake.LakeJob;
import io.stagepass.pipeline.revenue.RevenueJob;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** Every pipeline job, and how an environment is prepared for one. */
public final class PipelineJobs {
    private PipelineJobs() {}

    public static List<PipelineJob> all() {
        return List.of(
                new TopicActivityJob(), new EntitlementsJob(), new RevenueJob(), new AudienceJob(), new LakeJob());
    }

    public static Optional<PipelineJob> byName(String name) {
        return all().stream().filter(job -> job.name().equals(name)).findFirst();
    }

    /**
     * The job, ready to submit to a cluster or a MiniCluster: exactly-once checkpoints at the configured interval,
     * restarts with backoff, its topology, under its Flink name.
     */
    public static StreamGraph streamGraph(StreamExecutionEnvironment env, PipelineJob job, PipelineConfig config) {
        configure(env, config);
        job.define(env, config);
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(job.flinkName());
        return graph;
    }

    /**
     * Settings every job shares. A failed job restarts from its last checkpoint after 1 s, then 2 s, 4 s ... up to
     * a minute between attempts, and keeps trying: a broker outage must not end a job for good.
     */
    public static void configure(StreamExecutionEnvironment env, PipelineConfig config) {
        env.setParallelism(config.parallelism());
        // Records go from operator to chained operator without a defensive copy; no function here keeps or
        // changes a record it was given, and the source makes a new one per Kafka record.
        env.getConfig().enableObjectReuse();
        env.enableCheckpointing(config.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        Configuration restart = new Configuration();
        restart.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF, Duration.ofSeconds(1));
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, Duration.ofMinutes(1));
        restart.set(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS, Integer.MAX_VALUE);
        // A stopped job keeps its last checkpoint, so the next start resumes from it (state and offsets).
        restart.set(
                CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
                ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
        env.configure(restart);
    }
}
