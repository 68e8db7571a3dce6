package io.stagepass.launcher.stack;

import io.stagepass.ingest.IngestConfig;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.replay.ReplayApiConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where the embedded stack keeps its data and which loopback ports it binds. Built once from environment
 * variables, with command-line options taking precedence. Port 0 means "any free port" (used by tests).
 */
public record StackConfig(
        Path dataDir,
        int kafkaPort,
        int s3Port,
        int apiPort,
        int flinkPort,
        int ingestPort,
        int rtmpPort,
        String s3AccessKey,
        String s3SecretKey,
        boolean stripeSandbox,
        int stripeSandboxPort,
        Env serviceEnv) {
    public static final String DATA_DIR = "STAGEPASS_DATA_DIR";
    public static final String KAFKA_PORT = "STAGEPASS_KAFKA_PORT";
    public static final String S3_PORT = "STAGEPASS_S3_PORT";
    public static final String API_PORT = "STAGEPASS_API_PORT";
    public static final String FLINK_PORT = "STAGEPASS_FLINK_PORT";
    public static final String INGEST_PORT = "STAGEPASS_INGEST_PORT";
    public static final String RTMP_PORT = IngestConfig.RTMP_PORT;
    public static final String STRIPE_SANDBOX = "STAGEPASS_STRIPE_SANDBOX";
    public static final String STRIPE_SANDBOX_PORT = "STAGEPASS_STRIPE_SANDBOX_PORT";
    public static final String STRIPE_SANDBOX_CURRENCY = "STAGEPASS_STRIPE_SANDBOX_CURRENCY";
    public static final int DEFAULT_STRIPE_SANDBOX_PORT = 8070;
    public static final String DEFAULT_DATA_DIR = "data";
    /**
     * The settings of a stack that takes whatever ports are free (tests and benchmarks: several may run at once) and
     * keeps its data in {@code dataDir}; {@code overrides} on top.
     */
    public static StackConfig onFreePorts(Path dataDir, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put(DATA_DIR, dataDir.toString());
        for (String port :
                List.of(KAFKA_PORT, S3_PORT, FLINK_PORT, INGEST_PORT, RTMP_PORT, API_PORT, STRIPE_SANDBOX_PORT)) {
            values.put(port, "0");
        }
        values.putAll(overrides);
        return fromEnv(Env.of(values));
    }

    /** The Flink REST API and web UI of the MiniCluster (the other ports are their services' own defaults). */
    public static final int DEFAULT_FLINK_PORT = 8081;

    public static StackConfig fromEnv(Env env) {
        StackConfig config = new StackConfig(
                env.path(DATA_DIR, DEFAULT_DATA_DIR).toAbsolutePath().normalize(),
                env.port(KAFKA_PORT, KafkaSettings.DEFAULT_PORT),
                env.port(S3_PORT, S3Settings.DEFAULT_PORT),
                env.port(API_PORT, ReplayApiConfig.DEFAULT_PORT),
                env.port(FLINK_PORT, DEFAULT_FLINK_PORT),
                env.port(INGEST_PORT, IngestConfig.DEFAULT_PORT),
                env.port(RTMP_PORT, IngestConfig.DEFAULT_RTMP_PORT),
                env.string(S3Settings.ACCESS_KEY, S3Settings.DEFAULT_ACCESS_KEY),
                env.string(S3Settings.SECRET_KEY, S3Settings.DEFAULT_SECRET_KEY),
                env.bool(STRIPE_SANDBOX, false),
                env.port(STRIPE_SANDBOX_PORT, DEFAULT_STRIPE_SANDBOX_PORT),
                env);
        config.requireDistinctPorts();
        return config;
    }

    private void requireDistinctPorts() {
        Map<Integer, String> seen = new LinkedHashMap<>();
        Map<String, Integer> ports = Map.of(
                RTMP_PORT,
                rtmpPort,
                KAFKA_PORT,
                kafkaPort,
                S3_PORT,
                s3Port,
                API_PORT,
                apiPort,
                FLINK_PORT,
                flinkPort,
                INGEST_PORT,
                ingestPort,
                STRIPE_SANDBOX_PORT,
                stripeSandbox ? stripeSandboxPort : 0);
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
