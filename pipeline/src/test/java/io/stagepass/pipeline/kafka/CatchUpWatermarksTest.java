package io.stagepass.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.junit.jupiter.api.Test;

class CatchUpWatermarksTest {
    private final AtomicLong now = new AtomicLong(1_000_000); // the input activity clock
    private final AtomicLong wall = new AtomicLong(1_700_000_000_000L);
    private final List<Long> emitted = new ArrayList<>();
    private int idleMarks;
    private final WatermarkOutput output = new WatermarkOutput() {
        @Override
        public void emitWatermark(Watermark watermark) {
            emitted.add(watermark.getTimestamp());
        }

        @Override
        public void markIdle() {
            idleMarks++;
        }

        @Override
        public void markActive() {}
    };

    @Test
    void trailsTheLargestTimestampWhileRecordsFlowAndFollowsTheClockWhenQuiet() {
        CatchUpWatermarks<String> watermarks = new CatchUpWatermarks<>(5_000, 2_000, 10_000, now::get, wall::get);
        watermarks.onEvent("a", 500_000, output);
        watermarks.onEvent("b", 490_000, output); // out of order: does not move the watermark back
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(500_000L - 5_000 - 1);

        now.addAndGet(2_000); // quiet: idle, so busier partitions go on without it
        watermarks.onPeriodicEmit(output);
        watermarks.onPeriodicEmit(output);
        assertThat(idleMarks).isEqualTo(1);
        now.addAndGet(7_999); // not quiet long enough to follow the clock yet
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).hasSize(1);

        now.addAndGet(1); // quiet for 10 s: follows the clock
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).last().isEqualTo(wall.get() - 5_000);

        watermarks.onEvent("late", 400_000, output); // an old record does not move it back either
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).isSorted().doesNotHaveDuplicates();
    }

    @Test
    void recordsWithoutEventTimeAreNotActivity() {
        CatchUpWatermarks<String> watermarks = new CatchUpWatermarks<>(5_000, 2_000, 10_000, now::get, wall::get);
        watermarks.onEvent("a", 500_000, output);
        for (int i = 0; i < 10; i++) {
            now.addAndGet(1_000);
            watermarks.onEvent("undecodable", Long.MIN_VALUE, output);
        }
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(wall.get() - 5_000);
    }

    @Test
    void aStandingActivityClockIsNotQuietWhateverTheWallClockSays() {
        CatchUpWatermarks<String> watermarks = new CatchUpWatermarks<>(5_000, 2_000, 10_000, now::get, wall::get);
        watermarks.onEvent("a", 500_000, output);
        wall.addAndGet(3_600_000); // back-pressured for an hour: the activity clock did not move
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(500_000L - 5_000 - 1);
        assertThat(idleMarks).isZero();
    }

    @Test
    void aPartitionThatNeverHadRecordsDoesNotHoldTheJobBackOnceQuiet() {
        CatchUpWatermarks<String> watermarks = new CatchUpWatermarks<>(5_000, 2_000, 10_000, now::get, wall::get);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).isEmpty();
        now.addAndGet(2_000);
        watermarks.onPeriodicEmit(output);
        assertThat(idleMarks).isEqualTo(1);
        now.addAndGet(8_000);
        watermarks.onPeriodicEmit(output);
        assertThat(emitted).containsExactly(wall.get() - 5_000);
    }
}
