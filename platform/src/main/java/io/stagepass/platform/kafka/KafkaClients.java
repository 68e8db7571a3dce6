package io.stagepass.platform.kafka;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;

/** Client settings every Stagepass service shares, so that durability rules live in one place. */
public final class KafkaClients {
    private KafkaClients() {}

    /**
     * A producer that never acknowledges data the cluster could lose: acks from all in-sync replicas, idempotence
     * (a retried send is not written twice, and per-partition order holds), unbounded retries inside the
     * delivery timeout. Keys are strings, values are the contract's single-object encoded bytes.
     */
    public static Properties durableProducer(KafkaSettings kafka, String clientId) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // Fail a send after 30 s instead of the default 2 min: callers answer 503 and the sender retries.
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // send() blocks while it has no metadata for the topic (the broker is away): not for the default minute,
        // an HTTP request thread waits on it. Beyond 5 s the send fails and the caller answers 503.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        // Small batches still fill under load; 5 ms adds little latency.
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /**
     * A consumer that only sees committed records (exactly-once outputs of the pipeline are transactional) and
     * commits its own offsets explicitly after processing.
     */
    public static Properties committedReader(KafkaSettings kafka, String groupId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        if (groupId != null) {
            props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        }
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * A read_committed consumer in no group, for a reader that assigns itself partitions and seeks where it wants (a
     * view rebuilt from a compacted topic, a tool looking at a topic): it never commits and never rebalances.
     */
    public static KafkaConsumer<String, byte[]> assignedReader(KafkaSettings kafka) {
        Properties props = committedReader(kafka, null);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return new KafkaConsumer<>(props);
    }

    /** Every partition of a topic, as the cluster has it now. */
    public static List<TopicPartition> partitions(Consumer<?, ?> consumer, Topic topic) {
        return consumer.partitionsFor(topic.topicName()).stream()
                .map(info -> new TopicPartition(info.topic(), info.partition()))
                .toList();
    }

    /**
     * The partition of {@code topic} that holds records with this key, as every Kafka producer places them (murmur2 of
     * the key bytes): a reader of one entity's facts reads one partition, not the topic.
     */
    public static TopicPartition partitionOf(Consumer<?, ?> consumer, Topic topic, String key) {
        return new TopicPartition(
                topic.topicName(),
                partitionOf(key, consumer.partitionsFor(topic.topicName()).size()));
    }

    /** The partition number of a key among {@code partitions}, as every Kafka producer places it. */
    public static int partitionOf(String key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** Whether the (assigned) consumer's position in each partition is at or past the offset given for it. */
    public static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    public static Admin admin(KafkaSettings kafka) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return Admin.create(props);
    }

    /**
     * Creates every declared topic that does not exist yet and returns the ones it created. Existing topics are
     * left as they are (their data and settings are kept across restarts).
     */
    public static List<Topic> createMissingTopics(Admin admin, short replicationFactor)
            throws InterruptedException, ExecutionException, TimeoutException {
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<Topic> missing = Arrays.stream(Topic.values())
                .filter(topic -> !existing.contains(topic.topicName()))
                .toList();
        if (!missing.isEmpty()) {
            List<NewTopic> requests = missing.stream()
                    .map(topic -> topic.newTopic(replicationFactor))
                    .collect(Collectors.toList());
            admin.createTopics(requests).all().get(30, TimeUnit.SECONDS);
        }
        return missing;
    }
}
