package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ProgressTicksTest {
    private static final long START = 1_000_000_000_000L;
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void firstTickOnceFiveSecondsHavePassed() {
        ProgressTicks ticks = new ProgressTicks(START);

        assertThat(ticks.due(START)).isFalse();
        assertThat(ticks.due(START + 5 * SECOND)).isFalse();
        assertThat(ticks.due(START + 5 * SECOND + 1)).isTrue();
    }

    @Test
    void oneTickPerFiveSeconds() {
        ProgressTicks ticks = new ProgressTicks(START);
        ticks.due(START + 6 * SECOND);

        assertThat(ticks.due(START + 6 * SECOND)).isFalse();
        assertThat(ticks.due(START + 9 * SECOND)).isFalse();
        assertThat(ticks.due(START + 11 * SECOND)).isTrue();
    }

    @Test
    void ticksStayOnTheGridOfTheStartWhenAskedLate() {
        ProgressTicks ticks = new ProgressTicks(START);
        ticks.due(START + 9 * SECOND);

        // the next one is due after 10 s from the start, not 5 s after the late one
        assertThat(ticks.due(START + 10 * SECOND + 1)).isTrue();
    }
}
