package io.stagepass.pipeline.kafka;

import java.util.function.LongSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;

/**
 * Bounded out-of-orderness watermarks for one Kafka partition that also move on when the partition is quiet. After
 * {@code idleAfter} without records the partition is marked idle, so busier partitions are not held back by it;
 * after {@code catchUpAfter} its watermark follows the wall clock ({@code now − maxOutOfOrderness}, ahead of any
 * partition that is still busy, so it holds nobody back). Our events are stamped when they happen, so a partition
 * quiet that long has nothing older to deliver; without this, the last window of a live that ended would wait for
 * traffic that may never come when every partition is quiet.
 *
 * <p>Quiet is measured on the source's input activity clock, which stands still while the job is back-pressured:
 * a backfill of old events that stalls behind a slow sink is not mistaken for a quiet partition. A record without
 * an event time (one that did not decode) is not activity.
 */
final class CatchUpWatermarks<T> implements WatermarkGenerator<T> {
    private final long maxOutOfOrderness;
    private final long idleAfter;
    private final long catchUpAfter;
    private final LongSupplier activityClock;
    private final LongSupplier wallClock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordAt;
    private long emitted = Long.MIN_VALUE;
    private boolean idle;

    CatchUpWatermarks(
            long maxOutOfOrderness,
            long idleAfter,
            long catchUpAfter,
            LongSupplier activityClock,
            LongSupplier wallClock) {
        this.maxOutOfOrderness = maxOutOfOrderness;
        this.idleAfter = idleAfter;
        this.catchUpAfter = catchUpAfter;
        this.activityClock = activityClock;
        this.wallClock = wallClock;
        this.lastRecordAt = activityClock.getAsLong();
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        if (timestamp == Long.MIN_VALUE) {
            return;
        }
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        lastRecordAt = activityClock.getAsLong();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - maxOutOfOrderness - 1;
        long quiet = activityClock.getAsLong() - lastRecordAt;
        if (quiet >= catchUpAfter) {
            watermark = Math.max(watermark, wallClock.getAsLong() - maxOutOfOrderness);
        } else if (quiet >= idleAfter) {
            if (!idle) {
                idle = true;
                output.markIdle();
            }
            return;
        }
        if (watermark > emitted || (idle && watermark > Long.MIN_VALUE)) {
            idle = false;
            emitted = Math.max(emitted, watermark);
            output.emitWatermark(new Watermark(emitted)); // also marks the partition active again
        }
    }
}
