package io.stagepass.platform.lifecycle;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a call that can fail for a moment (an object store restarting, a broker electing a leader) with exponential
 * backoff, and gives up with the last error after a few attempts. Errors that retrying cannot fix pass at once.
 */
public final class Retry {
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    private final int attempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;

    public Retry(int attempts, Duration firstBackoff, Duration maxBackoff) {
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
    }

    /** Five attempts, 0.5 s doubling to 8 s between them: rides out about 15 s of outage. */
    public static Retry transientErrors() {
        return new Retry(5, Duration.ofMillis(500), Duration.ofSeconds(8));
    }

    /** Calls {@code call} until it succeeds, the error is not {@code retriable}, or the attempts are used up. */
    public <T> T call(String what, Predicate<Exception> retriable, Callable<T> call) throws Exception {
        Duration backoff = firstBackoff;
        for (int attempt = 1; ; attempt++) {
            try {
                return call.call();
            } catch (Exception e) {
                if (attempt >= attempts || !retriable.test(e)) {
                    throw e;
                }
                LOG.warn(
                        "{} failed (attempt {} of {}), retrying in {} ms: {}",
                        what,
                        attempt,
                        attempts,
                        backoff.toMillis(),
                        e.toString());
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }
}
