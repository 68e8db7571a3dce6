package io.stagepass.pipeline.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.pipeline.testing.FailOnce;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on Flink's real runtime (MiniCluster, parallelism 2) against a real broker: every record is counted
 * exactly once, by a read_committed reader, even when the job fails mid-stream and restarts from a checkpoint.
 */
class TopicActivityJobIT {
    private static final Duration WINDOW = Duration.ofSeconds(1);
    private static final Duration CHECKPOINT_INTERVAL = Duration.ofMillis(500);
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    /** A record of exactly this many bytes (key + value) makes the job fail, once. */
    private static final int POISON_SIZE = 4242;

    private static final String POISONED = "topic-activity-poison";

    @TempDir
    Path dataDir;

    @Test
    void countsEveryRecordExactlyOnceAcrossAFailureAndRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
                EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "test"))) {
            PipelineConfig config = new PipelineConfig(kafka.settings(), CHECKPOINT_INTERVAL, 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            PipelineJobs.configure(env, config);
            TopicActivityJob.attach(
                    env.fromSource(TopicActivityJob.source(config), WatermarkStrategy.noWatermarks(), "all topics")
                            .map(FailOnce.<RecordStat>on(POISONED, stat -> stat.bytes == POISON_SIZE)),
                    WINDOW,
                    TopicActivityJob.sink(config));
            JobID job = flink.submit(env.getStreamGraph());

            produce(producer, Topic.BEACONS, 200, 10);
            produce(producer, Topic.PAYMENTS, 30, 20);
            assertThat(awaitCounts(kafka, Map.of(Topic.BEACONS.topicName(), 200L, Topic.PAYMENTS.topicName(), 30L)))
                    .as("first half, committed before the failure")
                    .containsEntry(Topic.BEACONS.topicName() + " bytes", 200L * 10)
                    .containsEntry(Topic.PAYMENTS.topicName() + " bytes", 30L * 20);

            produce(producer, Topic.LIVES, 1, POISON_SIZE);
            produce(producer, Topic.BEACONS, 100, 10);
            Map<String, Long> expected = Map.of(
                    Topic.BEACONS.topicName(), 300L, Topic.PAYMENTS.topicName(), 30L, Topic.LIVES.topicName(), 1L);
            awaitCounts(kafka, expected);
            assertThat(FailOnce.happened(POISONED))
                    .as("the injected failure happened")
                    .isTrue();

            // A replay after the restart came before this marker: once the marker is counted, so would a duplicate be.
            Map<String, Long> counts = afterMarker(kafka, producer, expected);
            expected.forEach((topic, records) -> assertThat(counts).containsEntry(topic, records));
            assertThat(counts).containsEntry(Topic.LIVES.topicName() + " bytes", (long) POISON_SIZE);
            assertThat(flink.cluster().getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
        }
    }

    @Test
    void resumesFromItsLastCheckpointWhenTheClusterIsStoppedAndStartedAgain() throws Exception {
        Duration longWindow = Duration.ofSeconds(20);
        // Windows that start about now, so the one holding the records is still open when the cluster stops.
        Duration offset = Duration.ofMillis((System.currentTimeMillis() - 1000) % longWindow.toMillis());
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
                KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "test"))) {
            PipelineConfig config = new PipelineConfig(kafka.settings(), CHECKPOINT_INTERVAL, 2);
            try (EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
                JobID job = flink.submitResumable(graph(config, longWindow, offset), "resume-test");
                produce(producer, Topic.BEACONS, 100, 10);
                // Read and checkpointed, but their window is still open when the cluster stops.
                long before = completedCheckpoints(flink, job);
                Await.expect("two more checkpoints", DEADLINE, () -> completedCheckpoints(flink, job) >= before + 2);
            }
            assertThat(counts(kafka))
                    .as("nothing emitted before the stop")
                    .doesNotContainKey(Topic.BEACONS.topicName());

            try (EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
                JobID job = flink.submitResumable(graph(config, longWindow, offset), "resume-test");
                String checkpoints = Await.expect(
                        "the job restored from a checkpoint",
                        DEADLINE,
                        () -> checkpoints(flink, job),
                        body -> body.contains("\"restored\":{"));
                assertThat(checkpoints)
                        .as("restored from the retained checkpoint")
                        .contains("chk-");
                awaitCounts(kafka, Map.of(Topic.BEACONS.topicName(), 100L));
                assertThat(afterMarker(kafka, producer, Map.of(Topic.BEACONS.topicName(), 100L)))
                        .containsEntry(Topic.BEACONS.topicName(), 100L);
            }
        }
    }

    private static StreamGraph graph(PipelineConfig config, Duration window, Duration offset) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PipelineJobs.configure(env, config);
        TopicActivityJob.attach(
                env.fromSource(TopicActivityJob.source(config), WatermarkStrategy.noWatermarks(), "all topics")
                        .uid("topic-activity-source"),
                window,
                offset,
                TopicActivityJob.sink(config));
        return env.getStreamGraph();
    }

    /**
     * Produces one record to a topic nothing else writes and waits until it is counted: whatever the job read before
     * the marker is counted by then too, so an absence checked afterwards is not a matter of waiting long enough.
     */
    private static Map<String, Long> afterMarker(
            EmbeddedKafka kafka, KafkaProducer<String, byte[]> producer, Map<String, Long> expected) throws Exception {
        long markers = counts(kafka).getOrDefault(Topic.CREATORS.topicName(), 0L);
        produce(producer, Topic.CREATORS, 1, 10);
        Map<String, Long> withMarker = new HashMap<>(expected);
        withMarker.put(Topic.CREATORS.topicName(), markers + 1);
        return awaitCounts(kafka, withMarker);
    }

    private static String checkpoints(EmbeddedFlink flink, JobID job) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(
                                        "http://127.0.0.1:" + flink.restPort() + "/jobs/" + job + "/checkpoints"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long completedCheckpoints(EmbeddedFlink flink, JobID job) throws Exception {
        Matcher completed = Pattern.compile("\"completed\":(\\d+)").matcher(checkpoints(flink, job));
        return completed.find() ? Long.parseLong(completed.group(1)) : 0;
    }

    private static void produce(KafkaProducer<String, byte[]> producer, Topic topic, int count, int size)
            throws Exception {
        String key = "k";
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic.topicName(), key, new byte[size - key.length()]));
        }
        producer.flush();
    }

    /** Waits until the committed counts reach the expected ones; returns counts and bytes per topic. */
    private static Map<String, Long> awaitCounts(EmbeddedKafka kafka, Map<String, Long> expected) throws Exception {
        return Await.expect(
                "counts of " + expected,
                DEADLINE,
                () -> counts(kafka),
                counts -> expected.entrySet().stream()
                        .allMatch(e -> counts.getOrDefault(e.getKey(), 0L) >= e.getValue()));
    }

    private static Map<String, Long> counts(EmbeddedKafka kafka) {
        EventCodec<TopicActivity> codec = EventCodec.of(TopicActivity.class);
        Map<String, Long> counts = new TreeMap<>();
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            for (ConsumerRecord<String, byte[]> record :
                    reader.readFrom(Topic.TOPIC_ACTIVITY, Map.of(), Duration.ofSeconds(10))) {
                TopicActivity activity = codec.decode(record.value());
                counts.merge(activity.getTopicName(), activity.getRecords(), Long::sum);
                counts.merge(activity.getTopicName() + " bytes", activity.getBytes(), Long::sum);
            }
        }
        return counts;
    }
}
