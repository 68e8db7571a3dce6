package io.stagepass.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.Secret;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IngestConfigTest {
    /** Ingest's five secrets, as an operator makes them. */
    private static final Map<String, String> SECRETS = Map.of(
            Secret.BEACONS.variable(), Secret.BEACONS.random(),
            Secret.CHECKOUT.variable(), Secret.CHECKOUT.random(),
            Secret.STRIPE_WEBHOOK.variable(), Secret.STRIPE_WEBHOOK.random(),
            Secret.STRIPE_CONNECT_WEBHOOK.variable(), Secret.STRIPE_CONNECT_WEBHOOK.random(),
            Secret.STAGE.variable(), Secret.STAGE.random());

    private static Env env(String... pairs) {
        Map<String, String> values = new HashMap<>(SECRETS);
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return Env.of(values);
    }

    @Test
    void defaultsSuitTheEmbeddedStack() {
        IngestConfig config = IngestConfig.fromEnv(env());

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
    void anInstancesOwnAddressesGoTogetherOrNotAtAll() {
        IngestConfig unset = IngestConfig.fromEnv(env());
        assertThat(unset.publicUrl()).as("one instance names nothing").isNull();
        assertThat(unset.rtmpPublicUrl()).isNull();
        IngestConfig named = IngestConfig.fromEnv(env(
                IngestConfig.PUBLIC_URL, "https://ingest-2.example/",
                IngestConfig.RTMP_PUBLIC_URL, "rtmp://ingest-2.example:1936/live"));
        assertThat(named.publicUrl()).isEqualTo("https://ingest-2.example");
        assertThat(named.rtmpPublicUrl()).isEqualTo("rtmp://ingest-2.example:1936/live");
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(IngestConfig.PUBLIC_URL, "https://ingest-2.example")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("go together");
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(
                        IngestConfig.PUBLIC_URL, "https://ingest-2.example",
                        IngestConfig.RTMP_PUBLIC_URL, "rtmp://ingest-2.example/app?x=1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("rtmp://HOST[:PORT]/live");
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(
                        IngestConfig.PUBLIC_URL, "ingest-2.example",
                        IngestConfig.RTMP_PUBLIC_URL, "rtmp://ingest-2.example/live")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("must start with http://");
    }

    @Test
    void rtmpsNeedsBothItsCertificateAndItsKey() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(IngestConfig.RTMPS_CERT, "/etc/ingest/cert.pem")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STAGEPASS_RTMPS_KEY");
        IngestConfig.Rtmp rtmp = IngestConfig.fromEnv(env(
                        IngestConfig.RTMPS_CERT, "/etc/ingest/cert.pem",
                        IngestConfig.RTMPS_KEY, "/etc/ingest/key.pem",
                        IngestConfig.RTMPS_PORT, "1936"))
                .rtmp();
        assertThat(rtmp.tlsPort()).isEqualTo(1936);
        assertThat(rtmp.keyFile()).hasToString("/etc/ingest/key.pem");
        assertThatThrownBy(rtmp::tls)
                .as("a missing file is named at start-up")
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("/etc/ingest/cert.pem");
    }

    @Test
    void requiresItsFiveSecretsWhereverItListensAndHoldsNoOther() {
        for (Secret secret : List.of(
                Secret.BEACONS, Secret.CHECKOUT, Secret.STRIPE_WEBHOOK, Secret.STRIPE_CONNECT_WEBHOOK, Secret.STAGE)) {
            Map<String, String> without = new HashMap<>(SECRETS);
            without.remove(secret.variable());
            assertThatThrownBy(() -> IngestConfig.fromEnv(Env.of(without)))
                    .as("even on loopback: a reverse proxy on the same host makes it public")
                    .isInstanceOf(ConfigException.class)
                    .hasMessageContaining(secret.variable() + " is required");
        }
        IngestConfig config = IngestConfig.fromEnv(env(IngestConfig.HOST, "0.0.0.0"));
        assertThat(config.beacons().tokenSecret()).isEqualTo(SECRETS.get(Secret.BEACONS.variable()));
        assertThat(config.stripe().webhookSecret()).isEqualTo(SECRETS.get(Secret.STRIPE_WEBHOOK.variable()));
        assertThat(config.stripe().checkoutSecret()).isEqualTo(SECRETS.get(Secret.CHECKOUT.variable()));
        assertThat(config.stripe().connectWebhookSecret())
                .isEqualTo(SECRETS.get(Secret.STRIPE_CONNECT_WEBHOOK.variable()));
        assertThat(config.stageSecret()).isEqualTo(SECRETS.get(Secret.STAGE.variable()));
        assertThat(config.toString()).as("no secret in a printed configuration").doesNotContain(SECRETS.values());
    }

    @Test
    void refusesPublishedPlaceholdersAndOneValueForTwoPurposes() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(Secret.STRIPE_WEBHOOK.variable(), "whsec_set_me")))
                .hasMessageContaining(Secret.STRIPE_WEBHOOK.variable());
        assertThatThrownBy(() ->
                        IngestConfig.fromEnv(env(Secret.BEACONS.variable(), "change-me-to-a-secret-of-32-characters")))
                .hasMessageContaining("published placeholder");
        String shared = Secret.STRIPE_WEBHOOK.random();
        assertThatThrownBy(() -> IngestConfig.fromEnv(
                        env(Secret.BEACONS.variable(), shared, Secret.STRIPE_WEBHOOK.variable(), shared)))
                .hasMessageContaining("one purpose");
    }

    @Test
    void namesAMalformedVariable() {
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(IngestConfig.MAX_BODY, "big")))
                .hasMessageContaining("STAGEPASS_INGEST_MAX_BODY");
        assertThatThrownBy(() -> IngestConfig.fromEnv(env(Secret.BEACONS.variable(), "short")))
                .hasMessageContaining("at least 32");
    }
}
