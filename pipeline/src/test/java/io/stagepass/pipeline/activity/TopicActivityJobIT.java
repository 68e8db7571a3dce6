package io.stagepass.pipeline.activity;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
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
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    @TempDir
    Path dataDir;

    @Test
    void countsEveryRecordExactlyOnceAcrossAFailureAndRestart() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
             EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2);
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "test"))) {
            PipelineConfig config = new PipelineConfig(kafka.settings(), CHECKPOINT_INTERVAL, 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            PipelineJobs.configure(env, config);
            TopicActivityJob.attach(env.fromSource(TopicActivityJob.source(config), WatermarkStrategy.noWatermarks(), "all topics")
                    .map(new FailOnceOnPoison()), WINDOW, TopicActivityJob.sink(config));
            JobID job = flink.submit(env.getStreamGraph());

            produce(producer, Topic.BEACONS, 200, 10);
            produce(producer, Topic.PAYMENTS, 30, 20);
            assertThat(awaitCounts(kafka, Map.of(Topic.BEACONS.topicName(), 200L, Topic.PAYMENTS.topicName(), 30L)))
                    .as("first half, committed before the failure")
                    .containsEntry(Topic.BEACONS.topicName() + " bytes", 200L * 10).containsEntry(Topic.PAYMENTS.topicName() + " bytes", 30L * 20);

            produce(producer, Topic.LIVES, 1, POISON_SIZE);
            produce(producer, Topic.BEACONS, 100, 10);
            Map<String, Long> expected = Map.of(Topic.BEACONS.topicName(), 300L, Topic.PAYMENTS.topicName(), 30L,
                    Topic.LIVES.topicName(), 1L);
            awaitCounts(kafka, expected);
            assertThat(FAILED).as("the injected failure happened").isTrue();

            // Give a replay after the restart time to show up as duplicates: there must be none.
            Thread.sleep(WINDOW.multipliedBy(3).plus(CHECKPOINT_INTERVAL.multipliedBy(2)).toMillis());
            Map<String, Long> counts = counts(kafka);
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
             KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "test"))) {
            PipelineConfig config = new PipelineConfig(kafka.settings(), CHECKPOINT_INTERVAL, 2);
            try (EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
                flink.submitResumable(graph(config, longWindow, offset), "resume-test");
                produce(producer, Topic.BEACONS, 100, 10);
                // Read and checkpointed, but their window is still open when the cluster stops.
                Thread.sleep(CHECKPOINT_INTERVAL.multipliedBy(8).toMillis());
            }
            assertThat(counts(kafka)).as("nothing emitted before the stop").doesNotContainKey(Topic.BEACONS.topicName());

            try (EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
                JobID job = flink.submitResumable(graph(config, longWindow, offset), "resume-test");
                String checkpoints = "";
                for (long deadline = System.nanoTime() + DEADLINE.toNanos(); !checkpoints.contains("\"restored\":{")
                        && System.nanoTime() < deadline; Thread.sleep(200)) {
                    checkpoints = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + flink.restPort() + "/jobs/" + job + "/checkpoints")).build(),
                            java.net.http.HttpResponse.BodyHandlers.ofString()).body();
                }
                assertThat(checkpoints).as("restored from the retained checkpoint").contains("\"restored\":{").contains("chk-");
                awaitCounts(kafka, Map.of(Topic.BEACONS.topicName(), 100L));
                Thread.sleep(CHECKPOINT_INTERVAL.multipliedBy(4).toMillis());
                assertThat(counts(kafka)).containsEntry(Topic.BEACONS.topicName(), 100L);
            }
        }
    }

    private static org.apache.flink.streaming.api.graph.StreamGraph graph(PipelineConfig config, Duration window, Duration offset) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PipelineJobs.configure(env, config);
        TopicActivityJob.attach(env.fromSource(TopicActivityJob.source(config), WatermarkStrategy.noWatermarks(), "all topics")
                .uid("topic-activity-source"), window, offset, TopicActivityJob.sink(config));
        return env.getStreamGraph();
    }

    /** Fails the job the first time it sees the poison record; after the restart it passes. */
    static final class FailOnceOnPoison implements MapFunction<RecordStat, RecordStat> {
        @Override
        public RecordStat map(RecordStat stat) {
            if (stat.bytes == POISON_SIZE && FAILED.compareAndSet(false, true)) {
                throw new IllegalStateException("injected failure");
            }
            return stat;
        }
    }

    private static void produce(KafkaProducer<String, byte[]> producer, Topic topic, int count, int size) throws Exception {
        String key = "k";
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(topic.topicName(), key, new byte[size - key.length()]));
        }
        producer.flush();
    }

    /** Waits until the committed counts reach the expected ones; returns counts and bytes per topic. */
    private static Map<String, Long> awaitCounts(EmbeddedKafka kafka, Map<String, Long> expected) throws InterruptedException {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        Map<String, Long> counts = Map.of();
        while (System.nanoTime() < deadline) {
            counts = counts(kafka);
            Map<String, Long> seen = counts;
            if (expected.entrySet().stream().allMatch(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue())) {
                return counts;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("counts did not reach " + expected + " within " + DEADLINE + "; last seen " + counts);
    }

    private static Map<String, Long> counts(EmbeddedKafka kafka) {
        EventCodec<TopicActivity> codec = EventCodec.of(TopicActivity.class);
        Map<String, Long> counts = new TreeMap<>();
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.TOPIC_ACTIVITY, Map.of(), Duration.ofSeconds(10))) {
                TopicActivity activity = codec.decode(record.value());
                counts.merge(activity.getTopicName(), activity.getRecords(), Long::sum);
                counts.merge(activity.getTopicName() + " bytes", activity.getBytes(), Long::sum);
            }
        }
        return counts;
    }
}
