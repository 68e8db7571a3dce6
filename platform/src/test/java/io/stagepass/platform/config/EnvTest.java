package io.stagepass.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvTest {

    @Test
    void defaultsPointAtTheEmbeddedStack() {
        Env env = Env.of(Map.of());

        assertThat(KafkaSettings.fromEnv(env).bootstrapServers()).isEqualTo("127.0.0.1:9092");
        assertThat(S3Settings.fromEnv(env).endpoint().toString()).isEqualTo("http://127.0.0.1:9000");
    }

    @Test
    void parsesSizesDurationsAndPorts() {
        Env env = Env.of(Map.of("SIZE", "64MB", "WAIT", "90s", "SHORT", "500ms", "ISO", "PT2M", "PORT", "8090"));

        assertThat(env.bytes("SIZE", 1)).isEqualTo(64L * 1024 * 1024);
        assertThat(env.duration("WAIT", Duration.ZERO)).isEqualTo(Duration.ofSeconds(90));
        assertThat(env.duration("SHORT", Duration.ZERO)).isEqualTo(Duration.ofMillis(500));
        assertThat(env.duration("ISO", Duration.ZERO)).isEqualTo(Duration.ofMinutes(2));
        assertThat(env.port("PORT", 1)).isEqualTo(8090);
        assertThat(env.port("UNSET", 8080)).isEqualTo(8080);
    }

    @Test
    void aMalformedValueNamesTheVariableAndWhatWasExpected() {
        Env env = Env.of(Map.of(
                KafkaSettings.BOOTSTRAP,
                "localhost",
                S3Settings.ENDPOINT,
                "ftp://x",
                "STAGEPASS_INGEST_PORT",
                "80a",
                "STAGEPASS_MAX_BODY",
                "lots",
                "STAGEPASS_RECONNECT_WINDOW",
                "soon"));

        assertThatThrownBy(() -> KafkaSettings.fromEnv(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STAGEPASS_KAFKA_BOOTSTRAP")
                .hasMessageContaining("host:port");
        assertThatThrownBy(() -> S3Settings.fromEnv(env))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STAGEPASS_S3_ENDPOINT");
        assertThatThrownBy(() -> env.port("STAGEPASS_INGEST_PORT", 8090))
                .hasMessageContaining("STAGEPASS_INGEST_PORT")
                .hasMessageContaining("'80a'");
        assertThatThrownBy(() -> env.bytes("STAGEPASS_MAX_BODY", 1)).hasMessageContaining("STAGEPASS_MAX_BODY");
        assertThatThrownBy(() -> env.duration("STAGEPASS_RECONNECT_WINDOW", Duration.ZERO))
                .hasMessageContaining("STAGEPASS_RECONNECT_WINDOW");
        assertThatThrownBy(() -> Env.of(Map.of("P", "70000")).port("P", 1)).hasMessageContaining("between 0 and 65535");
    }

    @Test
    void overridesWinOverTheEnvironment() {
        Env env = Env.of(Map.of("A", "1")).with(Map.of("A", "2"));

        assertThat(env.string("A", null)).isEqualTo("2");
    }
}
