package io.stagepass.bench.pipeline;

import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.util.Map;

/** Durations as the options take them and the output shows them: 500ms, 10s, 1m. */
final class Durations {
    private Durations() {}

    /** What the environment's durations accept (500ms, 10s, 1m, 2h, PT1M), at least 100 ms. */
    static Duration parse(String value) {
        Duration d = Env.of(Map.of("DURATION", value)).duration("DURATION", null);
        if (d == null) {
            throw new IllegalArgumentException("no duration given");
        }
        if (d.toMillis() < 100) {
            throw new IllegalArgumentException("duration too short: " + value);
        }
        return d;
    }

    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }
}
