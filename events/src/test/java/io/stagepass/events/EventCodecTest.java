package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {

    /** One sample of every event type the contract declares, with optional fields both set and unset. */
    static Stream<SpecificRecord> everyEventType() {
        return Stream.of(
                SampleEvents.creator("creator_1").build(),
                SampleEvents.analyst("analyst_1").build(),
                SampleEvents.streamHealth("live_1").build(),
                SampleEvents.streamHealth("live_2")
                        .setVerdict(HealthVerdict.EXCELLENT)
                        .setReasons(List.of())
                        .setVideoCodec(null)
                        .setLastMediaAt(null)
                        .build(),
                SampleEvents.creator("creator_2")
                        .setEmail(null)
                        .setType(CreatorEventType.UPDATED)
                        .build(),
                SampleEvents.live("live_1", "creator_1").build(),
                SampleEvents.live("live_1", "creator_1")
                        .setType(LiveEventType.ENDED)
                        .setEndReason(LiveEndReason.RECONNECT_TIMEOUT)
                        .setTiers(List.of())
                        .build(),
                SampleEvents.replay("live_1", "creator_1")
                        .setType(ReplayEventType.READY)
                        .setPlaylistKey("live_1/index.m3u8")
                        .setDurationMillis(3_600_000L)
                        .build(),
                SampleEvents.entitlement("live_1", "cs_1")
                        .setType(EntitlementEventType.REVOKED)
                        .setReason(EntitlementReason.DISPUTE_OPENED)
                        .build(),
                SampleEvents.segment("live_1", 7)
                        .setDurationMicros(null)
                        .setDiscontinuity(true)
                        .build(),
                SampleEvents.segment("live_1", 9)
                        .setType(SegmentEventType.GAP)
                        .setGapLength(2L)
                        .build(),
                SampleEvents.beacon("live_1", "s1")
                        .setTicketId(null)
                        .setMode(ViewMode.PAGE)
                        .setType(BeaconType.PAGE_VIEW)
                        .build(),
                SampleEvents.payment("live_1", "cs_1").build(),
                SampleEvents.payment("live_1", "cs_1")
                        .setType(PaymentEventType.DISPUTE_CLOSED)
                        .setDisputeOutcome(DisputeOutcome.LOST)
                        .setFeeMinor(null)
                        .setNetMinor(null)
                        .build(),
                SampleEvents.revenue("live_1").setType(RevenueMetricType.WINDOW).build(),
                SampleEvents.audience("live_1")
                        .setType(AudienceMetricType.RETENTION)
                        .setRetentionMinute(3)
                        .setRetentionBasisPoints(8123)
                        .build(),
                SampleEvents.topicActivity(Topic.BEACONS.topicName()).build(),
                SampleEvents.deadLetter(Topic.PAYMENTS.topicName()).build(),
                SampleEvents.payment("live_1", "cs_1")
                        .setDestinationAccountId("acct_ada")
                        .setTransferredTotalMinor(1500L)
                        .setReversedTotalMinor(0L)
                        .setApplicationFeeMinor(180L)
                        .setApplicationFeeRefundedTotalMinor(0L)
                        .build(),
                SampleEvents.payoutAccount("creator_1").build(),
                SampleEvents.payout("creator_1", 1320).build(),
                SampleEvents.stageAppearance("live_1", "cs_1", 12).build(),
                SampleEvents.stageAppearance("live_1", "cs_1", 40)
                        .setType(StageAppearanceType.ENDED)
                        .setLayout(null)
                        .setReason("sent-back")
                        .build(),
                SampleEvents.clip("live_1", "clip_1").build(),
                SampleEvents.clip("live_1", "clip_2")
                        .setType(ClipStatus.FAILED)
                        .setObjectKey(null)
                        .setError("the span crosses a reconnect with other stream settings")
                        .build());
    }

    @Test
    void samplesCoverEveryTopicValueType() {
        List<String> sampled = everyEventType()
                .map(event -> event.getClass().getName())
                .distinct()
                .toList();
        assertThat(sampled)
                .containsAll(Arrays.stream(Topic.values())
                        .map(topic -> topic.valueType().getName())
                        .toList());
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    @SuppressWarnings({"unchecked", "rawtypes"})
    void roundTripsEveryEventType(SpecificRecord event) {
        EventCodec codec = EventCodec.of(event.getClass());
        byte[] bytes = codec.encode(event);

        assertThat(codec.decode(bytes)).isEqualTo(event);
        // Same bytes as Avro's own single-object encoding, so any Avro reader can decode them.
        assertThat(bytes).startsWith((byte) 0xC3, (byte) 0x01);
    }

    @Test
    void refusesBytesThatAreNotSingleObjectEncoded() {
        EventCodec<PaymentFact> codec = EventCodec.of(PaymentFact.class);

        assertThatThrownBy(() -> codec.decode("{\"amount\": 1500}".getBytes()))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("PaymentFact")
                .hasMessageContaining("C3 01");
        assertThatThrownBy(() -> codec.decode(new byte[] {(byte) 0xC3, 0x01, 1}))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("shorter than 10 bytes");
        assertThatThrownBy(() -> codec.decode(null))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("null");
    }

    @Test
    void refusesAnotherEventTypeByItsFingerprint() {
        byte[] beacon = EventCodec.of(Beacon.class)
                .encode(SampleEvents.beacon("live_1", "s1").build());

        assertThatThrownBy(() -> EventCodec.of(PaymentFact.class).decode(beacon))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("unknown schema fingerprint");
    }

    @Test
    void refusesATruncatedEventInsteadOfBuildingHalfOfIt() {
        EventCodec<PaymentFact> codec = EventCodec.of(PaymentFact.class);
        byte[] whole = codec.encode(SampleEvents.payment("live_1", "cs_1").build());

        for (int length = EventCodec.HEADER_LENGTH; length < whole.length; length++) {
            byte[] truncated = Arrays.copyOf(whole, length);
            assertThatThrownBy(() -> codec.decode(truncated))
                    .as("truncated to %d of %d bytes", length, whole.length)
                    .isInstanceOf(MalformedEventException.class);
        }
    }

    @Test
    void refusesTrailingBytes() {
        EventCodec<Beacon> codec = EventCodec.of(Beacon.class);
        byte[] whole = codec.encode(SampleEvents.beacon("live_1", "s1").build());
        byte[] padded = Arrays.copyOf(whole, whole.length + 3);

        assertThatThrownBy(() -> codec.decode(padded))
                .isInstanceOf(MalformedEventException.class)
                .hasMessageContaining("left over");
    }

    @Test
    void refusesAnOutOfRangeEnum() {
        EventCodec<Beacon> codec = EventCodec.of(Beacon.class);
        byte[] bytes = codec.encode(SampleEvents.beacon("live_1", "s1").build());
        // The datum starts with eventId (a string: zig-zag length, then bytes), then occurredAt, schemaVersion, type.
        int eventIdLength = bytes[EventCodec.HEADER_LENGTH] / 2;
        int afterEventId = EventCodec.HEADER_LENGTH + 1 + eventIdLength;
        int typeIndex =
                afterEventId + varLongLength(bytes, afterEventId) + 1; // occurredAt, then schemaVersion (1 byte)
        bytes[typeIndex] = 0x7e; // enum index 63: there are six beacon types

        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(MalformedEventException.class);
    }

    @Test
    void refusesToEncodeAnEventMissingARequiredField() {
        PaymentFact incomplete = SampleEvents.payment("live_1", "cs_1").build();
        incomplete.setCurrency(null);

        assertThatThrownBy(() -> EventCodec.of(PaymentFact.class).encode(incomplete))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PaymentFact");
    }

    @Test
    void readsEventsWrittenWithAnOlderSchemaVersion() {
        // Version 1 of Creator, before "email" existed: the current reader fills the default (null).
        Schema v1 = SchemaBuilder.record("Creator")
                .namespace("io.stagepass.events")
                .fields()
                .requiredString("eventId")
                .name("occurredAt")
                .type(LogicalTypes.timestampMillis().addToSchema(Schema.create(Schema.Type.LONG)))
                .noDefault()
                .name("schemaVersion")
                .type()
                .intType()
                .intDefault(1)
                .name("type")
                .type(Creator.getClassSchema().getField("type").schema())
                .noDefault()
                .requiredString("creatorId")
                .requiredString("displayName")
                .requiredString("defaultCurrency")
                .endRecord();
        GenericRecord old = new GenericData.Record(v1);
        old.put("eventId", "e1");
        old.put("occurredAt", 1_700_000_000_000L);
        old.put("schemaVersion", 1);
        old.put("type", new GenericData.EnumSymbol(v1.getField("type").schema(), "REGISTERED"));
        old.put("creatorId", "creator_1");
        old.put("displayName", "Ada");
        old.put("defaultCurrency", "EUR");
        byte[] bytes = encodeGeneric(v1, old);

        EventCodec<Creator> codec = EventCodec.of(Creator.class);
        assertThatThrownBy(() -> codec.decode(bytes)).isInstanceOf(MalformedEventException.class);

        Creator creator = codec.withWriterSchema(v1).decode(bytes);
        assertThat(creator.getDisplayName()).isEqualTo("Ada");
        assertThat(creator.getEmail()).isNull();
        assertThat(creator.getOccurredAt().toEpochMilli()).isEqualTo(1_700_000_000_000L);
    }

    private static byte[] encodeGeneric(Schema schema, GenericRecord record) {
        try {
            return new BinaryMessageEncoder<GenericRecord>(GenericData.get(), schema)
                    .encode(record)
                    .array();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int varLongLength(byte[] bytes, int offset) {
        int length = 1;
        while ((bytes[offset + length - 1] & 0x80) != 0) {
            length++;
        }
        return length;
    }

    @ParameterizedTest
    @MethodSource("everyEventType")
    @SuppressWarnings("unchecked")
    void readsTheEventTimeWithoutDecoding(SpecificRecord event) {
        byte[] encoded = EventCodec.of((Class<SpecificRecord>) event.getClass()).encode(event);
        Instant occurredAt = (Instant) event.get(1);
        assertThat(EventCodec.occurredAtMillis(encoded)).isEqualTo(occurredAt.toEpochMilli());
    }

    @Test
    void everyTopicsRecordStartsWithTheEventIdAndItsTime() {
        for (Topic topic : Topic.values()) {
            Schema schema = SpecificData.get().getSchema(topic.valueType());
            assertThat(schema.getFields().get(0).name()).as(topic.name()).isEqualTo("eventId");
            assertThat(schema.getFields().get(0).schema().getType()).isEqualTo(Schema.Type.STRING);
            assertThat(schema.getFields().get(1).name()).as(topic.name()).isEqualTo("occurredAt");
            assertThat(schema.getFields().get(1).schema().getLogicalType().getName())
                    .isEqualTo("timestamp-millis");
        }
    }

    @Test
    void noEventTimeFromBytesThatAreNotAnEvent() {
        assertThat(EventCodec.occurredAtMillis(null)).isEqualTo(Long.MIN_VALUE);
        assertThat(EventCodec.occurredAtMillis("not an event".getBytes())).isEqualTo(Long.MIN_VALUE);
        byte[] truncated = Arrays.copyOf(
                EventCodec.of(Beacon.class)
                        .encode(SampleEvents.beacon("live_1", "s").build()),
                14);
        assertThat(EventCodec.occurredAtMillis(truncated)).isEqualTo(Long.MIN_VALUE);
    }
}
