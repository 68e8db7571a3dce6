package io.stagepass.platform.config;

/**
 * Where Kafka is. Defaults point at the embedded broker of {@code stagepass up}.
 *
 * @param bootstrapServers {@code STAGEPASS_KAFKA_BOOTSTRAP}, default {@code 127.0.0.1:9092}
 */
public record KafkaSettings(String bootstrapServers) {
    public static final String BOOTSTRAP = "STAGEPASS_KAFKA_BOOTSTRAP";
    /** The embedded broker's port. */
    public static final int DEFAULT_PORT = 9092;

    public static final String DEFAULT_BOOTSTRAP = "127.0.0.1:" + DEFAULT_PORT;

    public static KafkaSettings fromEnv(Env env) {
        return new KafkaSettings(env.hostPorts(BOOTSTRAP, DEFAULT_BOOTSTRAP));
    }
}
