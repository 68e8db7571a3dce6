package io.stagepass.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Beacon;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.SampleEvents;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each fact once, on Flink's keyed operator harness: the first copy of an event passes, later copies are dropped
 * while its id is remembered, a copy after that passes again. Ids are remembered with Flink's state time to live
 * (processing time, counted from the first copy), so the tests move the harness's TTL clock; after each test, once
 * the longest time to live is over, a checkpoint holds no id and no timer (what a restored job would remember).
 */
class FirstOfEachEventTest {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration MILLISECOND = Duration.ofMillis(1);
    private static final Duration A_MINUTE = Duration.ofMinutes(1);

    private KeyedOneInputStreamOperatorTestHarness<String, FirstOfEachEvent.Encoded, SpecificRecord> harness;
    private Duration clock = Duration.ZERO;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness(null);
    }

    @AfterEach
    void nothingRememberedOnceTheTimeToLiveIsOver() throws Exception {
        at(FirstOfEachEvent.FACTS.plus(clock)); // the longest time to live, after the test's last write
        OperatorSubtaskState checkpoint = harness.snapshot(1, T0.plus(clock).toEpochMilli());
        harness.close();
        try (var restored = newHarness(checkpoint)) {
            assertThat(restored.numKeyedStateEntries())
                    .as("ids left in the checkpoint")
                    .isZero();
            assertThat(restored.numProcessingTimeTimers()).isZero();
            assertThat(restored.numEventTimeTimers()).isZero();
        }
    }

    @Test
    void aFactsCopiesAreDroppedForSevenDaysFromItsFirstCopy() throws Exception {
        PaymentFact payment = SampleEvents.payment("live_1", "cs_1").build();

        send(payment);
        at(FirstOfEachEvent.FACTS.minus(MILLISECOND));
        send(payment); // Stripe redelivers a webhook for up to three days
        assertThat(harness.extractOutputValues()).containsExactly(payment);

        at(FirstOfEachEvent.FACTS);
        send(payment);
        assertThat(harness.extractOutputValues())
                .as("passes again once forgotten: a copy dropped before did not extend the memory")
                .containsExactly(payment, payment);
    }

    @Test
    void aStreamEventsCopiesAreDroppedForAnHourFromItsFirstCopy() throws Exception {
        Beacon beacon = SampleEvents.beacon("live_1", "s1").build();

        send(beacon);
        send(beacon);
        at(FirstOfEachEvent.STREAMS.minus(MILLISECOND));
        send(beacon);
        assertThat(harness.extractOutputValues()).containsExactly(beacon);

        at(FirstOfEachEvent.STREAMS);
        send(beacon);
        assertThat(harness.extractOutputValues()).containsExactly(beacon, beacon);
    }

    @Test
    void metricsRecordsAllPassAndNothingIsRememberedOfThem() throws Exception {
        RevenueMetric total = SampleEvents.revenue("live_1").build();

        send(total);
        send(total);

        assertThat(harness.extractOutputValues())
                .as("a changelog: its latest record per key is the value")
                .containsExactly(total, total);
        assertThat(harness.numKeyedStateEntries()).isZero();
    }

    @Test
    void theSameIdOnTwoTopicsIsTwoFacts() throws Exception {
        PaymentFact payment = SampleEvents.payment("live_1", "cs_1").build();
        Beacon beacon = SampleEvents.beacon("live_1", "s1")
                .setEventId(payment.getEventId())
                .build();

        send(payment);
        send(beacon);

        assertThat(harness.extractOutputValues()).containsExactly(payment, beacon);
    }

    @Test
    void aRestoredJobStillKnowsTheIdsItWrote() throws Exception {
        PaymentFact payment = SampleEvents.payment("live_1", "cs_1").build();
        Beacon beacon = SampleEvents.beacon("live_1", "s1").build();
        send(payment);
        send(beacon);
        at(A_MINUTE);
        OperatorSubtaskState checkpoint = harness.snapshot(1, T0.plus(clock).toEpochMilli());
        harness.close();

        harness = newHarness(checkpoint);
        send(payment);
        send(beacon);

        assertThat(harness.numKeyedStateEntries()).isEqualTo(2);
        assertThat(harness.extractOutputValues()).isEmpty();
    }

    /** The harness's clock for state time to live, {@code sinceT0} after T0. */
    private void at(Duration sinceT0) {
        clock = sinceT0;
        harness.setStateTtlProcessingTime(T0.plus(sinceT0).toEpochMilli());
    }

    private void send(SpecificRecord event) throws Exception {
        harness.processElement(
                FirstOfEachEvent.Encoded.of(event), T0.plus(clock).toEpochMilli());
    }

    /** A fresh operator, or one restored from {@code checkpoint}, its TTL clock at the test's time. */
    private KeyedOneInputStreamOperatorTestHarness<String, FirstOfEachEvent.Encoded, SpecificRecord> newHarness(
            OperatorSubtaskState checkpoint) throws Exception {
        KeyedOneInputStreamOperatorTestHarness<String, FirstOfEachEvent.Encoded, SpecificRecord> fresh =
                new KeyedOneInputStreamOperatorTestHarness<>(
                        new KeyedProcessOperator<>(new FirstOfEachEvent()), encoded -> encoded.key, Types.STRING);
        // Events of every topic come out, typed as the job declares them (the harness would otherwise copy each
        // output with a serializer for the first one's class).
        fresh.setup(new GenericTypeInfo<>(SpecificRecord.class)
                .createSerializer(fresh.getExecutionConfig().getSerializerConfig()));
        fresh.setStateTtlProcessingTime(T0.plus(clock).toEpochMilli());
        if (checkpoint != null) {
            fresh.initializeState(checkpoint);
        }
        fresh.open();
        return fresh;
    }
}
