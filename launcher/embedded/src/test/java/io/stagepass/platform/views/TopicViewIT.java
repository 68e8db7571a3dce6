package io.stagepass.platform.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link TopicView} and {@link LatestValues} on a real broker: catch-up, tombstones, read-your-writes, a reload after
 * an error. It lives beside the embedded broker because platform cannot depend on it (the broker depends on platform).
 * Each test uses its own live ids: they share the broker's topics.
 */
class TopicViewIT {
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Duration READ_YOUR_WRITE = Duration.ofSeconds(5);
    private static final EventCodec<Live> LIVES = EventCodec.of(Live.class);

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static KafkaProducer<String, byte[]> producer;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = EmbeddedKafka.start(dir, 0);
        producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "topic-view-it"));
    }

    @AfterAll
    static void stopKafka() {
        producer.close();
        kafka.close();
    }

    private static RecordMetadata send(String key, byte[] value) throws Exception {
        return producer.send(new ProducerRecord<>(Topic.LIVES.topicName(), key, value))
                .get(30, TimeUnit.SECONDS);
    }

    private static RecordMetadata live(String liveId, String streamKeyHash) throws Exception {
        return send(
                liveId,
                LIVES.encode(SampleEvents.live(liveId, "creator_1")
                        .setStreamKeySha256(streamKeyHash)
                        .build()));
    }

    @Test
    void catchesUpThenFollowsWithTombstonesAndReadYourWrites() throws Exception {
        live("live_a1", "a1".repeat(32));
        live("live_a2", "a2".repeat(32));
        send("live_a2", null);
        send("live_a3", new byte[] {1, 2, 3}); // unreadable: skipped, and the view still catches up
        LatestByKey<Live> lives = new LatestByKey<>("lives", Topic.LIVES);
        KeyHashIndex<Live> streamKeys = new KeyHashIndex<>("stream keys", Topic.LIVES, Live::getStreamKeySha256);
        List<String> heard = new CopyOnWriteArrayList<>();
        try (TopicView view = new TopicView(kafka.settings(), "topic-view-it", List.of(lives, streamKeys))) {
            view.listen((projection, id) -> heard.add(projection.name() + ":" + id));
            assertThat(view.start().awaitReady(DEADLINE)).isTrue();

            // Ready means applied: no waiting for what the topic held at start.
            assertThat(lives.get("live_a1")).isPresent();
            assertThat(streamKeys.byKeyHash("a1".repeat(32))).isPresent();
            assertThat(lives.get("live_a2"))
                    .as("deleted before the view started")
                    .isEmpty();
            assertThat(streamKeys.byKeyHash("a2".repeat(32))).isEmpty();
            assertThat(lives.get("live_a3")).isEmpty();
            assertThat(heard).as("nobody hears the load").isEmpty();

            RecordMetadata written = live("live_a4", "a4".repeat(32));
            assertThat(view.awaitApplied(written, READ_YOUR_WRITE)).isTrue();
            assertThat(lives.get("live_a4")).isPresent();
            assertThat(streamKeys.byKeyHash("a4".repeat(32))).isPresent();

            RecordMetadata deleted = send("live_a1", null);
            assertThat(view.awaitApplied(deleted, READ_YOUR_WRITE)).isTrue();
            assertThat(lives.get("live_a1")).isEmpty();
            assertThat(streamKeys.byId("live_a1")).isEmpty();
            assertThat(streamKeys.byKeyHash("a1".repeat(32))).isEmpty();
            assertThat(heard)
                    .containsSubsequence("lives:live_a4", "stream keys:live_a4")
                    .containsSubsequence("lives:live_a1", "stream keys:live_a1");

            Await.expect("the lag measured as nothing left", DEADLINE, () -> view.lag() == 0);
        }
        assertThat(Thread.getAllStackTraces().keySet())
                .as("the view's thread has stopped")
                .noneMatch(thread -> thread.getName().equals("topic-view-it"));
    }

    @Test
    void reloadsAfterAnErrorAndConvergesOnWhatTheTopicHolds() throws Exception {
        live("live_b1", "b1".repeat(32));
        live("live_b2", "b2".repeat(32));
        live("live_b3", "b3".repeat(32));
        LatestByKey<Live> lives = new LatestByKey<>("lives", Topic.LIVES);
        FailsOnce failsOnce = new FailsOnce("live_b2", lives);
        try (TopicView view = new TopicView(kafka.settings(), "topic-view-reload-it", List.of(failsOnce))) {
            assertThat(view.start().awaitReady(DEADLINE)).isTrue();

            assertThat(failsOnce.failures.get())
                    .as("the injected failure happened")
                    .isEqualTo(1);
            assertThat(lives.get("live_b1")).isPresent();
            assertThat(lives.get("live_b2")).isPresent();
            assertThat(lives.get("live_b3")).isPresent();
            RecordMetadata written = live("live_b4", "b4".repeat(32));
            assertThat(view.awaitApplied(written, READ_YOUR_WRITE)).isTrue();
            assertThat(lives.get("live_b4")).isPresent();
        }
    }

    @Test
    void aOneShotReadGivesTheLatestValuePerKeyAsAViewDoes() throws Exception {
        live("live_c1", "c1".repeat(32));
        live("live_c1", "c9".repeat(32));
        live("live_c2", "c2".repeat(32));
        send("live_c2", null);
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(kafka.settings())) {
            var all = LatestValues.read(consumer, Topic.LIVES, Live.class, DEADLINE);
            assertThat(all.get("live_c1").getStreamKeySha256()).isEqualTo("c9".repeat(32));
            assertThat(all).doesNotContainKey("live_c2");

            Optional<Live> one = LatestValues.read(consumer, Topic.LIVES, "live_c1", Live.class, DEADLINE);
            assertThat(one)
                    .hasValueSatisfying(
                            live -> assertThat(live.getStreamKeySha256()).isEqualTo("c9".repeat(32)));
            assertThat(LatestValues.read(consumer, Topic.LIVES, "live_c2", Live.class, DEADLINE))
                    .as("deleted")
                    .isEmpty();
            assertThat(consumer.assignment()).as("left unassigned").isEmpty();
        }
    }

    /** Throws the first time it sees one key, as a transient error would; then applies as {@code inner} does. */
    private static final class FailsOnce implements Projection<Live> {
        final String key;
        final LatestByKey<Live> inner;
        final AtomicInteger failures = new AtomicInteger();

        FailsOnce(String key, LatestByKey<Live> inner) {
            this.key = key;
            this.inner = inner;
        }

        @Override
        public Optional<String> put(String key, Live value) {
            if (key.equals(this.key) && failures.compareAndSet(0, 1)) {
                throw new IllegalStateException("injected failure on " + key);
            }
            return inner.put(key, value);
        }

        @Override
        public Optional<String> remove(String key) {
            return inner.remove(key);
        }

        @Override
        public String name() {
            return "fails once";
        }

        @Override
        public Topic topic() {
            return Topic.LIVES;
        }

        @Override
        public int size() {
            return inner.size();
        }
    }
}
