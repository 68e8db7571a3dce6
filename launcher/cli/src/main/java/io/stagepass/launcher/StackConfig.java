package io.stagepass.launcher;

import io.stagepass.events.config.ConfigException;
import io.stagepass.events.config.Env;
import io.stagepass.events.config.S3Settings;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where the embedded stack keeps its data and which loopback ports it binds. Built once from environment
 * variables, with command-line options taking precedence. Port 0 means "any free port" (used by tests).
 */
public record StackConfig(Path dataDir, int kafkaPort, int s3Port, int apiPort, int flinkPort, int ingestPort,
                          String s3AccessKey, String s3SecretKey, Env serviceEnv) {
    public static final String DATA_DIR = "STAGEPASS_DATA_DIR";
    public static final String KAFKA_PORT = "STAGEPASS_KAFKA_PORT";
    public static final String S3_PORT = "STAGEPASS_S3_PORT";
    public static final String API_PORT = "STAGEPASS_API_PORT";
    public static final String FLINK_PORT = "STAGEPASS_FLINK_PORT";
    public static final String INGEST_PORT = "STAGEPASS_INGEST_PORT";

    public static StackConfig fromEnv(Env env) {
        StackConfig config = new StackConfig(
                env.path(DATA_DIR, "data").toAbsolutePath().normalize(),
                env.port(KAFKA_PORT, 9092),
                env.port(S3_PORT, 9000),
                env.port(API_PORT, 8080),
                env.port(FLINK_PORT, 8081),
                env.port(INGEST_PORT, 8090),
                env.string(S3Settings.ACCESS_KEY, S3Settings.DEFAULT_ACCESS_KEY),
                env.string(S3Settings.SECRET_KEY, S3Settings.DEFAULT_SECRET_KEY),
                env);
        config.requireDistinctPorts();
        return config;
    }

    private void requireDistinctPorts() {
        Map<Integer, String> seen = new LinkedHashMap<>();
        Map<String, Integer> ports = Map.of(KAFKA_PORT, kafkaPort, S3_PORT, s3Port, API_PORT, apiPort,
                FLINK_PORT, flinkPort, INGEST_PORT, ingestPort);
        for (Map.Entry<String, Integer> entry : ports.entrySet()) {
            if (entry.getValue() == 0) {
                continue;
            }
            String other = seen.putIfAbsent(entry.getValue(), entry.getKey());
            if (other != null) {
                throw new ConfigException(entry.getKey() + " and " + other + " are both " + entry.getValue()
                        + "; each service needs its own port");
            }
        }
    }
}
