package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;

/** bench/pipeline's options as picocli parses them; parsing only, the bench itself never runs here. */
class PipelineBenchOptionsTest {
    @Test
    void countsAndIntervalsAreConvertedToTheirValues() {
        ParseResult parsed = parse(
                "--events", "2M", "--lives", "500k", "--latency-rate", "10_000", "--checkpoint-interval", "500ms");

        assertThat(parsed.matchedOptionValue("--events", 0L)).isEqualTo(2_000_000L);
        assertThat(parsed.matchedOptionValue("--lives", 0)).isEqualTo(500_000);
        assertThat(parsed.matchedOptionValue("--latency-rate", 0)).isEqualTo(10_000);
        assertThat(parsed.matchedOptionValue("--checkpoint-interval", Duration.ZERO))
                .isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void aMalformedCountIsAUsageErrorNamingTheOption() {
        assertThatThrownBy(() -> parse("--events", "lots"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("Invalid value for option '--events': 'lots' is not a count like 200000, 2M or 500k");
        assertThatThrownBy(() -> parse("--viewers", "ten"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("'--viewers'");
    }

    @Test
    void aTooShortIntervalIsAUsageError() {
        assertThatThrownBy(() -> parse("--checkpoint-interval", "50ms"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("Invalid value for option '--checkpoint-interval': '50ms' is not a duration of at least"
                        + " 100ms like 500ms, 1s or 1m");
        assertThatThrownBy(() -> parse("--timeout", "soon"))
                .isInstanceOf(ParameterException.class)
                .hasMessageContaining("'--timeout'");
    }

    @Test
    void oneBadLatencyIntervalIsAUsageErrorNamingIt() {
        assertThatThrownBy(() -> parse("--latency-intervals", "10s,50ms"))
                .isInstanceOf(ParameterException.class)
                .hasMessage("Invalid value for option '--latency-intervals': '50ms' is not a duration of at least"
                        + " 100ms like 500ms, 1s or 1m");
    }

    @Test
    void latencyIsMeasuredAtTheCheckpointIntervalThenOneSecond() {
        assertThat(bench("--checkpoint-interval", "5s").measuredIntervals())
                .containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(1));
        assertThat(bench("--checkpoint-interval", "1s").measuredIntervals()).containsExactly(Duration.ofSeconds(1));
    }

    @Test
    void latencyIntervalsGivenAreMeasuredInTheirOrder() {
        assertThat(bench("--latency-intervals", "10s, 500ms,1m").measuredIntervals())
                .containsExactly(Duration.ofSeconds(10), Duration.ofMillis(500), Duration.ofMinutes(1));
        assertThat(bench("--latency-intervals", "none").measuredIntervals()).isEmpty();
    }

    private static ParseResult parse(String... args) {
        return new CommandLine(new PipelineBench()).parseArgs(args);
    }

    private static PipelineBench bench(String... args) {
        PipelineBench bench = new PipelineBench();
        new CommandLine(bench).parseArgs(args);
        return bench;
    }
}
