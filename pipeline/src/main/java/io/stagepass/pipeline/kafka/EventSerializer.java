package io.stagepass.pipeline.kafka;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.DefaultKafkaDatasetIdentifier;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacet;
import org.apache.flink.connector.kafka.lineage.KafkaDatasetFacetProvider;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes contract events to their topic: key from the given function, value single-object encoded. It names its one
 * topic to the sink (a dataset facet), which the sink's pooled transactional ids need to find what to abort.
 */
public final class EventSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T>, KafkaDatasetFacetProvider {
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
    public Optional<KafkaDatasetFacet> getKafkaDatasetFacet() {
        return Optional.of(new DefaultKafkaDatasetFacet(DefaultKafkaDatasetIdentifier.ofTopics(List.of(topicName))));
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
