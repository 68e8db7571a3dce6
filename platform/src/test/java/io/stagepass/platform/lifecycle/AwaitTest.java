package io.stagepass.platform.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    private static final Duration SHORT = Duration.ofMillis(300);
    private static final Duration POLL = Duration.ofMillis(10);

    @Test
    void aMetConditionSaysSoWithTheValueThatMetIt() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Await.Outcome<Integer> outcome = Await.until(Duration.ofSeconds(10), POLL, calls::incrementAndGet, n -> n >= 3);
        assertThat(outcome.met()).isTrue();
        assertThat(outcome.value()).isEqualTo(3);
    }

    @Test
    void aTimeoutSaysNotMetWithTheLastValueSeen() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Await.Outcome<Integer> outcome = Await.until(SHORT, POLL, calls::incrementAndGet, n -> n < 0);
        assertThat(outcome.met()).isFalse();
        assertThat(outcome.value()).isEqualTo(calls.get()).isGreaterThan(1);
    }

    @Test
    void aValueThatMeetsTheConditionOnTheLastPollCounts() throws Exception {
        Await.Outcome<String> outcome = Await.until(Duration.ZERO, POLL, () -> "done", "done"::equals);
        assertThat(outcome).isEqualTo(new Await.Outcome<>(true, "done"));
    }

    @Test
    void expectNamesWhatDidNotHappenAndTheLastValue() {
        assertThatThrownBy(() -> Await.expect("the answer", SHORT, () -> 41, n -> n == 42))
                .isInstanceOf(Await.TimeoutError.class)
                .hasMessageContaining("the answer did not happen")
                .hasMessageContaining("last seen: 41");
    }

    @Test
    void aProbeThatFailsEndsTheWait() {
        assertThatThrownBy(() -> Await.until(Duration.ofSeconds(10), () -> {
                    throw new IllegalStateException("broken probe");
                }))
                .hasMessage("broken probe");
    }
}
