package io.stagepass.bench.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** wrk's --latency output as Debian's wrk 4.1 prints it, in the fixtures beside this class. */
class WrkTest {
    private static final Offset<Double> EXACT = within(1e-9);

    @Test
    void readsRequestsPerSecondAndPercentilesInMilliseconds() throws IOException {
        Wrk.Result result = Wrk.parse("nginx, static file", fixture("wrk-static-file.txt"));

        assertThat(result.name()).isEqualTo("nginx, static file");
        assertThat(result.requestsPerSecond()).isEqualTo(15703.21);
        assertThat(result.p50Millis()).isCloseTo(3.81, EXACT);
        assertThat(result.p99Millis()).isCloseTo(11.45, EXACT);
        assertThat(result.non2xx()).isZero();
    }

    @Test
    void microsecondsAreDividedIntoMilliseconds() throws IOException {
        Wrk.Result result = Wrk.parse("object route, redirect", fixture("wrk-redirect-microseconds.txt"));

        assertThat(result.requestsPerSecond()).isEqualTo(79036.18);
        assertThat(result.p50Millis()).isCloseTo(0.742, EXACT);
        assertThat(result.p99Millis()).isCloseTo(2.18, EXACT);
    }

    @Test
    void secondsAreMultipliedIntoMillisecondsAndErrorsCounted() throws IOException {
        Wrk.Result result = Wrk.parse("replay media playlist", fixture("wrk-slow-playlist-errors.txt"));

        assertThat(result.requestsPerSecond()).isEqualTo(398.20);
        assertThat(result.p50Millis()).isCloseTo(102.51, EXACT);
        assertThat(result.p99Millis()).isCloseTo(1520.0, EXACT);
        assertThat(result.non2xx()).isEqualTo(412);
    }

    @Test
    void outputWithoutTheLatencyDistributionIsAnError() throws IOException {
        String out = fixture("wrk-without-latency-flag.txt");

        assertThatThrownBy(() -> Wrk.parse("nginx, static file", out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no 50% latency in wrk's output")
                .hasMessageContaining("Requests/sec:  15703.21");
    }

    @Test
    void outputWithoutASummaryIsAnError() throws IOException {
        String out = fixture("wrk-connection-refused.txt");

        assertThatThrownBy(() -> Wrk.parse("nginx, static file", out))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Requests/sec")
                .hasMessageContaining("Connection refused");
    }

    private static String fixture(String name) throws IOException {
        try (InputStream in = WrkTest.class.getResourceAsStream(name)) {
            assertThat(in).as("fixture %s", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
