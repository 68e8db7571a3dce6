package io.stagepass.pipeline.kafka;

import io.stagepass.events.EventCodec;
import io.stagepass.events.MalformedEventException;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Decodes contract events in the source; a record that does not decode is kept whole, with the reason, for
 * {@link DecodeOrDeadLetter} to set aside.
 */
public final class DecodingDeserializer<T extends SpecificRecord>
        implements KafkaRecordDeserializationSchema<Decoded<T>> {
    private final Class<T> type;
    private transient EventCodec<T> codec;

    public DecodingDeserializer(Class<T> type) {
        this.type = type;
    }

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<T>> out) {
        if (codec == null) {
            codec = EventCodec.of(type);
        }
        out.collect(decode(record, codec));
    }

    /** The record decoded with {@code codec}, or kept whole with the reason ({@code codec} null: unknown topic). */
    public static <T> Decoded<T> decode(ConsumerRecord<byte[], byte[]> record, EventCodec<? extends T> codec) {
        return decode(
                new RawRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value()),
                codec);
    }

    static <T> Decoded<T> decode(RawRecord record, EventCodec<? extends T> codec) {
        try {
            if (codec == null) {
                throw new MalformedEventException("no schema for topic " + record.topic);
            }
            return Decoded.of(codec.decode(record.value));
        } catch (MalformedEventException e) {
            return Decoded.failed(record, e.getMessage());
        }
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeInformation<Decoded<T>> getProducedType() {
        // Chained to the next operator with object reuse, so this is never serialized in practice.
        return (TypeInformation) new GenericTypeInfo<>(Decoded.class);
    }
}
