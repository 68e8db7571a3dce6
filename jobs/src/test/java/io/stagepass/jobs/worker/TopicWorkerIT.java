package io.stagepass.jobs.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.DeadLetter;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopicWorkerIT {
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final byte[] POISON = "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dataDir;

    @Test
    void handlesValidEventsAndDeadLettersPoisonWithoutStopping() throws Exception {
        Live before = SampleEvents.live("live_1", "creator_1").build();
        Live after = SampleEvents.live("live_2", "creator_1").build();
        List<Live> handled = new CopyOnWriteArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
                EventPublisher publisher = new EventPublisher(kafka.settings(), "test");
                KafkaProducer<String, byte[]> raw =
                        new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "raw"));
                TopicWorker<Live> worker = new TopicWorker<Live>(
                                kafka.settings(), "test-workers", Topic.LIVES, (key, live) -> handled.add(live))
                        .start()) {
            // Same key, so the three records share a partition and keep their order.
            publisher.publish(Topic.LIVES, "live_1", before).get(30, TimeUnit.SECONDS);
            raw.send(new ProducerRecord<>(Topic.LIVES.topicName(), "live_1", POISON))
                    .get(30, TimeUnit.SECONDS);
            publisher.publish(Topic.LIVES, "live_1", after).get(30, TimeUnit.SECONDS);

            Await.expect(
                    "two events handled, one dead-lettered",
                    DEADLINE,
                    () -> handled.size() == 2 && worker.deadLetteredCount() == 1);
            assertThat(handled).containsExactly(before, after);
            assertThat(worker.failure()).isNull();

            try (TopicReader reader = new TopicReader(kafka.settings())) {
                List<ConsumerRecord<String, byte[]>> letters = reader.readFrom(Topic.DEAD_LETTERS, Map.of(), DEADLINE);
                assertThat(letters).hasSize(1);
                DeadLetter letter =
                        EventCodec.of(DeadLetter.class).decode(letters.get(0).value());
                assertThat(letter.getSourceTopic()).isEqualTo(Topic.LIVES.topicName());
                assertThat(letter.getReason()).contains("not Avro single-object encoded");
                assertThat(letter.getOriginalValue().array()).isEqualTo(POISON);
                assertThat(StandardCharsets.UTF_8
                                .decode(letter.getOriginalKey())
                                .toString())
                        .isEqualTo("live_1");
            }
        }
    }

    @Test
    void aSecondWorkerOfTheGroupResumesAfterCommittedOffsets() throws Exception {
        Live first = SampleEvents.live("live_1", "creator_1").build();
        Live second = SampleEvents.live("live_1", "creator_1")
                .setTitle("Evening flow")
                .build();
        List<Live> handledByFirst = new CopyOnWriteArrayList<>();
        List<Live> handledBySecond = new CopyOnWriteArrayList<>();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir, 0);
                EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
            publisher.publish(Topic.LIVES, "live_1", first).get(30, TimeUnit.SECONDS);
            try (TopicWorker<Live> worker = new TopicWorker<Live>(
                            kafka.settings(), "resume", Topic.LIVES, (key, live) -> handledByFirst.add(live))
                    .start()) {
                Await.expect("the first worker handled the first event", DEADLINE, () -> handledByFirst.size() == 1);
            }
            publisher.publish(Topic.LIVES, "live_1", second).get(30, TimeUnit.SECONDS);
            try (TopicWorker<Live> worker = new TopicWorker<Live>(
                            kafka.settings(), "resume", Topic.LIVES, (key, live) -> handledBySecond.add(live))
                    .start()) {
                Await.expect("the second worker handled an event", DEADLINE, () -> handledBySecond.size() >= 1);
            }
        }
        assertThat(handledBySecond).containsExactly(second);
    }
}
