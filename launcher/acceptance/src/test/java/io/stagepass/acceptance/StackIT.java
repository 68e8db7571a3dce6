package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.DownloadObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.demo.DemoScenario;
import io.stagepass.acceptance.facts.RevenueTotals;
import io.stagepass.acceptance.testing.LoggedProblems;
import io.stagepass.embedded.Ports;
import io.stagepass.events.Bucket;
import io.stagepass.events.EventCodec;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.Topic;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.media.MediaProbe;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.logging.log4j.Level;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole embedded stack, as {@code stagepass up} and {@code stagepass demo} run it. */
class StackIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void startsEverythingRunsTheDemoStopsCleanlyAndKeepsItsDataForTheNextStart() throws Exception {
        StackConfig config = config();
        RevenueTotals totalsBefore;
        List<String> progress = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        ByteArrayOutputStream demoOutput = new ByteArrayOutputStream();
        try (Stack stack = Stack.start(config, progress::add)) {
            ports.addAll(List.of(
                    stack.apiPort(),
                    stack.ingestPort(),
                    stack.flink().restPort(),
                    stack.s3().endpoint().getPort(),
                    Integer.parseInt(stack.kafka().bootstrapServers().split(":")[1])));
            assertThat(progress).anyMatch(line -> line.startsWith("submitted pipeline job topic-activity"));
            assertThat(get("http://127.0.0.1:" + stack.ingestPort() + "/healthz"))
                    .contains("\"service\":\"ingest\"");
            assertThat(get("http://127.0.0.1:" + stack.apiPort() + "/healthz")).contains("\"service\":\"replay-api\"");
            assertThat(get("http://127.0.0.1:" + stack.flink().restPort() + "/jobs/overview"))
                    .contains("stagepass-topic-activity")
                    .contains("RUNNING");
            assertThat(get("http://127.0.0.1:" + stack.flink().restPort() + "/"))
                    .as("the Flink web UI")
                    .contains("<html");

            boolean arrived = CheckResult.allHeld(new DemoScenario(
                            DemoScenario.target(stack), new PrintStream(demoOutput, true, StandardCharsets.UTF_8))
                    .run());
            assertThat(arrived).as(demoOutput.toString(StandardCharsets.UTF_8)).isTrue();
            assertThat(Loader.getLoadedLibraries().keySet())
                    .as("native libraries loaded by the demo's push")
                    .isNotEmpty()
                    .noneMatch(name -> name.contains("avdevice"));
            assertThat(codecsOfAStoredSegment(stack)).as("what browsers play").containsExactlyInAnyOrder("h264", "aac");

            totalsBefore = lastTotal(stack);
            assertThatThrownBy(() -> Stack.start(config, line -> {}))
                    .as("a second stack on the same data directory")
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("in use by another stagepass process");
        }
        for (int port : ports) {
            assertThat(Ports.inUse(port)).as("port %d after stop", port).isFalse();
        }

