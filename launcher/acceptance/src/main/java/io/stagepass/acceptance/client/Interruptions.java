package io.stagepass.acceptance.client;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each kind of client request (segments, beacons, checkout...) went through: its failed attempts, the last
 * reason, and the longest time from a first failure to the next success, as the person behind that client would have
 * felt it.
 */
public final class Interruptions {
    /** One kind of request, summed up. */
    public record Summary(int failures, long longestMillis, String lastReason) {}

    private final Map<String, Kind> kinds = new ConcurrentHashMap<>();

    public void failed(String kind, String reason) {
        kind(kind).failed(reason);
    }

    public void succeeded(String kind) {
        kind(kind).succeeded();
    }

    /** Every kind that was seen, by name; an interruption still going on counts up to now. */
    public Map<String, Summary> summary() {
        Map<String, Summary> summary = new TreeMap<>();
        kinds.forEach((name, kind) -> summary.put(name, kind.summary()));
        return summary;
    }

    /** Whether any request of any kind failed. */
    public boolean any() {
        return summary().values().stream().anyMatch(s -> s.failures() > 0);
    }

    private Kind kind(String name) {
        return kinds.computeIfAbsent(name, n -> new Kind());
    }

    private static final class Kind {
        private long failingSince = -1;
        private long longestNanos;
        private int failures;
        private String lastReason;

        synchronized void failed(String reason) {
            failures++;
            lastReason = reason;
            if (failingSince < 0) {
                failingSince = System.nanoTime();
            }
        }

        synchronized void succeeded() {
            if (failingSince >= 0) {
                longestNanos = Math.max(longestNanos, System.nanoTime() - failingSince);
                failingSince = -1;
            }
        }

        synchronized Summary summary() {
            long longest = failingSince < 0 ? longestNanos : Math.max(longestNanos, System.nanoTime() - failingSince);
            return new Summary(failures, longest / 1_000_000, lastReason);
        }
    }
}
