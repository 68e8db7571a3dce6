package io.stagepass.pipeline.kafka;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Writes contract events to their topic: key from the given function, value single-object encoded. */
public final class EventSerializer<T extends SpecificRecord> implements KafkaRecordSerializationSchema<T> {
    private final Class<T> type;
    private final String topicName;
    private final SerializableFunction<T, String> key;
    private transient EventCodec<T> codec;

    public EventSerializer(Topic topic, Class<T> type, SerializableFunction<T, String> key) {
        if (!topic.valueType().equals(type)) {
            throw new IllegalArgumentException(topic.topicName() + " carries "
                    + topic.valueType().getSimpleName() + ", not " + type.getSimpleName());
        }
        this.type = type;
        this.topicName = topic.topicName();
        this.key = key;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(T event, KafkaSinkContext context, Long timestamp) {
        if (codec == null) {
            codec = EventCodec.of(type);
        }
        return new ProducerRecord<>(
                topicName, null, null, key.apply(event).getBytes(StandardCharsets.UTF_8), codec.encode(event));
    }
}
