package io.stagepass.replay.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.HealthVerdict;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamHealthType;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which report of a live's stream health the dashboard shows when instances and refusals interleave. */
class HealthTest {
    private static final Instant T = Instant.parse("2026-12-04T18:00:00Z");
    private final Health health = new Health();

    @Test
    void theNewerReportReplacesTheOlderAndNeverTheOtherWayRound() {
        health.put("live_1", report(T, T, HealthVerdict.EXCELLENT));
        assertThat(health.put("live_1", report(T.plusSeconds(5), T.plusSeconds(4), HealthVerdict.POOR)))
                .contains("live_1");
        assertThat(health.of("live_1").orElseThrow().getVerdict()).isEqualTo(HealthVerdict.POOR);

        assertThat(health.put("live_1", report(T.plusSeconds(1), T.plusSeconds(1), HealthVerdict.GOOD)))
                .as("a report older than the one shown")
                .isEmpty();
        assertThat(health.of("live_1").orElseThrow().getVerdict()).isEqualTo(HealthVerdict.POOR);
    }

    @Test
    void theInstanceTheEncoderLeftDoesNotHideTheOneItMovedTo() {
        // instance B receives media now; instance A still reports the silence since the encoder left it
        health.put("live_1", report(T.plusSeconds(10), T.plusSeconds(9), HealthVerdict.EXCELLENT));
        assertThat(health.put("live_1", report(T.plusSeconds(12), T, HealthVerdict.POOR)))
                .isEmpty();
        assertThat(health.of("live_1").orElseThrow().getVerdict()).isEqualTo(HealthVerdict.EXCELLENT);

        // long after, the last report wins whatever it says (B stopped reporting)
        assertThat(health.put("live_1", report(T.plusSeconds(60), T, HealthVerdict.POOR)))
                .contains("live_1");
    }

    @Test
    void aRefusalIsShownAtOnce() {
        health.put("live_1", report(T, T, HealthVerdict.EXCELLENT));
        StreamHealth refused = report(T.plusSeconds(2), null, HealthVerdict.POOR);
        refused.setType(StreamHealthType.REFUSED);

        assertThat(health.put("live_1", refused)).contains("live_1");
        assertThat(health.of("live_1").orElseThrow().getType()).isEqualTo(StreamHealthType.REFUSED);
    }

    private static StreamHealth report(Instant at, Instant lastMedia, HealthVerdict verdict) {
        return SampleEvents.streamHealth("live_1")
                .setOccurredAt(at)
                .setLastMediaAt(lastMedia)
                .setVerdict(verdict)
                .setReasons(List.of())
                .build();
    }
}
