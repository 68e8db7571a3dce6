package io.stagepass.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.kafka.TopicReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaIT {
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dataDir;

    @Test
    void createsEveryDeclaredTopicWithItsSettings() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
                Admin admin = KafkaClients.admin(kafka.settings())) {
            assertThat(kafka.createdTopics()).containsExactlyInAnyOrder(Topic.values());
            List<String> names =
                    Arrays.stream(Topic.values()).map(Topic::topicName).toList();
            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(names).allTopicNames().get(30, TimeUnit.SECONDS);
            Map<ConfigResource, Config> configs = admin.describeConfigs(names.stream()
                            .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);

            for (Topic topic : Topic.values()) {
                assertThat(descriptions.get(topic.topicName()).partitions())
                        .as(topic.topicName())
                        .hasSize(topic.partitions());
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic.topicName()));
                topic.configs()
                        .forEach((key, value) -> assertThat(config.get(key).value())
                                .as(topic.topicName() + " " + key)
                                .isEqualTo(value));
            }
        }
    }

    @Test
    void keepsTopicsAndRecordsAcrossARestartOnTheSameDirectory() throws Exception {
        PaymentFact payment = SampleEvents.payment("live_1", "cs_1").build();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
                EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
            publisher.publish(Topic.PAYMENTS, "live_1", payment).get(30, TimeUnit.SECONDS);
            assertThat(readAll(kafka, Topic.PAYMENTS)).containsExactly(payment);
        }

        try (EmbeddedKafka restarted = EmbeddedKafka.start(dataDir, 0)) {
            assertThat(restarted.createdTopics()).as("topics already existed").isEmpty();
            assertThat(readAll(restarted, Topic.PAYMENTS)).containsExactly(payment);
        }
    }

    @Test
    void stopsAndFreesItsPort() throws Exception {
        int port;
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0)) {
            port = kafka.port();
            assertThat(Ports.inUse(port)).isTrue();
        }
        assertThat(Ports.inUse(port)).isFalse();
    }

    private static List<PaymentFact> readAll(EmbeddedKafka kafka, Topic topic) {
        EventCodec<PaymentFact> codec = EventCodec.of(PaymentFact.class);
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            return reader.readFrom(topic, Map.of(), READ_TIMEOUT).stream()
                    .map(ConsumerRecord::value)
                    .map(codec::decode)
                    .toList();
        }
    }
}
