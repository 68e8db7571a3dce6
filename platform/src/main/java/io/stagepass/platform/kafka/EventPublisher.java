package io.stagepass.platform.kafka;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes contract events to their topics with the durable producer settings. The returned future completes
 * when every in-sync replica has the record: only then may a caller acknowledge anything to its client.
 */
public final class EventPublisher implements AutoCloseable {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private final KafkaProducer<String, byte[]> producer;
    private final Map<Class<?>, EventCodec<?>> codecs = new ConcurrentHashMap<>();

    public EventPublisher(KafkaSettings kafka, String clientId) {
        this.producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka, clientId));
    }

    public <T extends SpecificRecord> CompletableFuture<RecordMetadata> publish(Topic topic, String key, T event) {
        if (!topic.valueType().isInstance(event)) {
            throw new IllegalArgumentException(
                    topic.topicName() + " carries " + topic.valueType().getSimpleName() + ", not "
                            + event.getClass().getSimpleName());
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

    /**
     * Publishes {@code events} and returns once every in-sync replica has all of them: "publish, wait for the ack,
     * else refuse". When an ack fails, or {@code timeout} passes, it stops sending (a broker that is away would make
     * each further send wait for metadata) and throws {@link NotDurableException}.
     */
    public <T extends SpecificRecord> void publishAll(
            Topic topic, List<T> events, Function<T, String> key, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(events.size());
            for (T event : events) {
                CompletableFuture<RecordMetadata> ack = publish(topic, key.apply(event), event);
                acks.add(ack);
                if (ack.isCompletedExceptionally() || System.nanoTime() - deadline > 0) {
                    ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                }
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new))
                    .get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotDurableException("interrupted while waiting for Kafka's acknowledgement", e);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new NotDurableException(
                    events.size() + " record(s) for " + topic.topicName() + " not acknowledged by Kafka within "
                            + timeout.toMillis() + " ms: " + cause,
                    cause);
        }
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
