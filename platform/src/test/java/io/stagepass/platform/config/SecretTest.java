package io.stagepass.platform.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretTest {

    @Test
    void aSecretIsRequiredAndSaysWhatItIsForAndHowToMakeOne() {
        assertThatThrownBy(() -> Env.of(Map.of()).secret(Secret.OBJECT_LINKS))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STAGEPASS_LINK_SECRET is required")
                .hasMessageContaining("signs object links")
                .hasMessageContaining("openssl rand -base64 32");
    }

    @Test
    void refusesShortPublishedAndNonRandomValues() {
        for (String published : Secret.PUBLISHED) {
            String value = published.length() >= Secret.MIN_LENGTH ? published : published + "-padded-to-32-chars-x";
            assertThatThrownBy(() -> Env.of(Map.of("STAGEPASS_PLAYBACK_TOKEN_SECRET", value))
                            .secret(Secret.PLAYBACK_TOKENS))
                    .as(value)
                    .hasMessageContaining("published placeholder");
        }
        assertThatThrownBy(() -> Env.of(Map.of("STAGEPASS_SESSION_SECRET", "k".repeat(31)))
                        .secret(Secret.SESSIONS))
                .hasMessageContaining("at least 32 characters, got 31");
        assertThatThrownBy(() -> Env.of(Map.of("STAGEPASS_SESSION_SECRET", "ab".repeat(20)))
                        .secret(Secret.SESSIONS))
                .hasMessageContaining("does not look random");
        assertThatThrownBy(() -> Env.of(Map.of("STAGEPASS_STRIPE_WEBHOOK_SECRET", Secret.BEACONS.random()))
                        .secret(Secret.STRIPE_WEBHOOK))
                .hasMessageContaining("starting with whsec_");
    }

    @Test
    void randomValuesPassAndDiffer() {
        for (Secret secret : Secret.values()) {
            String value = secret.random();
            assertThat(Env.of(Map.of(secret.variable(), value)).secret(secret)).isEqualTo(value);
            assertThat(secret.random()).isNotEqualTo(value);
        }
    }

    @Test
    void oneServiceCannotUseOneValueForTwoPurposes() {
        String value = Secret.SESSIONS.random();
        Env env = Env.of(Map.of(
                Secret.PLAYBACK_TOKENS.variable(), Secret.PLAYBACK_TOKENS.random(),
                Secret.OBJECT_LINKS.variable(), value,
                Secret.SESSIONS.variable(), value));
        assertThatThrownBy(() -> env.secrets(Secret.PLAYBACK_TOKENS, Secret.OBJECT_LINKS, Secret.SESSIONS))
                .hasMessageContaining("STAGEPASS_SESSION_SECRET equals STAGEPASS_LINK_SECRET");
        assertThat(env.secrets(Secret.PLAYBACK_TOKENS, Secret.OBJECT_LINKS)).hasSize(2);
    }
}
