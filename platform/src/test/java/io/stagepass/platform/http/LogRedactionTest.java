package io.stagepass.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogRedactionTest {

    @Test
    void streamKeysAndCheckoutSessionIdsNeverReachALogLine() {
        String key = "sk_live_" + "A1b2C3d4".repeat(5);
        assertThat(LogRedaction.path("/live/" + key + "/index.m3u8"))
                .isEqualTo("/live/…/index.m3u8")
                .doesNotContain(key);
        assertThat(LogRedaction.path("/live/" + key)).isEqualTo("/live/…");
        assertThat(LogRedaction.path("/v1/lives/live_1/tickets/cs_test_a1B2c3D4e5"))
                .isEqualTo("/v1/lives/live_1/tickets/cs_…");
        assertThat(LogRedaction.path("/v1/lives/live_1/master.m3u8")).isEqualTo("/v1/lives/live_1/master.m3u8");
    }
}
