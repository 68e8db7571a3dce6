package io.stagepass.bench.lake;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FirstListedTest {
    private static final long OCCURRED_AT = 1_767_225_600_000L;
    private static final long SECOND_MS = 1000;

    @Test
    void theLagRunsFromOccurredAtToTheListing() {
        FirstListed events = new FirstListed();

        assertThat(events.listed("evt_1", OCCURRED_AT, OCCURRED_AT + 95 * SECOND_MS))
                .isTrue();

        assertThat(events.count()).isEqualTo(1);
        assertThat(events.lags().percentileMillis(100)).isEqualTo(95_000.0);
    }

    @Test
    void anEventListedAgainKeepsItsFirstLag() {
        FirstListed events = new FirstListed();
        events.listed("evt_1", OCCURRED_AT, OCCURRED_AT + 95 * SECOND_MS);

        assertThat(events.listed("evt_1", OCCURRED_AT, OCCURRED_AT + 400 * SECOND_MS))
                .isFalse();

        assertThat(events.count()).isEqualTo(1);
        assertThat(events.lags().count()).isEqualTo(1);
        assertThat(events.lags().percentileMillis(100)).isEqualTo(95_000.0);
    }

    @Test
    void summaryInMillisecondsWithTheLargestInSeconds() {
        FirstListed events = listedAfterSeconds(1, 100, 1);

        assertThat(events.summary()).isEqualTo("n=100 p50=50000.0 ms p99=99000.0 ms, max 100.0 s");
    }

    @Test
    void ratioOfTheP99sAndTheLargestAgainstTheGoal() {
        FirstListed shipped = listedAfterSeconds(1, 100, 1);
        FirstListed baseline = listedAfterSeconds(2, 200, 2);

        assertThat(LakeFreshnessBench.ratio(shipped, baseline))
                .isEqualTo("ratio p99 shipped/baseline: 0.500; shipped max 100 s against the goal of 300 s");
    }

    /** Events listed after from, from + step, ... up to to seconds. */
    private static FirstListed listedAfterSeconds(int from, int to, int step) {
        FirstListed events = new FirstListed();
        for (int lag = from; lag <= to; lag += step) {
            events.listed("evt_" + lag, OCCURRED_AT, OCCURRED_AT + lag * SECOND_MS);
        }
        return events;
    }
}
