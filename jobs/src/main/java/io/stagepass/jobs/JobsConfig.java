package io.stagepass.jobs;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of the jobs worker, read once at start-up.
 *
 * @param groupId           {@code STAGEPASS_JOBS_GROUP}, default {@code stagepass-jobs}: workers sharing it split the lives
 * @param workDir           {@code STAGEPASS_JOBS_WORK_DIR}, default {@code ./data/jobs}: scratch space for packaging
 * @param fetchers          {@code STAGEPASS_JOBS_FETCHERS}, default 4: segments fetched from the object store in parallel
 * @param retentionInterval {@code STAGEPASS_JOBS_RETENTION_INTERVAL}, default 1h: how often expired replays are deleted
 *                          ({@code 0} turns the schedule off; {@code stagepass replay retention} still runs it)
 * @param buildWhileStreaming {@code STAGEPASS_JOBS_BUILD_WHILE_STREAMING}, default true: replays are built segment by
 *                          segment while their lives stream, and the end only finalises; false packages each replay
 *                          whole after its live ends (as re-packaging a new version always does)
 * @param buildIdle         {@code STAGEPASS_JOBS_BUILD_IDLE}, default 15m: a live's build that sees no segment for this
 *                          long leaves memory (a paused live, or one another worker took over); its checkpoint keeps it
 *                          and the next segment or the end loads it again (0s to 168h; 0s: after every segment)
 */
public record JobsConfig(
        KafkaSettings kafka,
        S3Settings s3,
        String groupId,
        Path workDir,
        int fetchers,
        Duration retentionInterval,
        boolean buildWhileStreaming,
        Duration buildIdle) {
    public static final String GROUP = "STAGEPASS_JOBS_GROUP";
    public static final String WORK_DIR = "STAGEPASS_JOBS_WORK_DIR";
    public static final String FETCHERS = "STAGEPASS_JOBS_FETCHERS";
    public static final String RETENTION_INTERVAL = "STAGEPASS_JOBS_RETENTION_INTERVAL";
    public static final String BUILD_WHILE_STREAMING = "STAGEPASS_JOBS_BUILD_WHILE_STREAMING";
    public static final String BUILD_IDLE = "STAGEPASS_JOBS_BUILD_IDLE";
    public static final String DEFAULT_GROUP = "stagepass-jobs";
    public static final Duration DEFAULT_BUILD_IDLE = Duration.ofMinutes(15);

    public static JobsConfig fromEnv(Env env) {
        return new JobsConfig(
                KafkaSettings.fromEnv(env),
                S3Settings.fromEnv(env),
                env.string(GROUP, DEFAULT_GROUP),
                env.path(WORK_DIR, "data/jobs"),
                env.integer(FETCHERS, 4, 1, 64),
                retentionInterval(env),
                !"false".equals(env.string(BUILD_WHILE_STREAMING, "true")),
                buildIdle(env));
    }

    private static Duration buildIdle(Env env) {
        Duration idle = env.duration(BUILD_IDLE, DEFAULT_BUILD_IDLE);
        if (idle.isNegative() || idle.compareTo(Duration.ofHours(168)) > 0) {
            throw new ConfigException(BUILD_IDLE + " must be between 0s (a build leaves memory after every segment:"
                    + " for tests) and 168h, got " + env.string(BUILD_IDLE, null));
        }
        return idle;
    }

    private static Duration retentionInterval(Env env) {
        return "0".equals(env.string(RETENTION_INTERVAL, null))
                ? Duration.ZERO
                : env.duration(RETENTION_INTERVAL, Duration.ofHours(1));
    }
}
