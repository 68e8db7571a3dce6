package io.stagepass.bench.lake;

import io.stagepass.bench.Latencies;
import java.util.HashSet;
import java.util.Set;

/**
 * Each event's lag: from its occurredAt to the first listing of the lake that showed it. An event found again, in a
 * later file of the same lake, keeps the lag of its first listing.
 */
final class FirstListed {
    private final Set<String> seen = new HashSet<>();
    private final Latencies lags = new Latencies();

    /** Notes an event found in a file listed at {@code listedAtMillis}; false when an earlier listing showed it. */
    boolean listed(String eventId, long occurredAtMillis, long listedAtMillis) {
        if (!seen.add(eventId)) {
            return false;
        }
        lags.add((listedAtMillis - occurredAtMillis) * 1000);
        return true;
    }

    /** Events listed so far. */
    int count() {
        return seen.size();
    }

    Latencies lags() {
        return lags;
    }

    /** n, p50 and p99 in ms, and the largest lag in seconds. */
    String summary() {
        return String.format("%s, max %.1f s", lags.summary(), lags.percentileMillis(100) / 1000);
    }
}
