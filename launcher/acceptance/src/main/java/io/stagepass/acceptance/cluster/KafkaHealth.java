package io.stagepass.acceptance.cluster;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/** The Kafka cluster as its admin API tells it: replicas in sync, and which consumer of a group owns what. */
final class KafkaHealth implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;

    KafkaHealth(KafkaSettings kafka) {
        this.admin = KafkaClients.admin(kafka);
    }

    /** Partitions of Stagepass's topics with a replica out of sync (zero once a restarted broker caught up). */
    int underReplicatedPartitions() throws Exception {
        List<String> topics =
                Arrays.stream(Topic.values()).map(Topic::topicName).toList();
        int behind = 0;
        for (TopicDescription topic : admin.describeTopics(topics)
                .allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .values()) {
            behind += (int) topic.partitions().stream()
                    .filter(p -> p.isr().size() < p.replicas().size())
                    .count();
        }
        return behind;
    }

    /** The client id of the group's member that owns the partition of {@code topic} holding {@code key}, if any. */
    Optional<String> ownerOf(String groupId, Topic topic, String key) throws Exception {
        int partitions = admin.describeTopics(List.of(topic.topicName()))
                .allTopicNames()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(topic.topicName())
                .partitions()
                .size();
        TopicPartition partition = new TopicPartition(topic.topicName(), KafkaClients.partitionOf(key, partitions));
        ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId))
                .describedGroups()
                .get(groupId)
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        return group.members().stream()
                .filter(member -> member.assignment().topicPartitions().contains(partition))
                .map(MemberDescription::clientId)
                .findFirst();
    }

    @Override
    public void close() {
        admin.close();
    }
}
