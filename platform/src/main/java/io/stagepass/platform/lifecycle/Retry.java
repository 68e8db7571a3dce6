package io.stagepass.platform.lifecycle;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries a call that can fail for a moment (an object store restarting, a broker electing a leader, a service
 * instance being replaced) and gives up with the last error: after a number of attempts with exponential backoff, or,
 * for a client that keeps trying as encoders and players do, once a time budget is spent. Errors that retrying cannot
 * fix pass at once.
 */
public final class Retry {
    private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

    /** One attempt; {@code attempt} counts from 0, so that a caller can send each attempt somewhere else. */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(int attempt) throws Exception;
    }

    /** Hears of each failed attempt that will be retried (the default logs it). */
    @FunctionalInterface
    public interface Listener {
        void failed(String what, int attempt, Exception error, Duration backoff);
    }

    private static final Listener LOG_IT = (what, attempt, error, backoff) -> LOG.warn(
            "{} failed (attempt {}), retrying in {} ms: {}", what, attempt + 1, backoff.toMillis(), error.toString());

    private final int attempts;
    private final Duration firstBackoff;
    private final Duration maxBackoff;
    private final Duration budget;
    private final Listener listener;

    private Retry(int attempts, Duration firstBackoff, Duration maxBackoff, Duration budget, Listener listener) {
        if (attempts < 1) {
            throw new IllegalArgumentException("at least one attempt, got " + attempts);
        }
        this.attempts = attempts;
        this.firstBackoff = firstBackoff;
        this.maxBackoff = maxBackoff;
        this.budget = budget;
        this.listener = listener;
    }

    public Retry(int attempts, Duration firstBackoff, Duration maxBackoff) {
        this(attempts, firstBackoff, maxBackoff, null, LOG_IT);
    }

    /** Five attempts, 0.5 s doubling to 8 s between them: rides out about 15 s of outage. */
    public static Retry transientErrors() {
        return new Retry(5, Duration.ofMillis(500), Duration.ofSeconds(8));
    }

    /** A single attempt: the error, if any, passes at once. */
    public static Retry once() {
        return new Retry(1, Duration.ZERO, Duration.ZERO);
    }

    /** Attempts {@code pause} apart until one succeeds or {@code budget} has passed since the first began. */
    public static Retry forDuration(Duration budget, Duration pause) {
        return new Retry(Integer.MAX_VALUE, pause, pause, budget, LOG_IT);
    }

    /** The same policy, telling {@code listener} of each failed attempt instead of logging it. */
    public Retry reportingTo(Listener listener) {
        return new Retry(attempts, firstBackoff, maxBackoff, budget, listener);
    }

    /** Calls {@code call} until it succeeds, the error is not {@code retriable}, or the attempts are used up. */
    public <T> T call(String what, Predicate<Exception> retriable, Callable<T> call) throws Exception {
        return attempt(what, retriable, attempt -> call.call());
    }

    /** As {@link #call}, telling each attempt its number. */
    public <T> T attempt(String what, Predicate<Exception> retriable, Attempt<T> call) throws Exception {
        long start = System.nanoTime();
        Duration backoff = firstBackoff;
        for (int attempt = 0; ; attempt++) {
            try {
                return call.run(attempt);
            } catch (Exception e) {
                if (attempt + 1 >= attempts || !retriable.test(e) || spent(start, backoff)) {
                    throw e;
                }
                listener.failed(what, attempt, e, backoff);
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
        }
    }

    /** Whether waiting {@code backoff} more would go past the budget. */
    private boolean spent(long startNanos, Duration backoff) {
        return budget != null && System.nanoTime() - startNanos + backoff.toNanos() > budget.toNanos();
    }
}
