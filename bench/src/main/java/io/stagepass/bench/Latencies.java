package io.stagepass.bench;

import java.util.Arrays;

/** Collected latencies in microseconds, and their percentiles. */
public final class Latencies {
    private long[] values = new long[1024];
    private int size;

    public synchronized void add(long micros) {
        if (size == values.length) {
            values = Arrays.copyOf(values, size * 2);
        }
        values[size++] = micros;
    }

    public synchronized int count() {
        return size;
    }

    /** The p-th percentile (0-100) in milliseconds, as {@link Percentiles} defines it; NaN when there are none. */
    public synchronized double percentileMillis(double p) {
        long[] sorted = Arrays.copyOf(values, size);
        Arrays.sort(sorted);
        return Percentiles.ofSorted(sorted, p) / 1000.0;
    }

    public String summary() {
        return String.format("n=%d p50=%.1f ms p99=%.1f ms", count(), percentileMillis(50), percentileMillis(99));
    }
}
