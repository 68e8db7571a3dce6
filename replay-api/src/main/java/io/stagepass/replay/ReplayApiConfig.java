package io.stagepass.replay;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;

/**
 * Configuration of the replay API, read once at start-up.
 *
 * @param host  {@code STAGEPASS_API_HOST}, default 127.0.0.1 (0.0.0.0 in containers)
 * @param port  {@code STAGEPASS_API_PORT}, default 8080
 */
public record ReplayApiConfig(String host, int port, KafkaSettings kafka, S3Settings s3) {
    public static final String HOST = "STAGEPASS_API_HOST";
    public static final String PORT = "STAGEPASS_API_PORT";
    public static final int DEFAULT_PORT = 8080;

    public static ReplayApiConfig fromEnv(Env env) {
        return new ReplayApiConfig(
                env.string(HOST, "127.0.0.1"),
                env.port(PORT, DEFAULT_PORT),
                KafkaSettings.fromEnv(env),
                S3Settings.fromEnv(env));
    }
}
