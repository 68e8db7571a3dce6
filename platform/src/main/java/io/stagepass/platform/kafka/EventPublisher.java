package io.stagepass.platform.kafka;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes contract events to their topics with the durable producer settings. The returned future completes
 * when every in-sync replica has the record: only then may a caller acknowledge anything to its client.
 */
public final class EventPublisher implements AutoCloseable {
    private static final java.time.Duration CLOSE_TIMEOUT = java.time.Duration.ofSeconds(10);
    private final KafkaProducer<String, byte[]> producer;
    private final Map<Class<?>, EventCodec<?>> codecs = new ConcurrentHashMap<>();

    public EventPublisher(KafkaSettings kafka, String clientId) {
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka, clientId));
    }

    public <T extends SpecificRecord> CompletableFuture<RecordMetadata> publish(Topic topic, String key, T event) {
        if (!topic.valueType().isInstance(event)) {
            throw new IllegalArgumentException(topic.topicName() + " carries " + topic.valueType().getSimpleName()
                    + ", not " + event.getClass().getSimpleName());
        }
        byte[] value = codec(event).encode(event);
        CompletableFuture<RecordMetadata> result = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic.topicName(), key, value), (metadata, error) -> {
            if (error != null) {
                result.completeExceptionally(error);
            } else {
                result.complete(metadata);
            }
        });
        return result;
    }

    @SuppressWarnings("unchecked")
    private <T extends SpecificRecord> EventCodec<T> codec(T event) {
        return (EventCodec<T>) codecs.computeIfAbsent(event.getClass(), type -> EventCodec.of((Class<T>) type));
    }

    public void flush() {
        producer.flush();
    }

    /** Waits a bounded time for records in flight; a broker that is away must not hang a shutdown. */
    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }
}
