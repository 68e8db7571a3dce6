package io.stagepass.bench;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.bench.dashboard.FreshnessBench;
import io.stagepass.bench.ingest.IngestBench;
import io.stagepass.bench.lake.LakeFreshnessBench;
import io.stagepass.bench.replay.ReplayBench;
import io.stagepass.bench.serve.ServeBench;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

/** Every bench's whole-number options: a malformed value is a usage error naming the option, before anything runs. */
class BenchOptionsTest {
    static Stream<Arguments> wholeNumberOptions() {
        return Stream.of(
                Arguments.of(new FreshnessBench(), "--sales"),
                Arguments.of(new FreshnessBench(), "--pause-ms"),
                Arguments.of(new IngestBench(), "--lives"),
                Arguments.of(new IngestBench(), "--segment-kb"),
                Arguments.of(new LakeFreshnessBench(), "--minutes"),
                Arguments.of(new LakeFreshnessBench(), "--rate"),
                Arguments.of(new ReplayBench(), "--minutes"),
                Arguments.of(new ReplayBench(), "--rendition-sample"),
                Arguments.of(new ServeBench(), "--connections"),
                Arguments.of(new ServeBench(), "--seconds"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("wholeNumberOptions")
    void aMalformedWholeNumberIsAUsageError(Object bench, String option) {
        assertThatThrownBy(() -> new CommandLine(bench).parseArgs(option, "12x"))
                .isInstanceOf(ParameterException.class)
                // a list option (bench/replay's --minutes 60,240) names its parameter too: "'--minutes' (N): ..."
                .hasMessageStartingWith("Invalid value for option '" + option + "'")
                .hasMessageEndingWith(": '12x' is not an int");
    }
}
