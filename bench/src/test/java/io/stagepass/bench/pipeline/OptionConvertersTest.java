package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine.TypeConversionException;

class OptionConvertersTest {
    @ParameterizedTest
    @CsvSource({
        "5000000, 5000000",
        "5_000_000, 5000000",
        "2M, 2000000",
        "2m, 2000000",
        "2.5m, 2500000",
        "500k, 500000",
        "' 500K ', 500000",
        "1.5k, 1500",
        "0.0006k, 1",
        "1000, 1000"
    })
    void countsTakeSuffixesAndUnderscores(String value, long expected) {
        assertThat(OptionConverters.count(value)).isEqualTo(expected);
        assertThat(new OptionConverters.Count().convert(value)).isEqualTo(expected);
        assertThat(new OptionConverters.IntCount().convert(value)).isEqualTo((int) expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "k", "2g", "", "1,000", "2MB"})
    void aMalformedCountIsAConversionErrorThatShowsTheValue(String value) {
        assertThatThrownBy(() -> OptionConverters.count(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + value + "' is not a count like 200000, 2M or 500k");
    }

    @ParameterizedTest
    @CsvSource({"100ms, 100", "500ms, 500", "1s, 1000", "10s, 10000", "1m, 60000", "2h, 7200000", "PT1M, 60000"})
    void intervalsAreDurationsOfAtLeast100Milliseconds(String value, long millis) {
        assertThat(OptionConverters.interval(value)).isEqualTo(Duration.ofMillis(millis));
        assertThat(new OptionConverters.Interval().convert(value)).isEqualTo(Duration.ofMillis(millis));
    }

    @ParameterizedTest
    @ValueSource(strings = {"99ms", "0s", "ten", "10", "-1s", "", "1.5s"})
    void aMalformedOrTooShortIntervalIsAConversionError(String value) {
        assertThatThrownBy(() -> OptionConverters.interval(value))
                .isInstanceOf(TypeConversionException.class)
                .hasMessage("'" + value + "' is not a duration of at least 100ms like 500ms, 1s or 1m");
    }

    @Test
    void aPathIsMadeAbsolute() {
        Path converted = new OptionConverters.AbsolutePath().convert("bench.jfr");

        assertThat(converted.isAbsolute()).isTrue();
        assertThat(converted.getFileName()).isEqualTo(Path.of("bench.jfr"));
    }
}
