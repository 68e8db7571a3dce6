package io.stagepass.pipeline.kafka;

import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import java.util.function.LongSupplier;

/**
 * Bounded out-of-orderness watermarks for one Kafka partition that also move on when the partition is quiet. After
 * {@code idleAfter} without records the partition is marked idle, so busier partitions are not held back by it;
 * after {@code catchUpAfter} the watermark follows the wall clock ({@code now − maxOutOfOrderness − catchUpAfter}).
 * Our events are stamped when they happen, so a partition quiet that long has nothing older to deliver; without
 * this, the last window of a live that ended would wait for traffic that may never come when every partition is
 * quiet. A backfill of old events keeps its partitions busy, so it is not affected while it runs.
 */
final class CatchUpWatermarks<T> implements WatermarkGenerator<T> {
    private final long maxOutOfOrderness;
    private final long idleAfter;
    private final long catchUpAfter;
    private final LongSupplier clock;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastRecordAt;
    private long emitted = Long.MIN_VALUE;
    private boolean idle;

    CatchUpWatermarks(long maxOutOfOrderness, long idleAfter, long catchUpAfter, LongSupplier clock) {
        this.maxOutOfOrderness = maxOutOfOrderness;
        this.idleAfter = idleAfter;
        this.catchUpAfter = catchUpAfter;
        this.clock = clock;
        this.lastRecordAt = clock.getAsLong();
    }

    @Override
    public void onEvent(T event, long timestamp, WatermarkOutput output) {
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        lastRecordAt = clock.getAsLong();
    }

    @Override
    public void onPeriodicEmit(WatermarkOutput output) {
        long now = clock.getAsLong();
        long watermark = maxTimestamp == Long.MIN_VALUE ? Long.MIN_VALUE : maxTimestamp - maxOutOfOrderness - 1;
        long quiet = now - lastRecordAt;
        if (quiet >= catchUpAfter) {
            watermark = Math.max(watermark, now - maxOutOfOrderness - catchUpAfter);
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
