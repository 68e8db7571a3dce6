package io.stagepass.jobs.worker;

import io.stagepass.events.DeadLetter;
import io.stagepass.events.DeadLetters;
import io.stagepass.events.EventCodec;
import io.stagepass.events.MalformedEventException;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one topic as a member of a consumer group, so that work scales by adding processes. Each record is
 * decoded with the contract and handed to the handler; a record that cannot be decoded goes to the dead-letter
 * topic with the reason and its original bytes, and the worker goes on. Offsets are committed only after the
 * records of a poll were handled (at-least-once: handlers are idempotent).
 */
public final class TopicWorker<T extends SpecificRecord> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicWorker.class);
    private static final Duration POLL = Duration.ofMillis(500);

    /** What a worker does with one event. Throwing stops the worker without committing, so nothing is lost. */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(String key, T event) throws Exception;
    }

    private final Topic topic;
    private final EventCodec<T> codec;
    private final Handler<T> handler;
    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> deadLetters;
    private final EventCodec<DeadLetter> deadLetterCodec = EventCodec.of(DeadLetter.class);
    private final AtomicLong deadLettered = new AtomicLong();
    private final Thread thread;
    private volatile Exception failure;
    private volatile boolean running = true;

    @SuppressWarnings("unchecked")
    public TopicWorker(KafkaSettings kafka, String groupId, Topic topic, Handler<T> handler) {
        this.topic = topic;
        this.codec = EventCodec.of((Class<T>) topic.valueType());
        this.handler = handler;
        this.consumer = new KafkaConsumer<>(KafkaClients.committedReader(kafka, groupId));
        this.deadLetters = new KafkaProducer<>(KafkaClients.durableProducer(kafka, groupId + "-deadletters"));
        this.thread = new Thread(this::run, groupId + "-" + topic.topicName());
    }

    public TopicWorker<T> start() {
        consumer.subscribe(List.of(topic.topicName()));
        thread.start();
        return this;
    }

    public long deadLetteredCount() {
        return deadLettered.get();
    }

    private void run() {
        try {
            // close() clears the flag and the loop ends after the current poll (at most POLL) and its commit: waking
            // the consumer instead could interrupt commitSync, and the handled records would be delivered again.
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    process(record);
                }
                consumer.commitSync();
            }
        } catch (Exception e) {
            failure = e;
            LOG.error("worker on {} stopped; uncommitted records will be redelivered", topic.topicName(), e);
        } finally {
            consumer.close();
        }
    }

    private void process(ConsumerRecord<String, byte[]> record) throws Exception {
        T event;
        try {
            event = codec.decode(record.value());
        } catch (MalformedEventException e) {
            deadLetter(record, e.getMessage());
            return;
        }
        handler.handle(record.key(), event);
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason) throws Exception {
        DeadLetter letter = DeadLetters.unreadable(record.topic(), record.partition(), record.offset(), record.key(),
                record.value(), thread.getName(), reason);
        // Wait for the dead letter to be durable before the offset of the poison record can be committed.
        deadLetters.send(new ProducerRecord<>(Topic.DEAD_LETTERS.topicName(), record.key(),
                deadLetterCodec.encode(letter))).get();
        deadLettered.incrementAndGet();
        LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    }

    /** The error that stopped the worker, if one did. */
    public Exception failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(30).toMillis());
        deadLetters.close();
    }
}
