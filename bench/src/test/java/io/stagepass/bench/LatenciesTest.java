package io.stagepass.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatenciesTest {
    private static final long MICROS_PER_MILLI = 1000;

    @Test
    void noneCollectedHasNoPercentiles() {
        Latencies latencies = new Latencies();

        assertThat(latencies.count()).isZero();
        assertThat(latencies.percentileMillis(50)).isNaN();
        assertThat(latencies.summary()).isEqualTo("n=0 p50=NaN ms p99=NaN ms");
    }

    @Test
    void microsecondsComeOutAsMilliseconds() {
        Latencies latencies = new Latencies();
        latencies.add(1500);

        assertThat(latencies.percentileMillis(50)).isEqualTo(1.5);
        assertThat(latencies.summary()).isEqualTo("n=1 p50=1.5 ms p99=1.5 ms");
    }

    @Test
    void percentilesOfAHundredLatenciesInAnyOrder() {
        Latencies latencies = new Latencies();
        for (long ms = 100; ms >= 1; ms--) {
            latencies.add(ms * MICROS_PER_MILLI);
        }

        assertThat(latencies.count()).isEqualTo(100);
        assertThat(latencies.percentileMillis(50)).isEqualTo(50.0);
        assertThat(latencies.percentileMillis(99)).isEqualTo(99.0);
        assertThat(latencies.percentileMillis(100)).isEqualTo(100.0);
        assertThat(latencies.summary()).isEqualTo("n=100 p50=50.0 ms p99=99.0 ms");
    }

    @Test
    void keepsEveryValueBeyondItsFirstCapacity() {
        Latencies latencies = new Latencies();
        for (long ms = 1; ms <= 5000; ms++) {
            latencies.add(ms * MICROS_PER_MILLI);
        }

        assertThat(latencies.count()).isEqualTo(5000);
        assertThat(latencies.percentileMillis(99)).isEqualTo(4950.0);
        assertThat(latencies.percentileMillis(100)).isEqualTo(5000.0);
    }
}
