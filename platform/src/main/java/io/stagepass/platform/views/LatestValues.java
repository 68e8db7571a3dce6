package io.stagepass.platform.views;

import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A compacted topic read once, from its beginning to its end as it is now: the latest value per key, decoded and with
 * tombstones applied by the rule every view follows ({@link Projections}). For tools and on-demand readers (the CLI,
 * the jobs worker); a service that keeps the state follows the topic with a {@link TopicView} instead. The consumer is
 * the caller's ({@link KafkaClients#assignedReader}); it is left unassigned.
 */
public final class LatestValues {
    private static final Duration POLL = Duration.ofMillis(200);

    private LatestValues() {}

    /** Every key's latest value, sorted by key. */
    public static <T extends SpecificRecord> Map<String, T> read(
            Consumer<String, byte[]> consumer, Topic topic, Class<T> type, Duration timeout) {
        LatestByKey<T> latest = latest(topic, type);
        readToEnd(consumer, KafkaClients.partitions(consumer, topic), timeout, record -> true, latest);
        return latest.toMap();
    }

    /** The latest value of one key, read from the one partition that holds it; empty when it has none, or was deleted. */
    public static <T extends SpecificRecord> Optional<T> read(
            Consumer<String, byte[]> consumer, Topic topic, String key, Class<T> type, Duration timeout) {
        LatestByKey<T> latest = latest(topic, type);
        TopicPartition partition = KafkaClients.partitionOf(consumer, topic, key);
        readToEnd(consumer, List.of(partition), timeout, record -> key.equals(record.key()), latest);
        return latest.get(key);
    }

    private static <T extends SpecificRecord> LatestByKey<T> latest(Topic topic, Class<T> type) {
        if (topic.valueType() != type) {
            throw new IllegalArgumentException(topic.topicName() + " carries "
                    + topic.valueType().getSimpleName() + ", not " + type.getSimpleName());
        }
        return new LatestByKey<>("latest", topic);
    }

    private static void readToEnd(
            Consumer<String, byte[]> consumer,
            List<TopicPartition> partitions,
            Duration timeout,
            Predicate<ConsumerRecord<String, byte[]>> wanted,
            Projection<?> latest) {
        Projections rule = new Projections(List.of(latest));
        ChangeListener nobody = (projection, id) -> {};
        consumer.assign(partitions);
        try {
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!KafkaClients.reached(consumer, end)) {
                if (System.nanoTime() - deadline > 0) {
                    throw new IllegalStateException("could not read "
                            + partitions.get(0).topic() + " to its end within " + timeout.toSeconds() + " s");
                }
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    if (wanted.test(record)) {
                        rule.apply(record, nobody);
                    }
                }
            }
        } finally {
            consumer.unsubscribe();
        }
    }
}
