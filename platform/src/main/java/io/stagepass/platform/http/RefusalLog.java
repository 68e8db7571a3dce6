package io.stagepass.platform.http;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Log lines for requests refused for their credentials or their rate (401, 403, 429). Such refusals are what a flood
 * of forged keys or tokens is made of, so one line per request would let anyone fill the disk and slow every other
 * request with log writes. The first refusal of each window is written at once and whole (method, redacted path,
 * status: a mistyped key shows in the log as it happens); the others in that window are counted, and their counts per
 * route and status are written in one line when the next window opens. Metrics count every refusal regardless.
 */
public final class RefusalLog {
    private final Duration window;
    private final LongSupplier nanos;
    private final Consumer<String> sink;
    private final AtomicLong windowStart;
    private final Map<String, LongAdder> counted = new ConcurrentHashMap<>();

    /** {@code sink} writes a line; {@code nanos} is the monotonic clock ({@code System::nanoTime}). */
    public RefusalLog(Duration window, LongSupplier nanos, Consumer<String> sink) {
        this.window = window;
        this.nanos = nanos;
        this.sink = sink;
        this.windowStart = new AtomicLong(nanos.getAsLong() - window.toNanos());
    }

    /**
     * A refused request. {@code route} must hold no credential: the route's template, or a path passed through
     * {@link LogRedaction#path}.
     */
    public void refused(String method, String route, int status, String path) {
        long now = nanos.getAsLong();
        long start = windowStart.get();
        if (now - start >= window.toNanos() && windowStart.compareAndSet(start, now)) {
            String summary = drain();
            if (!summary.isEmpty()) {
                sink.accept("refused in the previous " + window.toSeconds() + " s, besides its first: " + summary);
            }
            sink.accept(method + " " + path + " " + status + " (further refusals within " + window.toSeconds()
                    + " s are counted, not logged one by one)");
            return;
        }
        counted.computeIfAbsent(method + " " + route + " " + status, k -> new LongAdder())
                .increment();
    }

    /** The counts since the last line, as {@code "GET /v1/creator 401 x4999, ..."}, and forgets them. */
    private String drain() {
        Map<String, Long> counts = new TreeMap<>();
        for (String key : counted.keySet()) {
            LongAdder adder = counted.remove(key);
            if (adder != null && adder.sum() > 0) {
                counts.put(key, adder.sum());
            }
        }
        StringBuilder line = new StringBuilder();
        counts.forEach((key, n) -> {
            if (line.length() > 0) {
                line.append(", ");
            }
            line.append(key).append(" x").append(n);
        });
        return line.toString();
    }
}
