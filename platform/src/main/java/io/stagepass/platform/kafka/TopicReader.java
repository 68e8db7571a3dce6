package io.stagepass.platform.kafka;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads a topic's committed records between two points without joining a consumer group: what tools, the demo
 * and tests use to look at a topic. {@link #endOffsets} marks a point; {@link #readFrom} reads from it to the
 * current end.
 */
public final class TopicReader implements AutoCloseable {
    private final KafkaConsumer<String, byte[]> consumer;

    public TopicReader(KafkaSettings kafka) {
        this.consumer = KafkaClients.assignedReader(kafka);
    }

    /** The current end of every partition of the topic (for read_committed: the last stable offset). */
    public Map<TopicPartition, Long> endOffsets(Topic topic) {
        return consumer.endOffsets(partitions(topic));
    }

    /** Every committed record from {@code start} (empty map = the beginning) up to the topic's current end. */
    public List<ConsumerRecord<String, byte[]>> readFrom(
            Topic topic, Map<TopicPartition, Long> start, Duration timeout) {
        List<TopicPartition> partitions = partitions(topic);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        consumer.assign(partitions);
        for (TopicPartition partition : partitions) {
            consumer.seek(partition, start.getOrDefault(partition, 0L));
        }
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!KafkaClients.reached(consumer, end) && System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                records.add(record);
            }
        }
        consumer.unsubscribe();
        return records;
    }

    private List<TopicPartition> partitions(Topic topic) {
        return KafkaClients.partitions(consumer, topic);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
