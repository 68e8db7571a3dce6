package io.stagepass.bench.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.Bucket;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.TicketTier;
import io.stagepass.events.Topic;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * (b): our packager on the same live. The segments and their facts are put in an embedded S3 server and Kafka broker
 * as ingest leaves them; a jobs worker runs as its own process (the jar production runs), warmed up on a short live;
 * then the live's ENDED is published and the time to its READY measured, with the worker's peak resident memory.
 */
final class PackagerRun {
    /** What the run measured. */
    record Result(
            double endedToReadySeconds,
            double packagingSeconds,
            long peakRssKb,
            ReplayStatus ready,
            double buildCpuSeconds,
            boolean lowRendition) {}

    private static final Path JOBS_JAR = Path.of("jobs", "target", "stagepass-jobs.jar");
    private static final Duration DEADLINE = Duration.ofMinutes(120);

    private PackagerRun() {}

    static Result run(List<Path> segments, Path work, int fetchers, boolean lowRendition) throws Exception {
        if (!Files.exists(JOBS_JAR)) {
            throw new IllegalStateException(JOBS_JAR + " is missing: build with mvn -DskipTests install first");
        }
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), 0);
                EmbeddedS3 s3 = EmbeddedS3.start(work.resolve("s3"), 0, "bench", "bench-secret-key");
                MinioClient client = ObjectStore.client(s3.settings());
                EventPublisher publisher = new EventPublisher(kafka.settings(), "bench")) {
            Process worker = worker(kafka, s3, work, fetchers);
            try {
                String warmUp = store(client, publisher, segments.subList(0, 3), "warm-up", lowRendition);
                end(publisher, warmUp, lowRendition);
                awaitReady(kafka, warmUp);
                System.out.printf(
                        "  worker up and warm (a 6 s live packaged); storing the %d segments as ingest would...%n",
                        segments.size());
                long cpuBefore = cpuTicks(worker.pid());
                long storing = System.nanoTime();
                String liveId = store(client, publisher, segments, "live", lowRendition);
                // The live streams on: the worker builds its replay segment by segment. Its end comes once the
                // build has caught up, as it would after an hour of a live the worker keeps up with.
                awaitBuilt(client, liveId, segments.size(), lowRendition);
                double cpu = (cpuTicks(worker.pid()) - cpuBefore) / 100.0;
                System.out.printf(
                        "  built while streaming in %.0f s of wall time, %.0f s of the worker's CPU%n",
                        (System.nanoTime() - storing) / 1e9, cpu);
                Instant ended = end(publisher, liveId, lowRendition);
                List<ReplayStatus> statuses = awaitReady(kafka, liveId);
                ReplayStatus ready = statuses.stream()
                        .filter(s -> s.getType() == ReplayEventType.READY)
                        .findFirst()
                        .orElseThrow();
                Instant packaging = statuses.stream()
                        .filter(s -> s.getType() == ReplayEventType.PACKAGING)
                        .findFirst()
                        .orElseThrow()
                        .getOccurredAt();
                long rss = peakRssKb(worker.pid());
                return new Result(
                        Duration.between(ended, ready.getOccurredAt()).toMillis() / 1000.0,
                        Duration.between(packaging, ready.getOccurredAt()).toMillis() / 1000.0,
                        rss,
                        ready,
                        cpu,
                        lowRendition);
            } finally {
                worker.destroy();
                worker.waitFor(60, TimeUnit.SECONDS);
                Path log = Path.of(System.getProperty("java.io.tmpdir"), "stagepass-replay-bench-worker.log");
                Files.copy(work.resolve("jobs-worker.log"), log, StandardCopyOption.REPLACE_EXISTING);
                System.out.println("  the worker's log: " + log);
            }
        }
    }

    private static Process worker(EmbeddedKafka kafka, EmbeddedS3 s3, Path work, int fetchers) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JOBS_JAR.toString())
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("jobs-worker.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("STAGEPASS_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("STAGEPASS_S3_ENDPOINT", s3.settings().endpoint().toString());
        env.put("STAGEPASS_S3_ACCESS_KEY", "bench");
        env.put("STAGEPASS_S3_SECRET_KEY", "bench-secret-key");
        env.put(JobsConfig.WORK_DIR, work.resolve("jobs").toString());
        env.put(JobsConfig.FETCHERS, Integer.toString(fetchers));
        env.put(JobsConfig.RETENTION_INTERVAL, "0");
        env.put(JobsConfig.BUILD_WHILE_STREAMING, "true");
        return builder.start();
    }

    /** Puts segments and their STARTED and STORED facts where ingest would; returns the live id. */
    private static String store(
            MinioClient client, EventPublisher publisher, List<Path> segments, String title, boolean lowRendition)
            throws Exception {
        String liveId = Ids.newId("live");
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publisher
                .publish(
                        Topic.LIVES,
                        liveId,
                        live(liveId, title, LiveEventType.STARTED, now)
                                .setLowRendition(lowRendition)
                                .build())
                .get(30, TimeUnit.SECONDS);
        ExecutorService uploads = Executors.newFixedThreadPool(8);
        try {
            List<Future<SegmentStored>> facts = new ArrayList<>();
            for (int i = 0; i < segments.size(); i++) {
                Path file = segments.get(i);
                long sequence = i;
                facts.add(uploads.submit(() -> {
                    byte[] bytes = Files.readAllBytes(file);
                    String key = SegmentKeys.media(liveId, sequence, "ts");
                    client.putObject(PutObjectArgs.builder().bucket(Bucket.SEGMENTS.bucketName()).object(key).stream(
                                    new ByteArrayInputStream(bytes), bytes.length, -1)
                            .build());
                    return SegmentStored.newBuilder()
                            .setEventId(Ids.derivedEventId("segment", key))
                            .setOccurredAt(now)
                            .setType(SegmentEventType.STORED)
                            .setLiveId(liveId)
                            .setSequence(sequence)
                            .setDurationMicros(2_000_000L)
                            .setByteSize(bytes.length)
                            .setSha256(StreamKeys.sha256(bytes))
                            .setObjectKey(key)
                            .setContainer(SegmentContainer.MPEG_TS)
                            .setReceivedAt(now)
                            .setDiscontinuity(false)
                            .build();
                }));
            }
            List<CompletableFuture<?>> acks = new ArrayList<>();
            for (Future<SegmentStored> fact : facts) {
                acks.add(publisher.publish(Topic.SEGMENTS, liveId, fact.get()));
            }
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
        } finally {
            uploads.shutdownNow();
        }
        return liveId;
    }

    private static Instant end(EventPublisher publisher, String liveId, boolean lowRendition) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        publisher
                .publish(
                        Topic.LIVES,
                        liveId,
                        live(liveId, "bench", LiveEventType.ENDED, now)
                                .setEndedAt(now)
                                .setEndReason(LiveEndReason.ENDLIST)
                                .setLowRendition(lowRendition)
                                .build())
                .get(30, TimeUnit.SECONDS);
        return now;
    }

    private static Live.Builder live(String liveId, String title, LiveEventType type, Instant at) {
        return Live.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(at)
                .setType(type)
                .setLiveId(liveId)
                .setCreatorId("creator_bench")
                .setTitle(title)
                .setCurrency("EUR")
                .setTiers(List.of(new TicketTier("standard", 1500L)))
                .setStartedAt(at.minusSeconds(3600));
    }

    private static List<ReplayStatus> awaitReady(EmbeddedKafka kafka, String liveId) throws Exception {
        EventCodec<ReplayStatus> codec = EventCodec.of(ReplayStatus.class);
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            List<ReplayStatus> statuses = Await.expect(
                    "the replay of " + liveId,
                    DEADLINE,
                    () -> reader.readFrom(Topic.REPLAYS, Map.of(), Duration.ofSeconds(30)).stream()
                            .filter(r -> liveId.equals(r.key()))
                            .map(r -> codec.decode(r.value()))
                            .toList(),
                    list -> list.stream()
                            .anyMatch(s ->
                                    s.getType() == ReplayEventType.READY || s.getType() == ReplayEventType.FAILED));
            for (ReplayStatus status : statuses) {
                if (status.getType() == ReplayEventType.FAILED) {
                    throw new IllegalStateException("the replay FAILED: " + status.getError());
                }
            }
            return statuses;
        }
    }

    /** Waits until the worker's build checkpoint covers every segment (and its 360p when the live wants one). */
    private static void awaitBuilt(MinioClient client, String liveId, int segments, boolean lowRendition)
            throws Exception {
        ObjectMapper json = new ObjectMapper();
        Await.expect("the replay of " + liveId + " built while it streams", DEADLINE, () -> {
            try (var in = client.getObject(GetObjectArgs.builder()
                    .bucket(Bucket.REPLAYS.bucketName())
                    .object(liveId + "/v1/work/state.json")
                    .build())) {
                JsonNode state = json.readTree(in);
                if (state.get("lastSequence").asLong() != segments - 1) {
                    return false;
                }
                JsonNode low = state.get("tracks").get("360p");
                return !lowRendition
                        || low != null
                                && low.get("chunks").asInt() * 256
                                                + low.get("pieces").size()
                                        == segments;
            } catch (Exception e) {
                return false;
            }
        });
    }

    /** The CPU time the process has used (user and system), in clock ticks of 1/100 s. */
    private static long cpuTicks(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The most memory the process has held at once (Linux's VmHWM), in KB. */
    private static long peakRssKb(long pid) throws Exception {
        return vmHwmKb(Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** The VmHWM of a /proc/PID/status ("VmHWM:\t  812344 kB"), in KB; 0 when it has none. */
    static long vmHwmKb(List<String> status) {
        for (String line : status) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
