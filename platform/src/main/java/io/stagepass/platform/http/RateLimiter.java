package io.stagepass.platform.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a player session, a client address): {@code burst} requests at once, refilled at {@code perMinute}.
 * Idle buckets are dropped once many keys are tracked, so memory stays bounded.
 */
public final class RateLimiter {
    private static final int MAX_TRACKED = 100_000;
    private static final long MICROS_PER_TOKEN = 1_000_000;
    private static final long NANOS_PER_MINUTE = 60_000_000_000L;

    private final long capacityMicros;
    private final int perMinute;
    /** Per key: {tokens in millionths, time of the last refill in nanos}. */
    private final Map<String, long[]> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute, int burst) {
        this.perMinute = perMinute;
        this.capacityMicros = burst * MICROS_PER_TOKEN;
    }

    /** Takes one request from the key's bucket; false when it is empty. */
    public boolean tryAcquire(String key, long nowNanos) {
        if (buckets.size() > MAX_TRACKED) {
            buckets.entrySet().removeIf(e -> refilled(e.getValue(), nowNanos) >= capacityMicros);
        }
        long[] bucket = buckets.computeIfAbsent(key, k -> new long[] {capacityMicros, nowNanos});
        synchronized (bucket) {
            bucket[0] = refilled(bucket, nowNanos);
            bucket[1] = nowNanos;
            if (bucket[0] < MICROS_PER_TOKEN) {
                return false;
            }
            bucket[0] -= MICROS_PER_TOKEN;
            return true;
        }
    }

    private long refilled(long[] bucket, long nowNanos) {
        // An hour refills any bucket; capping keeps the product below overflow.
        long elapsed = Math.min(Math.max(0, nowNanos - bucket[1]), 60 * NANOS_PER_MINUTE);
        long added = elapsed * perMinute / (NANOS_PER_MINUTE / MICROS_PER_TOKEN);
        return Math.min(capacityMicros, bucket[0] + added);
    }
}
