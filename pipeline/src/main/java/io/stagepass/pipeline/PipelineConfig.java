package io.stagepass.pipeline;

import io.stagepass.events.config.Env;
import io.stagepass.events.config.KafkaSettings;
import java.io.Serializable;
import java.time.Duration;

/**
 * Configuration of the pipeline jobs, read once at start-up.
 *
 * @param kafka              where the topics are
 * @param checkpointInterval {@code STAGEPASS_CHECKPOINT_INTERVAL}, default 10s: how often exactly-once outputs commit
 * @param parallelism        {@code STAGEPASS_PIPELINE_PARALLELISM}, default 2 (the machine's cores)
 */
public record PipelineConfig(KafkaSettings kafka, Duration checkpointInterval, int parallelism) implements Serializable {
    public static final String CHECKPOINT_INTERVAL = "STAGEPASS_CHECKPOINT_INTERVAL";
    public static final String PARALLELISM = "STAGEPASS_PIPELINE_PARALLELISM";

    public static PipelineConfig fromEnv(Env env) {
        Duration interval = env.duration(CHECKPOINT_INTERVAL, Duration.ofSeconds(10));
        if (interval.toMillis() < 100) {
            throw new io.stagepass.events.config.ConfigException(CHECKPOINT_INTERVAL + " must be at least 100ms, got " + interval);
        }
        return new PipelineConfig(KafkaSettings.fromEnv(env), interval, env.integer(PARALLELISM, 2, 1, 256));
    }
}
