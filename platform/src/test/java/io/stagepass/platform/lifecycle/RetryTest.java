package io.stagepass.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetryTest {
    private static final Duration PAUSE = Duration.ofMillis(5);

    @Test
    void eachAttemptKnowsItsNumberAndTheListenerHearsEachRetriedFailure() throws Exception {
        List<Integer> heard = new ArrayList<>();
        String answer = new Retry(5, PAUSE, PAUSE)
                .reportingTo((what, attempt, error, backoff) -> heard.add(attempt))
                .attempt("flaky", e -> e instanceof IOException, attempt -> {
                    if (attempt < 2) {
                        throw new IOException("down " + attempt);
                    }
                    return "up on attempt " + attempt;
                });
        assertThat(answer).isEqualTo("up on attempt 2");
        assertThat(heard).containsExactly(0, 1);
    }

    @Test
    void anErrorRetryingCannotFixPassesAtOnce() {
        List<Integer> attempts = new ArrayList<>();
        assertThatThrownBy(() -> new Retry(5, PAUSE, PAUSE).attempt("refused", e -> false, attempt -> {
                    attempts.add(attempt);
                    throw new IllegalArgumentException("bad request");
                }))
                .hasMessage("bad request");
        assertThat(attempts).containsExactly(0);
    }

    @Test
    void theLastErrorPassesOnceTheAttemptsAreUsedUp() {
        assertThatThrownBy(() -> new Retry(3, PAUSE, PAUSE)
                        .reportingTo((what, attempt, error, backoff) -> {})
                        .attempt("always down", e -> true, attempt -> {
                            throw new IOException("down " + attempt);
                        }))
                .hasMessage("down 2");
    }

    @Test
    void aBudgetEndsTheAttemptsOnceSpent() {
        Duration budget = Duration.ofMillis(200);
        List<Integer> attempts = new ArrayList<>();
        assertThatThrownBy(() -> Retry.forDuration(budget, Duration.ofMillis(20))
                        .reportingTo((what, attempt, error, backoff) -> {})
                        .attempt("down for good", e -> true, attempt -> {
                            attempts.add(attempt);
                            throw new IOException("down");
                        }))
                .hasMessage("down");
        // Each pause is at least 20 ms, so no more than 200 / 20 + 1 attempts fit in the budget.
        assertThat(attempts.size()).as("attempts 20 ms apart within 200 ms").isBetween(1, 11);
    }

    @Test
    void onceMeansOneAttempt() {
        List<Integer> attempts = new ArrayList<>();
        assertThatThrownBy(() -> Retry.once().attempt("one shot", e -> true, attempt -> {
                    attempts.add(attempt);
                    throw new IOException("down");
                }))
                .hasMessage("down");
        assertThat(attempts).containsExactly(0);
    }
}
