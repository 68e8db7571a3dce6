package io.stagepass.jobs.worker;

import io.stagepass.events.DeadLetter;
import io.stagepass.events.DeadLetters;
import io.stagepass.events.EventCodec;
import io.stagepass.events.MalformedEventException;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one topic as a member of a consumer group, so that work scales by adding processes. Each record is
 * decoded with the contract and handed to the handler; a record that cannot be decoded goes to the dead-letter
 * topic with the reason and its original bytes, and the worker goes on. Offsets are committed only after the
 * records were handled (at-least-once: handlers are idempotent); a record whose handler fails is retried, so one
 * failing event delays its partition instead of stopping the worker.
 */
public final class TopicWorker<T extends SpecificRecord> implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicWorker.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    /** A handler may work for minutes (a replay of a long live): the group must not think the worker is gone. */
    private static final int MAX_POLL_INTERVAL_MS = 30 * 60 * 1000;

    /**
     * What a worker does with one event. Throwing leaves it uncommitted: it is handled again after a backoff (1 s
     * doubling to 30 s), with the rest of its partition waiting behind it, so nothing is lost and order holds.
     */
    @FunctionalInterface
    public interface Handler<T> {
        void handle(String key, T event) throws Exception;
    }

    private final Topic topic;
    private final EventCodec<T> codec;
    private final Handler<T> handler;
    private static final AtomicInteger WORKERS = new AtomicInteger();
    private static final Pattern CLIENT_PID = Pattern.compile("-pid(\\d+)-\\d+$");

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
        Properties props = KafkaClients.committedReader(kafka, groupId);
        props.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, MAX_POLL_INTERVAL_MS);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        // A worker that dies (kill -9, a lost machine) hands its lives to the others after 10 s, not the default 45 s.
        props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 10_000);
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 3_000);
        // Which process owns which lives, as kafka-consumer-groups --describe shows it: the pid is in the client id.
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId(groupId, topic));
        this.consumer = new KafkaConsumer<>(props);
        this.deadLetters = new KafkaProducer<>(KafkaClients.durableProducer(kafka, groupId + "-deadletters"));
        this.thread = new Thread(this::run, groupId + "-" + topic.topicName());
    }

    /** {@code GROUP-TOPIC-pidPID-N}: unique in the process (N counts its workers), the process found by its pid. */
    static String clientId(String groupId, Topic topic) {
        return groupId + "-" + topic.topicName() + "-pid"
                + ProcessHandle.current().pid() + "-" + WORKERS.incrementAndGet();
    }

    /** The pid of the process whose worker has this client id, if it is one of ours. */
    public static OptionalLong pidOf(String clientId) {
        Matcher pid = CLIENT_PID.matcher(clientId);
        return pid.find() ? OptionalLong.of(Long.parseLong(pid.group(1))) : OptionalLong.empty();
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
        Duration backoff = MIN_BACKOFF;
        try {
            // close() clears the flag and the loop ends after the current poll (at most POLL) and its commit: waking
            // the consumer instead could interrupt commitSync, and the handled records would be delivered again.
            while (running) {
                ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
                Map<TopicPartition, OffsetAndMetadata> handled = new HashMap<>();
                ConsumerRecord<String, byte[]> failed = null;
                for (ConsumerRecord<String, byte[]> record : records) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    try {
                        process(record);
                        handled.put(partition, new OffsetAndMetadata(record.offset() + 1));
                    } catch (Exception e) {
                        failure = e;
                        failed = record;
                        LOG.warn(
                                "handling {}-{}@{} failed, retrying it in {} ms: {}",
                                record.topic(),
                                record.partition(),
                                record.offset(),
                                backoff.toMillis(),
                                e.toString());
                        break;
                    }
                }
                if (!handled.isEmpty()) {
                    consumer.commitSync(handled);
                }
                if (failed != null) {
                    rewind(records, handled);
                    Thread.sleep(backoff.toMillis());
                    backoff =
                            backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                } else if (!records.isEmpty()) {
                    backoff = MIN_BACKOFF;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() gave up waiting; uncommitted records are redelivered
        } catch (Exception e) {
            failure = e;
            LOG.error("worker on {} stopped; uncommitted records will be redelivered", topic.topicName(), e);
        } finally {
            consumer.close();
        }
    }

    /** After a failure: every partition of the batch goes back to its first record not handled, to be polled again. */
    private void rewind(ConsumerRecords<String, byte[]> records, Map<TopicPartition, OffsetAndMetadata> handled) {
        for (TopicPartition partition : records.partitions()) {
            OffsetAndMetadata done = handled.get(partition);
            long first = records.records(partition).get(0).offset();
            consumer.seek(partition, done != null ? done.offset() : first);
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
        DeadLetter letter = DeadLetters.unreadable(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key(),
                record.value(),
                thread.getName(),
                reason);
        // Wait for the dead letter to be durable before the offset of the poison record can be committed.
        deadLetters
                .send(new ProducerRecord<>(
                        Topic.DEAD_LETTERS.topicName(), record.key(), deadLetterCodec.encode(letter)))
                .get();
        deadLettered.incrementAndGet();
        LOG.warn("dead-lettered {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason);
    }

    /** The last error of a handler (retried) or of the worker itself (stopped), if there was one. */
    public Exception failure() {
        return failure;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(Duration.ofSeconds(30).toMillis());
        if (thread.isAlive()) {
            thread.interrupt(); // a handler still at work: its record stays uncommitted and is redelivered
            thread.join(Duration.ofSeconds(10).toMillis());
        }
        deadLetters.close();
    }
}
