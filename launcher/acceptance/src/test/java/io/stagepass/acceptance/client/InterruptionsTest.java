package io.stagepass.acceptance.client;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class InterruptionsTest {
    @Test
    void eachKindCountsItsFailuresAndKeepsTheLastReason() {
        Interruptions interruptions = new Interruptions();
        interruptions.succeeded("beacons");
        interruptions.failed("segments", "refused");
        interruptions.failed("segments", "503");
        interruptions.succeeded("segments");

        assertThat(interruptions.any()).isTrue();
        assertThat(interruptions.summary().get("segments").failures()).isEqualTo(2);
        assertThat(interruptions.summary().get("segments").lastReason()).isEqualTo("503");
        assertThat(interruptions.summary().get("beacons").failures()).isZero();
    }

    @Test
    void noFailureNoInterruption() {
        Interruptions interruptions = new Interruptions();
        interruptions.succeeded("checkout");

        assertThat(interruptions.any()).isFalse();
        assertThat(interruptions.summary().get("checkout").longestMillis()).isZero();
    }

    @Test
    void anInterruptionStillGoingOnCountsUpToNow() throws Exception {
        Interruptions interruptions = new Interruptions();
        interruptions.failed("segments", "down");
        Thread.sleep(20);

        assertThat(interruptions.summary().get("segments").longestMillis()).isGreaterThanOrEqualTo(20);
    }
}
