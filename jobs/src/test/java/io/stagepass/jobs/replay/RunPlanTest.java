package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Where the packager begins runs and marks discontinuities, without FFmpeg. */
class RunPlanTest {
    /** Feeds a readable segment through the plan as the packager does; returns whether it began a run. */
    private static boolean read(RunPlan plan, long sequence, boolean flagged, String init) {
        boolean began = plan.beginsRun(sequence, flagged, init);
        if (began) {
            plan.began(sequence);
        }
        plan.packaged(sequence, init);
        return began;
    }

    @Test
    void consecutiveSegmentsMakeOneRunWithoutADiscontinuity() {
        RunPlan plan = new RunPlan();
        assertThat(read(plan, 0, false, null)).isTrue();
        assertThat(read(plan, 1, false, null)).isFalse();
        assertThat(read(plan, 2, false, null)).isFalse();
        assertThat(plan.discontinuities()).isEmpty();
        assertThat(plan.packaged()).isEqualTo(3);
    }

    @Test
    void aGapAFlaggedReconnectAndANewInitSectionEachBeginARunAfterADiscontinuity() {
        RunPlan plan = new RunPlan();
        read(plan, 0, false, "init-a");
        assertThat(read(plan, 2, false, "init-a")).as("1 never arrived").isTrue();
        assertThat(read(plan, 3, true, "init-a"))
                .as("ingest flagged a reconnect")
                .isTrue();
        assertThat(read(plan, 4, false, "init-b")).as("other stream parameters").isTrue();
        assertThat(read(plan, 5, false, "init-b")).isFalse();
        assertThat(plan.discontinuities()).containsExactly(2L, 3L, 4L);
    }

    @Test
    void aSegmentThatCannotBeFetchedEndsTheRunAndTheNextBeginsOne() {
        RunPlan plan = new RunPlan();
        read(plan, 0, false, null);
        plan.missing(); // 1: missing from the store, or not the bytes ingest stored
        assertThat(read(plan, 2, false, null)).isTrue();
        assertThat(plan.discontinuities()).containsExactly(2L);
        assertThat(plan.packaged()).isEqualTo(2);
    }

    @Test
    void anUnreadableSegmentThatWasToBeginARunLeavesNoRunBehindButKeepsItsDiscontinuity() {
        RunPlan plan = new RunPlan();
        read(plan, 0, false, null);
        assertThat(plan.beginsRun(2, false, null)).isTrue();
        plan.began(2);
        plan.unreadable(true); // FFmpeg could not read 2 after its streams were opened
        assertThat(read(plan, 3, false, null)).isTrue();
        assertThat(plan.discontinuities()).containsExactly(2L, 3L);
        assertThat(read(plan, 4, false, null)).isFalse();
    }

    @Test
    void noDiscontinuityBeforeTheFirstContentEvenWhenTheFirstSegmentsAreLost() {
        RunPlan plan = new RunPlan();
        plan.missing(); // 0
        assertThat(plan.beginsRun(1, false, null)).isTrue();
        plan.unreadable(false); // 1: FFmpeg could not even open it
        assertThat(read(plan, 2, false, null)).isTrue();
        assertThat(read(plan, 3, false, null)).isFalse();
        assertThat(plan.discontinuities()).isEmpty();
        assertThat(plan.packaged()).isEqualTo(2);
    }
}
