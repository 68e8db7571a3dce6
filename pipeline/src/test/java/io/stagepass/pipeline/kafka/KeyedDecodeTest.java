package io.stagepass.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Beacon;
import io.stagepass.events.DeadLetter;
import io.stagepass.events.EventCodec;
import io.stagepass.events.SampleEvents;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/** Decoding after the shuffle: good events go on under their key, anything else is a dead letter with its bytes. */
class KeyedDecodeTest {
    @Test
    void passesEventsWhoseKeyIsTheRecordKeyAndDeadLettersTheRest() throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, RawRecord, Beacon> harness =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new KeyedDecode<>(Beacon.class, "audience", Beacon::getLiveId), KeyedDecode::key, Types.STRING);
        EventCodec<Beacon> codec = EventCodec.of(Beacon.class);
        Beacon beacon = SampleEvents.beacon("live_1", "s1").build();

        harness.processElement(record("live_1", codec.encode(beacon), 1), 10);
        harness.processElement(record("live_2", codec.encode(beacon), 2), 11); // keyed under another live
        harness.processElement(record("live_1", "not an event".getBytes(StandardCharsets.UTF_8), 3), 12);

        assertThat(harness.extractOutputValues()).containsExactly(beacon);
        assertThat(harness.getSideOutput(DecodeOrDeadLetter.DEAD_LETTERS))
                .extracting(StreamRecord::getValue)
                .extracting(
                        DeadLetter::getSourceOffset,
                        letter -> letter.getReason().contains("is not the event's key"))
                .containsExactly(Tuple.tuple(2L, true), Tuple.tuple(3L, false));
        harness.close();
    }

    private static RawRecord record(String key, byte[] value, long offset) {
        return new RawRecord("stagepass.viewer.beacons", 0, offset, key.getBytes(StandardCharsets.UTF_8), value);
    }
}
