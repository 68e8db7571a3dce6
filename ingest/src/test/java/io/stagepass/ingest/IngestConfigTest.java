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
        assertThat(config.rtmp().port()).isEqualTo(1935);
        assertThat(config.rtmp().certificateFile())
                .as("no RTMPS without a certificate")
                .isNull();
        assertThat(config.rtmp().limits().maxConnections()).isEqualTo(64);
    }

    @Test
    void rtmpsNeedsBothItsCertificateAndItsKey() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(Env.of(Map.of(IngestConfig.RTMPS_CERT, "/etc/ingest/cert.pem"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STAGEPASS_RTMPS_KEY");
        IngestConfig.Rtmp rtmp = IngestConfig.fromEnv(Env.of(Map.of(
                        IngestConfig.RTMPS_CERT, "/etc/ingest/cert.pem",
                        IngestConfig.RTMPS_KEY, "/etc/ingest/key.pem",
                        IngestConfig.RTMPS_PORT, "1936")))
                .rtmp();
        assertThat(rtmp.tlsPort()).isEqualTo(1936);
        assertThat(rtmp.keyFile()).hasToString("/etc/ingest/key.pem");
        assertThatThrownBy(rtmp::tls)
                .as("a missing file is named at start-up")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/etc/ingest/cert.pem");
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
