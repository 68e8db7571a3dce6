package io.stagepass.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void allowsABurstThenRefillsAtTheRate() {
        RateLimiter limiter = new RateLimiter(6, 3); // one request per 10 s, three at once
        long t = 1_000 * SECOND;

        assertThat(limiter.tryAcquire("s", t)).isTrue();
        assertThat(limiter.tryAcquire("s", t)).isTrue();
        assertThat(limiter.tryAcquire("s", t)).isTrue();
        assertThat(limiter.tryAcquire("s", t)).isFalse();
        assertThat(limiter.tryAcquire("s", t + 9 * SECOND)).isFalse();
        assertThat(limiter.tryAcquire("s", t + 10 * SECOND)).isTrue();
        assertThat(limiter.tryAcquire("other", t))
                .as("sessions are limited apart")
                .isTrue();
    }

    @Test
    void neverHoldsMoreThanTheBurst() {
        RateLimiter limiter = new RateLimiter(60, 2);
        long t = 5 * SECOND;
        limiter.tryAcquire("s", t);

        long muchLater = t + 365L * 24 * 3600 * SECOND;
        assertThat(limiter.tryAcquire("s", muchLater)).isTrue();
        assertThat(limiter.tryAcquire("s", muchLater)).isTrue();
        assertThat(limiter.tryAcquire("s", muchLater)).isFalse();
    }
}
