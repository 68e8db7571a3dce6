package io.stagepass.jobs.testing;

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
import io.stagepass.events.PaymentFact;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.JobsWorker;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;

/**
 * A real broker and S3 server, and lives written into them exactly as ingest writes them (segment bytes in the
 * segments bucket, STORED and GAP facts, the lifecycle in the catalog), from media the bundled FFmpeg libraries
 * generate: the packager's input without needing the ffmpeg CLI.
 */
public final class ReplayFixture implements AutoCloseable {
    public static final Duration DEADLINE = Duration.ofSeconds(120);

    public final Path dir;
    public final EmbeddedKafka kafka;
    public EmbeddedS3 s3;
    public final MinioClient client;
    public final EventPublisher publisher;
    public JobsWorker worker;

    public ReplayFixture(Path dir) throws Exception {
        this.dir = dir;
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "test-access", "test-secret-key");
        client = ObjectStore.client(s3.settings());
        publisher = new EventPublisher(kafka.settings(), "fixture");
    }

    /** The object store goes away (its data stays). */
    public void stopS3() throws Exception {
        s3.close();
    }

    /** ... and comes back on the same port with the same objects. */
    public void startS3() throws Exception {
        s3 = EmbeddedS3.start(dir.resolve("s3"), s3.port(), "test-access", "test-secret-key");
    }

    /** Whether the worker builds replays while their lives stream (the ITs of the whole-replay packager say no). */
    public boolean buildWhileStreaming;

    /**
     * A jobs worker in its own JVM (the jar production runs), configured by environment variables only, in consumer
     * group {@code group}, its output in {@code worker-NAME.log} of the fixture's folder; the caller stops it.
     */
    public Process workerProcess(Path jar, String group, String name, boolean buildWhileStreaming) throws IOException {
        return workerProcess(jar, group, name, buildWhileStreaming, Map.of());
    }

    /** {@link #workerProcess(Path, String, String, boolean)} with more environment variables. */
    public Process workerProcess(
            Path jar, String group, String name, boolean buildWhileStreaming, Map<String, String> more)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("worker-" + name + ".log").toFile());
        Map<String, String> env = builder.environment();
        env.put("STAGEPASS_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("STAGEPASS_S3_ENDPOINT", s3.settings().endpoint().toString());
        env.put("STAGEPASS_S3_ACCESS_KEY", s3.settings().accessKey());
        env.put("STAGEPASS_S3_SECRET_KEY", s3.settings().secretKey());
        env.put(JobsConfig.GROUP, group);
        env.put(JobsConfig.WORK_DIR, dir.resolve("work-" + name).toString());
        env.put(JobsConfig.RETENTION_INTERVAL, "0");
        env.put(JobsConfig.BUILD_WHILE_STREAMING, Boolean.toString(buildWhileStreaming));
        env.putAll(more);
        return builder.start();
    }

    public JobsConfig config() {
        return new JobsConfig(
                kafka.settings(),
                s3.settings(),
                "test-jobs",
                dir.resolve("work"),
                4,
                Duration.ZERO,
                buildWhileStreaming,
                JobsConfig.DEFAULT_BUILD_IDLE);
    }

    public void startWorker() throws Exception {
        worker = JobsWorker.start(config());
    }

    /** Media for a live: {@code seconds} of the generated pattern in 2 s segments, TS or fMP4, in its own folder. */
    public Path media(String name, int seconds, boolean fmp4) {
        return media(name, fmp4, GeneratedLive.Spec.demo(Duration.ofSeconds(seconds)));
    }

    /**
     * Media of an encoder that reconnected with other settings: {@code first} then {@code second}, numbered on (the
     * second's first segment is {@code index<N>.ts} with N the first's count; flag it with {@link
     * LiveBuilder#reconnectAt}).
     */
    public Path media(String name, GeneratedLive.Spec first, GeneratedLive.Spec second) throws IOException {
        Path media = media(name, false, first);
        Path after = media(name + "-after", false, second);
        long count;
        try (Stream<Path> files = Files.list(media)) {
            count = files.filter(f -> f.getFileName().toString().matches("index\\d+\\.ts"))
                    .count();
        }
        try (Stream<Path> files = Files.list(after)) {
            for (Path file : files.filter(f -> f.getFileName().toString().matches("index\\d+\\.ts"))
                    .toList()) {
                Files.copy(file, media.resolve("index" + (count + sequenceOf(file)) + ".ts"));
            }
        }
        return media;
    }

    /** The same, of the generated live {@code spec} describes (720p: {@code GeneratedLive.Spec.hd}). */
    public Path media(String name, boolean fmp4, GeneratedLive.Spec spec) {
        Path media = dir.resolve("media-" + name);
        try {
            Files.createDirectories(media);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> options = new HashMap<>(Map.of(
                "hls_time",
                "2",
                "hls_list_size",
                "0",
                "hls_segment_filename",
                media.resolve("index%d." + (fmp4 ? "m4s" : "ts")).toString()));
        if (fmp4) {
            options.put("hls_segment_type", "fmp4");
            options.put("hls_fmp4_init_filename", "init.mp4");
        }
        GeneratedLive.write("hls", media.resolve("index.m3u8").toString(), options, spec);
        return media;
    }

    /** A live the way ingest leaves it; returns its id. */
    public final class LiveBuilder {
        public final String liveId = Ids.newId("live");
        final Path media;
        final boolean fmp4;
        final List<Long> dropped = new ArrayList<>();
        final Map<Long, byte[]> replaced = new HashMap<>();
        final Map<Long, byte[]> storedAs = new HashMap<>();
        int replayDays = 30;
        boolean lowRendition = true;
        final List<Long> reconnects = new ArrayList<>();
        Instant endedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Live ended;

        LiveBuilder(Path media, boolean fmp4) {
            this.media = media;
            this.fmp4 = fmp4;
        }

        /** Ingest never received this segment: a GAP fact, no object. */
        public LiveBuilder drop(long sequence) {
            dropped.add(sequence);
            return this;
        }

        /** The object store holds other bytes than the fact's SHA-256 says (bit rot, a bad copy). */
        public LiveBuilder corruptStored(long sequence, byte[] bytes) {
            replaced.put(sequence, bytes);
            return this;
        }

        /** The encoder sent these bytes: stored and described faithfully, but they are not media. */
        public LiveBuilder garbageFromEncoder(long sequence, byte[] bytes) {
            storedAs.put(sequence, bytes);
            return this;
        }

        /** Ingest flags this segment as the first after an encoder reconnect. */
        public LiveBuilder reconnectAt(long sequence) {
            reconnects.add(sequence);
            return this;
        }

        /** Whether the live asks for the 360p rendition (the default does). */
        public LiveBuilder lowRendition(boolean wanted) {
            lowRendition = wanted;
            return this;
        }

        public LiveBuilder replayDays(int days) {
            replayDays = days;
            return this;
        }

        public LiveBuilder endedAt(Instant at) {
            endedAt = at;
            return this;
        }

        /** The live as ingest leaves it once it ended: started, its segments stored, ended. */
        public String publish() throws Exception {
            start();
            end();
            return liveId;
        }

        /** The live still streaming: started and its segments stored. */
        public String start() throws Exception {
            return start(Long.MAX_VALUE);
        }

        /** The live still streaming: started, and its segments below {@code sequence} stored. */
        public String start(long below) throws Exception {
            String creator = "creator_fixture";
            Live scheduled = SampleEvents.live(liveId, creator)
                    .setReplayWindowDays(replayDays)
                    .setLowRendition(lowRendition)
                    .setStreamKeySha256(StreamKeys.sha256("k"))
                    .build();
            Instant startedAt = endedAt.minusSeconds(60);
            send(
                    Topic.LIVES,
                    Live.newBuilder(scheduled)
                            .setEventId(Ids.newEventId())
                            .setType(LiveEventType.STARTED)
                            .setStartedAt(startedAt)
                            .build());
            List<Path> segments;
            try (Stream<Path> files = Files.list(media)) {
                segments = files.filter(f -> f.getFileName().toString().matches("index\\d+\\.(ts|m4s)"))
                        .sorted(Comparator.comparingLong(ReplayFixture::sequenceOf))
                        .toList();
            }
            if (fmp4) {
                byte[] init = Files.readAllBytes(media.resolve("init.mp4"));
                String sha = StreamKeys.sha256(init);
                String key = liveId + "/init-" + sha.substring(0, 16) + ".mp4";
                put(key, init);
                send(Topic.SEGMENTS, fact(0, key, init, sha, SegmentContainer.FMP4_INIT));
            }
            for (Path file : segments) {
                if (sequenceOf(file) < below) {
                    store(file);
                }
            }
            ended = Live.newBuilder(scheduled)
                    .setEventId(Ids.newEventId())
                    .setType(LiveEventType.ENDED)
                    .setStartedAt(startedAt)
                    .setEndedAt(endedAt)
                    .setEndReason(LiveEndReason.ENDLIST)
                    .build();
            return liveId;
        }

        /** The rest of a live's segments, from {@code sequence} on, stored (the live streams on). */
        public void storeFrom(long from) throws Exception {
            try (Stream<Path> files = Files.list(media)) {
                for (Path file : files.filter(f -> f.getFileName().toString().matches("index\\d+\\.(ts|m4s)"))
                        .sorted(Comparator.comparingLong(ReplayFixture::sequenceOf))
                        .toList()) {
                    if (sequenceOf(file) >= from) {
                        store(file);
                    }
                }
            }
        }

        private void store(Path file) throws Exception {
            {
                long sequence = sequenceOf(file);
                if (dropped.contains(sequence)) {
                    send(
                            Topic.SEGMENTS,
                            SegmentStored.newBuilder(fact(sequence, "", new byte[0], "", SegmentContainer.MPEG_TS))
                                    .setType(SegmentEventType.GAP)
                                    .setGapLength(1L)
                                    .setEventId(Ids.newEventId())
                                    .build());
                    return;
                }
                byte[] bytes = storedAs.getOrDefault(sequence, Files.readAllBytes(file));
                String key = SegmentKeys.media(liveId, sequence, fmp4 ? "m4s" : "ts");
                put(key, replaced.getOrDefault(sequence, bytes));
                send(
                        Topic.SEGMENTS,
                        fact(
                                sequence,
                                key,
                                bytes,
                                StreamKeys.sha256(bytes),
                                fmp4 ? SegmentContainer.FMP4 : SegmentContainer.MPEG_TS));
            }
        }

        /** Ingest records the end of the live. */
        public void end() throws Exception {
            send(Topic.LIVES, ended);
        }

        /** Kafka delivers the ENDED fact again (a producer retry, a consumer that did not commit). */
        public void republishEnded() throws Exception {
            send(Topic.LIVES, ended);
        }

        private SegmentStored fact(long sequence, String key, byte[] bytes, String sha, SegmentContainer container) {
            return SegmentStored.newBuilder()
                    .setEventId(Ids.derivedEventId("segment", liveId + "/" + sequence + "/" + container))
                    .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                    .setType(SegmentEventType.STORED)
                    .setLiveId(liveId)
                    .setSequence(sequence)
                    .setDurationMicros(container == SegmentContainer.FMP4_INIT ? null : 2_000_000L)
                    .setByteSize(bytes.length)
                    .setSha256(sha)
                    .setObjectKey(key)
                    .setContainer(container)
                    .setReceivedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                    .setDiscontinuity(reconnects.contains(sequence))
                    .build();
        }
    }

    public LiveBuilder live(Path media, boolean fmp4) {
        return new LiveBuilder(media, fmp4);
    }

    static long sequenceOf(Path file) {
        return Long.parseLong(file.getFileName().toString().replaceAll("\\D", ""));
    }

    public void send(Topic topic, SpecificRecord event) throws Exception {
        String key = event instanceof Live live
                ? live.getLiveId()
                : event instanceof PaymentFact fact
                        ? fact.getLiveId()
                        : event instanceof StreamHealth health
                                ? health.getLiveId()
                                : ((SegmentStored) event).getLiveId();
        publisher.publish(topic, key, event).get(30, TimeUnit.SECONDS);
    }

    public void put(String key, byte[] bytes) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(Bucket.SEGMENTS.bucketName()).object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
    }

    /** Every status published for the live's replay, in order. */
    public List<ReplayStatus> statuses(String liveId) {
        EventCodec<ReplayStatus> codec = EventCodec.of(ReplayStatus.class);
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            return reader.readFrom(Topic.REPLAYS, Map.of(), Duration.ofSeconds(30)).stream()
                    .filter(r -> liveId.equals(r.key()))
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }

    /** Every segment fact of the live, in order (ingest's and the worker's renditions). */
    public List<SegmentStored> segmentFacts(String liveId) {
        EventCodec<SegmentStored> codec = EventCodec.of(SegmentStored.class);
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            return reader.readFrom(Topic.SEGMENTS, Map.of(), Duration.ofSeconds(30)).stream()
                    .filter(r -> liveId.equals(r.key()))
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }

    public byte[] segmentObject(String key) throws Exception {
        return object(Bucket.SEGMENTS, key);
    }

    public ReplayStatus awaitFinal(String liveId) throws Exception {
        List<ReplayStatus> statuses = Await.expect(
                "live " + liveId + " READY or FAILED",
                DEADLINE,
                () -> statuses(liveId),
                list -> list.stream()
                        .anyMatch(s -> s.getType() == ReplayEventType.READY || s.getType() == ReplayEventType.FAILED));
        return statuses.stream()
                .filter(s -> s.getType() == ReplayEventType.READY || s.getType() == ReplayEventType.FAILED)
                .findFirst()
                .orElseThrow();
    }

    public byte[] replayObject(String key) throws Exception {
        return object(Bucket.REPLAYS, key);
    }

    private byte[] object(Bucket bucket, String key) throws Exception {
        try (InputStream in = client.getObject(
                GetObjectArgs.builder().bucket(bucket.bucketName()).object(key).build())) {
            return in.readAllBytes();
        }
    }

    /** Copies every object of a READY version into a folder, as a player or ffprobe reads them. */
    public Path download(ReplayStatus ready) throws Exception {
        Path target = Files.createDirectories(dir.resolve("download-" + ready.getLiveId() + "-v" + ready.getVersion()));
        for (var object : ready.getObjects()) {
            Files.write(
                    target.resolve(object.getKey().substring(object.getKey().lastIndexOf('/') + 1)),
                    replayObject(object.getKey()));
        }
        return target;
    }

    @Override
    public void close() throws Exception {
        if (worker != null) {
            worker.close();
        }
        publisher.close();
        client.close();
        s3.close();
        kafka.close();
    }
}
