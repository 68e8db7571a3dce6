package io.stagepass.bench.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FreshnessBenchTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void eachSaleWaitsForTheFirstTotalThatCountsIt() {
        // one checkpoint commits the totals of sales 1-3, the next those of 4-5; sale 6 is never counted
        Map<Long, Long> totalSeen = Map.of(3L, 1000L, 5L, 2000L);
        List<Long> acknowledged = List.of(100L, 200L, 300L, 400L, 500L, 600L);

        assertThat(FreshnessBench.baselineDelays(totalSeen, acknowledged))
                .containsExactly(900L, 800L, 700L, 1600L, 1500L);
    }

    @Test
    void aTotalSeenBeforeTheWebhookAnsweredIsNoDelay() {
        assertThat(FreshnessBench.baselineDelays(Map.of(1L, 50L), List.of(100L)))
                .containsExactly(0L);
    }

    @Test
    void summaryInMillisecondsOfTheSalesSeen() {
        List<Long> delays =
                LongStream.rangeClosed(1, 100).map(ms -> ms * MS).boxed().toList();

        assertThat(FreshnessBench.summary("events stream (replay API folds payments)", delays, 200))
                .isEqualTo("events stream (replay API folds payments)      p50      50 ms  p99      99 ms"
                        + "  max     100 ms  (n=100 of 200)");
        assertThat(FreshnessBench.summary("revenue job TOTAL, read_committed (baseline)", List.of(), 200))
                .isEqualTo("revenue job TOTAL, read_committed (baseline)   p50     NaN ms  p99     NaN ms"
                        + "  max     NaN ms  (n=0 of 200)");
    }

    @Test
    void ratioOfTheP99s() {
        List<Long> ours = List.of(400 * MS, 500 * MS);
        List<Long> theirs = List.of(9 * SECOND, 10 * SECOND);

        assertThat(FreshnessBench.ratioOfP99(ours, theirs)).isEqualTo(0.05);
    }

    @Test
    void aBaselineOfNoTimeCountsAsOneNanosecond() {
        assertThat(FreshnessBench.ratioOfP99(List.of(500 * MS), List.of(0L))).isEqualTo(500.0 * MS);
    }

    @Test
    void theGoalIsAP99OfAtMostTwoSeconds() {
        assertThat(FreshnessBench.goal(List.of(2 * SECOND)))
                .isEqualTo("goal: p99 <= 2 s from the webhook's 2xx to the new total on the events stream (met)");
        assertThat(FreshnessBench.goal(List.of(2 * SECOND + 1))).endsWith("(NOT met)");
    }
}
