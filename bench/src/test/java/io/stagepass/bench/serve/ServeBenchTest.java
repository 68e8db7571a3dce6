package io.stagepass.bench.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ServeBenchTest {
    private static final Wrk.Result NGINX = new Wrk.Result("nginx, static file", 20_000, 1.5, 3.25, 0);

    @Test
    void everyTargetAgainstNginxThenTheGoals() {
        List<String> lines = ServeBench.reportLines(List.of(
                NGINX,
                new Wrk.Result("object route, streaming", 12_000, 2.0, 8.5, 0),
                new Wrk.Result("object route, redirect (302 only)", 30_000, 0.74, 2.18, 0),
                new Wrk.Result("replay media playlist", 5_000, 10.0, 40.0, 0)));

        assertThat(lines)
                .containsExactly(
                        "nginx, static file                     20000 req/s  p50   1.50 ms  p99   3.25 ms  ratio to nginx 1.00",
                        "object route, streaming                12000 req/s  p50   2.00 ms  p99   8.50 ms  ratio to nginx 0.60",
                        "object route, redirect (302 only)      30000 req/s  p50   0.74 ms  p99   2.18 ms  ratio to nginx 1.50",
                        "replay media playlist                   5000 req/s  p50  10.00 ms  p99  40.00 ms  ratio to nginx 0.25",
                        "goal: object route >= 0.5x nginx (met), p99 <= 20 ms (met)");
    }

    @Test
    void halfOfNginxMeetsTheGoalAndLessDoesNot() {
        assertThat(goals(new Wrk.Result("object route, streaming", 10_000, 2.0, 20.0, 0)))
                .isEqualTo("goal: object route >= 0.5x nginx (met), p99 <= 20 ms (met)");
        assertThat(goals(new Wrk.Result("object route, streaming", 9_999, 2.0, 20.01, 0)))
                .isEqualTo("goal: object route >= 0.5x nginx (NOT met), p99 <= 20 ms (NOT met)");
    }

    /** The goals are the streaming route's, the second target, whatever comes after it. */
    private static String goals(Wrk.Result stream) {
        List<String> lines =
                ServeBench.reportLines(List.of(NGINX, stream, new Wrk.Result("replay media playlist", 1, 900, 900, 0)));
        return lines.get(lines.size() - 1);
    }
}
