package io.stagepass.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {
    private static final long[] ONE_TO_HUNDRED = LongStream.rangeClosed(1, 100).toArray();

    @Test
    void noValuesHaveNoPercentile() {
        assertThat(Percentiles.ofSorted(new long[0], 50)).isNaN();
        assertThat(Percentiles.of(List.of(), 99)).isNaN();
    }

    @Test
    void oneValueIsEveryPercentileOfItself() {
        for (double p : new double[] {0, 1, 50, 99, 99.9, 100}) {
            assertThat(Percentiles.ofSorted(new long[] {42}, p)).as("p%s", p).isEqualTo(42);
        }
    }

    @Test
    void nearestRankOfAHundredValues() {
        assertThat(Percentiles.ofSorted(ONE_TO_HUNDRED, 50)).isEqualTo(50);
        assertThat(Percentiles.ofSorted(ONE_TO_HUNDRED, 99)).isEqualTo(99);
        assertThat(Percentiles.ofSorted(ONE_TO_HUNDRED, 100)).isEqualTo(100);
        assertThat(Percentiles.ofSorted(ONE_TO_HUNDRED, 99.5)).isEqualTo(100);
        assertThat(Percentiles.ofSorted(ONE_TO_HUNDRED, 0)).isEqualTo(1);
    }

    @Test
    void everyWholePercentileOfAHundredValuesIsItsRank() {
        // 7 / 100.0 * 100 is 7.000000000000001: a percentile computed in that order picks the 8th value.
        for (int p = 1; p <= 100; p++) {
            assertThat(Percentiles.ofSorted(ONE_TO_HUNDRED, p)).as("p%d", p).isEqualTo(p);
        }
    }

    @Test
    void aPercentileBetweenTwoValuesIsTheHigherOne() {
        long[] thousand = LongStream.rangeClosed(1, 1000).toArray();
        assertThat(Percentiles.ofSorted(thousand, 99)).isEqualTo(990);
        assertThat(Percentiles.ofSorted(thousand, 99.9)).isEqualTo(999);
        assertThat(Percentiles.ofSorted(new long[] {10, 20}, 50)).isEqualTo(10);
        assertThat(Percentiles.ofSorted(new long[] {10, 20}, 51)).isEqualTo(20);
        assertThat(Percentiles.ofSorted(new long[] {10, 20, 30}, 99)).isEqualTo(30);
    }

    @Test
    void valuesInAnyOrderAreSortedFirst() {
        List<Long> shuffled = List.of(5L, 1L, 4L, 2L, 3L);

        assertThat(Percentiles.of(shuffled, 50)).isEqualTo(3);
        assertThat(Percentiles.of(shuffled, 100)).isEqualTo(5);
        assertThat(shuffled).containsExactly(5L, 1L, 4L, 2L, 3L);
    }

    @Test
    void valuesKeepTheirUnit() {
        long twoSecondsInNanos = 2_000_000_000L;

        assertThat(Percentiles.of(List.of(twoSecondsInNanos, 3 * twoSecondsInNanos), 50))
                .isEqualTo(2e9);
    }
}
