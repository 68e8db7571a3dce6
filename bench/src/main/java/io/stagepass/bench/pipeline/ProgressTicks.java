package io.stagepass.bench.pipeline;

import java.util.concurrent.TimeUnit;

/** When a long phase prints how far it got: every 5 s from its start. */
final class ProgressTicks {
    private static final long INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private long next;

    ProgressTicks(long startNanos) {
        next = startNanos + INTERVAL_NANOS;
    }

    /** Whether a progress line is due at {@code nowNanos}; if so, the next one is due 5 s later. */
    boolean due(long nowNanos) {
        if (nowNanos <= next) {
            return false;
        }
        next += INTERVAL_NANOS;
        return true;
    }
}
