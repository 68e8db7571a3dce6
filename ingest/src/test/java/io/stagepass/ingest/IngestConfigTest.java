package io.stagepass.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {

    @Test
    void defaultsSuitTheEmbeddedStack() {
        IngestConfig config = IngestConfig.fromEnv(Env.of(Map.of()));

        assertThat(config.port()).isEqualTo(8090);
        assertThat(config.maxBody()).isEqualTo(64L * 1024 * 1024);
        assertThat(config.reconnectWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.beacons().allowedOrigins()).contains("http://127.0.0.1:8080");
    }

    @Test
    void refusesThePublicDefaultSecretsBeyondLoopback() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(Env.of(Map.of(IngestConfig.HOST, "0.0.0.0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(PlaybackTokens.SECRET_VARIABLE);
        assertThatThrownBy(() -> IngestConfig.fromEnv(Env.of(Map.of(
                        IngestConfig.HOST,
                        "0.0.0.0",
                        PlaybackTokens.SECRET_VARIABLE,
                        "a-real-secret-of-at-least-32-characters"))))
                .hasMessageContaining(IngestConfig.STRIPE_WEBHOOK_SECRET);
        assertThat(IngestConfig.fromEnv(Env.of(Map.of(
                                IngestConfig.HOST,
                                "0.0.0.0",
                                PlaybackTokens.SECRET_VARIABLE,
                                "a-real-secret-of-at-least-32-characters",
                                IngestConfig.STRIPE_WEBHOOK_SECRET,
                                "whsec_real")))
                        .host())
                .isEqualTo("0.0.0.0");
    }

    @Test
    void namesAMalformedVariable() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(Env.of(Map.of(IngestConfig.MAX_BODY, "big"))))
                .hasMessageContaining("STAGEPASS_INGEST_MAX_BODY");
        assertThatThrownBy(() -> IngestConfig.fromEnv(Env.of(Map.of(PlaybackTokens.SECRET_VARIABLE, "short"))))
                .hasMessageContaining("at least 32");
    }
}
