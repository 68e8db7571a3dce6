package io.stagepass.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PushResultTest {
    private static final long PUT_AT = 1_000_000_000L;
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    @Test
    void aSegmentsEventIsTimedFromItsPut() {
        PushResult result = new PushResult();
        result.putStarted("key-a", 7, PUT_AT);
        result.putStarted("key-a", 8, PUT_AT + 2000 * MS);

        result.eventSeen("key-a", 7, PUT_AT + 42 * MS);

        assertThat(result.events.count()).isEqualTo(1);
        assertThat(result.events.percentileMillis(100)).isEqualTo(42.0);
    }

    @Test
    void theSameSequenceOfAnotherKeyIsAnotherSegment() {
        PushResult result = new PushResult();
        result.putStarted("key-a", 7, PUT_AT);
        result.putStarted("key-b", 7, PUT_AT + 500 * MS);

        result.eventSeen("key-b", 7, PUT_AT + 530 * MS);

        assertThat(result.events.percentileMillis(100)).isEqualTo(30.0);
    }

    @Test
    void anEventOfASegmentThisPushDidNotPutIsLeftOut() {
        PushResult result = new PushResult();
        result.putStarted("key-a", 7, PUT_AT);

        result.eventSeen("key-a", 8, PUT_AT + 42 * MS);
        result.eventSeen(null, 7, PUT_AT + 42 * MS); // a live the bench did not schedule

        assertThat(result.events.count()).isZero();
    }
}
