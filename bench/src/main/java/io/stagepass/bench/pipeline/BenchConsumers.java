package io.stagepass.bench.pipeline;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The bench's own consumers: read_committed, in no group, bytes in and out. Their client ids start with
 * {@code bench-}, which keeps them out of the jobs' consumer metrics.
 */
final class BenchConsumers {
    private BenchConsumers() {}

    static KafkaConsumer<byte[], byte[]> plainReader(KafkaSettings kafka, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    /** Every partition of these topics, topic by topic. */
    static List<TopicPartition> partitions(Consumer<?, ?> consumer, List<Topic> topics) {
        return topics.stream()
                .flatMap(topic -> KafkaClients.partitions(consumer, topic).stream())
                .toList();
    }

    /** The end offsets of the jobs' input topics. */
    static Map<TopicPartition, Long> endOffsets(KafkaSettings kafka) {
        try (KafkaConsumer<byte[], byte[]> consumer = plainReader(kafka, "bench-offsets")) {
            return consumer.endOffsets(partitions(consumer, BenchJobs.INPUTS));
        }
    }
}