        try (LoggedProblems sinkProblems = new LoggedProblems("org.apache.flink.connector.kafka.sink", Level.ERROR);
                Stack restarted = Stack.start(config, line -> {});
                TopicReader reader = new TopicReader(restarted.kafka());
                MinioClient s3 = ObjectStore.client(restarted.s3())) {
            assertThat(reader.readFrom(Topic.PAYMENTS, Map.of(), Duration.ofSeconds(30)))
                    .as("three viewers' and a guest's checkouts, one refund")
                    .hasSize(5);
            assertThat(reader.readFrom(Topic.STAGE, Map.of(), Duration.ofSeconds(30)))
                    .as("the demo's guest came on stage and went back")
                    .hasSize(2);
            assertThat(reader.readFrom(Topic.BEACONS, Map.of(), Duration.ofSeconds(30)))
                    .hasSize(16);
            List<String> stored = new java.util.ArrayList<>();
            for (io.minio.Result<io.minio.messages.Item> item : s3.listObjects(ListObjectsArgs.builder()
                    .bucket(Bucket.SEGMENTS.bucketName())
                    .recursive(true)
                    .build())) {
                stored.add(item.get().objectName());
            }
            assertThat(stored.stream().filter(key -> !key.contains("/360p/") && !key.contains("/thumbs/")))
                    .as("the demo live's segments, pushed through ingest")
                    .hasSize(DemoScenario.LIVE_SECONDS / 2);
            assertThat(stored.stream().filter(key -> key.contains("/360p/")))
                    .as("and the 360p the jobs worker made of each")
                    .hasSize(DemoScenario.LIVE_SECONDS / 2);
            assertThat(stored.stream().filter(key -> key.contains("/thumbs/")))
                    .as("and the scrub bar's thumbnail of each, made with its 360p")
                    .hasSize(DemoScenario.LIVE_SECONDS / 2);

            // Every job completes a checkpoint after the restart, so its sink has committed (or met) the transactions
            // of the checkpoint it was restored from; none of that may log an ERROR, and nothing is counted twice.
            Await.expect("a checkpoint of every job after the restart", Duration.ofMinutes(2), () -> {
                JsonNode jobs = JSON.readTree(
                        get("http://127.0.0.1:" + restarted.flink().restPort() + "/jobs"));
                for (JsonNode job : jobs.get("jobs")) {
                    JsonNode checkpoints = JSON.readTree(
                            get("http://127.0.0.1:" + restarted.flink().restPort() + "/jobs/"
                                    + job.get("id").asText() + "/checkpoints"));
                    if (checkpoints.path("counts").path("completed").asInt() < 1) {
                        return false;
                    }
                }
                return jobs.get("jobs").size() == 5;
            });
            assertThat(sinkProblems.lines())
                    .as("a clean restart logs no ERROR from the Kafka sink (no 'fenced ... data loss')")
                    .isEmpty();
            assertThat(lastTotal(restarted)).as("revenue after the restart").isEqualTo(totalsBefore);
        }
    }

    /** The revenue job's last TOTAL of all tiers, as read_committed consumers see it. */
    private static RevenueTotals lastTotal(Stack stack) {
        EventCodec<RevenueMetric> codec = EventCodec.of(RevenueMetric.class);
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            return reader.readFrom(Topic.REVENUE_METRICS, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(record -> codec.decode(record.value()))
                    .filter(metric -> metric.getType() == RevenueMetricType.TOTAL && metric.getTier() == null)
                    .reduce((first, second) -> second)
                    .map(RevenueTotals::of)
                    .orElseThrow(() -> new AssertionError("no revenue TOTAL on " + Topic.REVENUE_METRICS.topicName()));
        }
    }

    @Test
    void refusesAPortThatIsTakenAndNamesTheVariable() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            StackConfig config = StackConfig.onFreePorts(
                    dataDir, Map.of(StackConfig.API_PORT, Integer.toString(taken.getLocalPort())));

            assertThatThrownBy(() -> Stack.start(config, line -> {}))
                    .hasMessageContaining("port " + taken.getLocalPort())
                    .hasMessageContaining("STAGEPASS_API_PORT");
        }
    }

    private StackConfig config() {
        Map<String, String> settings = new HashMap<>(DemoScenario.STACK_DEFAULTS);
        settings.put(PipelineConfig.CHECKPOINT_INTERVAL, "1s");
        return StackConfig.onFreePorts(dataDir, settings);
    }

    /** The codecs FFmpeg finds in the first segment the demo stored in the object store. */
    private List<String> codecsOfAStoredSegment(Stack stack) throws Exception {
        Path segment = dataDir.resolveSibling(dataDir.getFileName() + "-segment.ts");
        try (MinioClient s3 = ObjectStore.client(stack.s3())) {
            String key = s3.listObjects(ListObjectsArgs.builder()
                            .bucket(Bucket.SEGMENTS.bucketName())
                            .recursive(true)
                            .build())
                    .iterator()
                    .next()
                    .get()
                    .objectName();
            s3.downloadObject(DownloadObjectArgs.builder()
                    .bucket(Bucket.SEGMENTS.bucketName())
                    .object(key)
                    .filename(segment.toString())
                    .overwrite(true)
                    .build());
            return MediaProbe.streams(segment.toString()).stream()
                    .map(MediaProbe.Stream::codec)
                    .toList();
        } finally {
            Files.deleteIfExists(segment);
        }
    }

    private String get(String url) throws Exception {
        HttpResponse<String> response =
                http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(url).isEqualTo(200);
        return response.body();
    }
}
