package io.stagepass.ingest;

import io.stagepass.events.config.Env;
import io.stagepass.events.config.KafkaSettings;
import io.stagepass.events.config.S3Settings;

/**
 * Configuration of the ingest service, read once at start-up.
 *
 * @param host  {@code STAGEPASS_INGEST_HOST}, default 127.0.0.1 (0.0.0.0 in containers)
 * @param port  {@code STAGEPASS_INGEST_PORT}, default 8090
 */
public record IngestConfig(String host, int port, KafkaSettings kafka, S3Settings s3) {
    public static final String HOST = "STAGEPASS_INGEST_HOST";
    public static final String PORT = "STAGEPASS_INGEST_PORT";
    public static final int DEFAULT_PORT = 8090;

    public static IngestConfig fromEnv(Env env) {
        return new IngestConfig(env.string(HOST, "127.0.0.1"), env.port(PORT, DEFAULT_PORT),
                KafkaSettings.fromEnv(env), S3Settings.fromEnv(env));
    }
}
