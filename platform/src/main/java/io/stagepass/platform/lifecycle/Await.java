package io.stagepass.platform.lifecycle;

import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waiting for something to become true, the one way: poll a probe until its value is what is wanted or time is up.
 * The demo and every test wait through here; nothing waits a fixed time and then looks.
 */
public final class Await {
    /** How often a probe is asked when the caller does not say. */
    public static final Duration DEFAULT_POLL = Duration.ofMillis(200);

    /** Produces the current value of what is waited for; may fail, which ends the wait. */
    @FunctionalInterface
    public interface Probe<T> {
        T get() throws Exception;
    }

    /**
     * How a wait ended: whether the condition was met, and the last value the probe gave (the one that met it, or the
     * last seen when time ran out), so that a caller writes its condition once.
     */
    public record Outcome<T>(boolean met, T value) {}

    /** What {@link #expect} throws when time ran out: it names what was awaited and the last value seen. */
    public static final class TimeoutError extends AssertionError {
        TimeoutError(String message) {
            super(message);
        }
    }

    private Await() {}

    /** Asks {@code probe} every {@code poll} until {@code done} holds for its value or {@code timeout} has passed. */
    public static <T> Outcome<T> until(Duration timeout, Duration poll, Probe<T> probe, Predicate<? super T> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.get();
            if (done.test(value)) {
                return new Outcome<>(true, value);
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Outcome<>(false, value);
            }
            Thread.sleep(Math.max(1, Math.min(poll.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
        }
    }

    /** Whether {@code condition} became true within {@code timeout}. */
    public static boolean until(Duration timeout, Probe<Boolean> condition) throws Exception {
        return until(timeout, DEFAULT_POLL, condition, Boolean.TRUE::equals).met();
    }

    /** For tests: the value once {@code done} holds; a {@link TimeoutError} naming {@code what} and the last value if not. */
    public static <T> T expect(String what, Duration timeout, Probe<T> probe, Predicate<? super T> done)
            throws Exception {
        Outcome<T> outcome = until(timeout, DEFAULT_POLL, probe, done);
        if (!outcome.met()) {
            throw new TimeoutError(
                    what + " did not happen within " + timeout.toMillis() + " ms; last seen: " + outcome.value());
        }
        return outcome.value();
    }

    /** For tests: returns once {@code condition} is true, else a {@link TimeoutError} naming {@code what}. */
    public static void expect(String what, Duration timeout, Probe<Boolean> condition) throws Exception {
        expect(what, timeout, condition, Boolean.TRUE::equals);
    }
}
