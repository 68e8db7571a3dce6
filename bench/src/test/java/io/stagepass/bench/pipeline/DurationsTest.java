package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
    @ParameterizedTest
    @CsvSource({
        "100, 100ms",
        "500, 500ms",
        "1000, 1s",
        "1500, 1500ms",
        "10000, 10s",
        "30000, 30s",
        "60000, 1m",
        "90000, 90s",
        "120000, 2m",
        "1800000, 30m",
        "3600000, 60m"
    })
    void formatsInTheLargestWholeUnit(long millis, String shown) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(shown);
    }

    @ParameterizedTest
    @ValueSource(strings = {"100ms", "500ms", "1s", "10s", "1m", "30m"})
    void whatIsShownParsesBackToTheSameDuration(String shown) {
        assertThat(Durations.format(Durations.parse(shown))).isEqualTo(shown);
    }

    @Test
    void takesTheEnvironmentsIsoForm() {
        assertThat(Durations.parse("PT10S")).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void refusesLessThan100Milliseconds() {
        assertThatThrownBy(() -> Durations.parse("99ms"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("duration too short: 99ms");
    }
}
