package io.stagepass.launcher;

import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.Env;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/** Options shared by the commands that start the stack; each overrides its environment variable. */
public final class StackOptions {
    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description =
                    "Where Kafka, S3, Flink and the services keep their data (env STAGEPASS_DATA_DIR, default ./data).")
    String dataDir;

    @Option(
            names = "--kafka-port",
            paramLabel = "PORT",
            description = "Kafka broker port (env STAGEPASS_KAFKA_PORT, default 9092).")
    Integer kafkaPort;

    @Option(
            names = "--s3-port",
            paramLabel = "PORT",
            description = "S3 server port (env STAGEPASS_S3_PORT, default 9000).")
    Integer s3Port;

    @Option(
            names = "--api-port",
            paramLabel = "PORT",
            description = "Replay API port (env STAGEPASS_API_PORT, default 8080).")
    Integer apiPort;

    @Option(
            names = "--flink-port",
            paramLabel = "PORT",
            description = "Flink REST API port (env STAGEPASS_FLINK_PORT, default 8081).")
    Integer flinkPort;

    @Option(
            names = "--ingest-port",
            paramLabel = "PORT",
            description = "Ingest port (env STAGEPASS_INGEST_PORT, default 8090).")
    Integer ingestPort;

    @Option(
            names = "--rtmp-port",
            paramLabel = "PORT",
            description =
                    "RTMP ingest port, where OBS and other encoders stream (env STAGEPASS_RTMP_PORT, default 1935).")
    Integer rtmpPort;

    @Option(
            names = "--stripe-sandbox",
            description =
                    "Also start the local Stripe sandbox (Checkout pages and signed webhooks to ingest) and point "
                            + "ingest and the replay API at it instead of Stripe (env STAGEPASS_STRIPE_SANDBOX=true; port "
                            + "STAGEPASS_STRIPE_SANDBOX_PORT, default 8070). For trying checkout without a Stripe account.")
    Boolean stripeSandbox;

    /** The stack's configuration: the environment, with these options on top. */
    StackConfig toConfig(Env env) {
        Map<String, String> overrides = new HashMap<>();
        put(overrides, StackConfig.DATA_DIR, dataDir);
        put(overrides, StackConfig.KAFKA_PORT, kafkaPort);
        put(overrides, StackConfig.S3_PORT, s3Port);
        put(overrides, StackConfig.API_PORT, apiPort);
        put(overrides, StackConfig.FLINK_PORT, flinkPort);
        put(overrides, StackConfig.INGEST_PORT, ingestPort);
        put(overrides, StackConfig.RTMP_PORT, rtmpPort);
        put(overrides, StackConfig.STRIPE_SANDBOX, stripeSandbox);
        return StackConfig.fromEnv(env.with(overrides));
    }

    private static void put(Map<String, String> overrides, String name, Object value) {
        if (value != null) {
            overrides.put(name, value.toString());
        }
    }
}
