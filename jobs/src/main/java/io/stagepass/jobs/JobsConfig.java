package io.stagepass.jobs;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import java.nio.file.Path;

/**
 * Configuration of the jobs worker, read once at start-up.
 *
 * @param groupId  {@code STAGEPASS_JOBS_GROUP}, default {@code stagepass-jobs}: workers sharing it split the work
 * @param workDir  {@code STAGEPASS_JOBS_WORK_DIR}, default {@code ./data/jobs}: scratch space for packaging
 */
public record JobsConfig(KafkaSettings kafka, S3Settings s3, String groupId, Path workDir) {
    public static final String GROUP = "STAGEPASS_JOBS_GROUP";
    public static final String WORK_DIR = "STAGEPASS_JOBS_WORK_DIR";

    public static JobsConfig fromEnv(Env env) {
        return new JobsConfig(KafkaSettings.fromEnv(env), S3Settings.fromEnv(env),
                env.string(GROUP, "stagepass-jobs"), env.path(WORK_DIR, "data/jobs"));
    }
}
