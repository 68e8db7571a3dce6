package io.stagepass.ingest;

import io.stagepass.events.config.Env;
import io.stagepass.events.config.KafkaSettings;
import io.stagepass.events.config.S3Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Configuration of the ingest service, read once at start-up.
 *
 * @param host            {@code STAGEPASS_INGEST_HOST}, default 127.0.0.1 (0.0.0.0 in containers)
 * @param port            {@code STAGEPASS_INGEST_PORT}, default 8090
 * @param spoolDir        {@code STAGEPASS_INGEST_SPOOL_DIR}, default {@code data/ingest/spool}: segments wait here until delivered
 * @param spoolMaxBytes   {@code STAGEPASS_INGEST_SPOOL_MAX}, default 2GB: beyond it segments are refused with 507
 * @param maxBody         {@code STAGEPASS_INGEST_MAX_BODY}, default 64MB: a larger segment is refused with 413
 * @param reconnectWindow {@code STAGEPASS_INGEST_RECONNECT_WINDOW}, default 60s: silence after which a live has ended
 * @param durationWait    {@code STAGEPASS_INGEST_DURATION_WAIT}, default 3s: how long a segment waits for the playlist
 *                        that gives its duration before its fact is sent without one
 */
public record IngestConfig(String host, int port, KafkaSettings kafka, S3Settings s3, Path spoolDir, long spoolMaxBytes,
                           long maxBody, Duration reconnectWindow, Duration durationWait) {
    public static final String HOST = "STAGEPASS_INGEST_HOST";
    public static final String PORT = "STAGEPASS_INGEST_PORT";
    public static final String SPOOL_DIR = "STAGEPASS_INGEST_SPOOL_DIR";
    public static final String SPOOL_MAX = "STAGEPASS_INGEST_SPOOL_MAX";
    public static final String MAX_BODY = "STAGEPASS_INGEST_MAX_BODY";
    public static final String RECONNECT_WINDOW = "STAGEPASS_INGEST_RECONNECT_WINDOW";
    public static final String DURATION_WAIT = "STAGEPASS_INGEST_DURATION_WAIT";
    public static final int DEFAULT_PORT = 8090;

    public static IngestConfig fromEnv(Env env) {
        return new IngestConfig(env.string(HOST, "127.0.0.1"), env.port(PORT, DEFAULT_PORT),
                KafkaSettings.fromEnv(env), S3Settings.fromEnv(env),
                env.path(SPOOL_DIR, "data/ingest/spool"),
                env.bytes(SPOOL_MAX, 2L * 1024 * 1024 * 1024),
                env.bytes(MAX_BODY, 64L * 1024 * 1024),
                env.duration(RECONNECT_WINDOW, Duration.ofSeconds(60)),
                env.duration(DURATION_WAIT, Duration.ofSeconds(3)));
    }
}
