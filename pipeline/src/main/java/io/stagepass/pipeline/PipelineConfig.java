package io.stagepass.pipeline;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import java.io.Serializable;
import java.time.Duration;
import java.util.Map;

/**
 * Configuration of the pipeline jobs, read once at start-up.
 *
 * @param kafka                  where the topics are
 * @param checkpointInterval     {@code STAGEPASS_CHECKPOINT_INTERVAL}, default 10s: how often exactly-once outputs commit
 * @param parallelism            {@code STAGEPASS_PIPELINE_PARALLELISM}, default 2 (the machine's cores)
 * @param s3                     where the lake bucket is
 * @param lakeCheckpointInterval {@code STAGEPASS_LAKE_CHECKPOINT_INTERVAL}, default 1m: the lake job's own, longer
 *                               interval (each checkpoint stages a part per open partition-hour)
 * @param lakePublishEvery       {@code STAGEPASS_LAKE_PUBLISH_EVERY}, default 2m: a partition-hour that keeps
 *                               receiving events gets a rolling file this often, so an event is queryable within
 *                               this plus two lake checkpoint intervals
 * @param lakeCloseAfter         {@code STAGEPASS_LAKE_CLOSE_AFTER}, default 5m: a partition-hour is closed (published,
 *                               its rolling files compacted) when no event arrived for it this long
 */
public record PipelineConfig(
        KafkaSettings kafka,
        Duration checkpointInterval,
        int parallelism,
        S3Settings s3,
        Duration lakeCheckpointInterval,
        Duration lakePublishEvery,
        Duration lakeCloseAfter)
        implements Serializable {
    public static final String CHECKPOINT_INTERVAL = "STAGEPASS_CHECKPOINT_INTERVAL";
    public static final String PARALLELISM = "STAGEPASS_PIPELINE_PARALLELISM";
    public static final String LAKE_CHECKPOINT_INTERVAL = "STAGEPASS_LAKE_CHECKPOINT_INTERVAL";
    public static final String LAKE_PUBLISH_EVERY = "STAGEPASS_LAKE_PUBLISH_EVERY";
    public static final String LAKE_CLOSE_AFTER = "STAGEPASS_LAKE_CLOSE_AFTER";
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    public static final int DEFAULT_PARALLELISM = 2;
    public static final Duration DEFAULT_LAKE_CHECKPOINT_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_LAKE_PUBLISH_EVERY = Duration.ofMinutes(2);
    public static final Duration DEFAULT_LAKE_CLOSE_AFTER = Duration.ofMinutes(5);

    /** For jobs that do not write the lake: lake settings at their defaults. */
    public PipelineConfig(KafkaSettings kafka, Duration checkpointInterval, int parallelism) {
        this(
                kafka,
                checkpointInterval,
                parallelism,
                S3Settings.fromEnv(Env.of(Map.of())),
                DEFAULT_LAKE_CHECKPOINT_INTERVAL,
                DEFAULT_LAKE_PUBLISH_EVERY,
                DEFAULT_LAKE_CLOSE_AFTER);
    }

    public static PipelineConfig fromEnv(Env env) {
        return new PipelineConfig(
                KafkaSettings.fromEnv(env),
                interval(env, CHECKPOINT_INTERVAL, DEFAULT_CHECKPOINT_INTERVAL),
                env.integer(PARALLELISM, DEFAULT_PARALLELISM, 1, 256),
                S3Settings.fromEnv(env),
                interval(env, LAKE_CHECKPOINT_INTERVAL, DEFAULT_LAKE_CHECKPOINT_INTERVAL),
                interval(env, LAKE_PUBLISH_EVERY, DEFAULT_LAKE_PUBLISH_EVERY),
                interval(env, LAKE_CLOSE_AFTER, DEFAULT_LAKE_CLOSE_AFTER));
    }

    private static Duration interval(Env env, String name, Duration defaultValue) {
        Duration interval = env.duration(name, defaultValue);
        if (interval.toMillis() < 100) {
            throw new ConfigException(name + " must be at least 100ms, got " + interval);
        }
        return interval;
    }
}
