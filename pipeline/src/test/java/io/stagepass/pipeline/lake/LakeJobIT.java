package io.stagepass.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.messages.Item;
import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.pipeline.testing.FailOnce;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lake.LakeFiles;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lake export on the MiniCluster at parallelism 2 against the embedded Kafka and S3 server, with a failure
 * injected mid-stream: what DuckDB reads back from the bucket (every {@code *.parquet}, Hive partitions) holds each
 * event exactly once, in the partition of its own time, sums to the cent, and nothing staged is visible.
 */
class LakeJobIT {
    private static final Instant BASE = Instant.parse("2026-03-01T09:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String FAILURE = "lake-mid-stream";
    /** A mirror lists the lake again this many times at most when compactions keep removing what it listed. */
    private static final int LISTINGS = 10;

    @TempDir
    Path dir;

    @Test
    void everyEventLandsOnceAsParquetInItsHourAndDuckDbReadsItThoughAQuarterCameTwice() throws Exception {
        Random random = new Random(3);
        List<Beacon> beacons = new ArrayList<>();
        long stalledTruth = 0;
        for (int i = 0; i < 3000; i++) {
            Beacon.Builder beacon = SampleEvents.beacon("live_" + (i % 5), "s" + (i % 97))
                    .setType(BeaconType.HEARTBEAT)
                    .setOccurredAt(BASE.plusSeconds(random.nextInt(3 * 3600)));
            if (i % 10 == 0) { // the player's quality figures land with the beacon
                beacon.setType(BeaconType.REBUFFER)
                        .setRebufferCount(1 + i % 3)
                        .setRebufferMillis(100L * i)
                        .setRendition("360p");
                stalledTruth += 100L * i;
            }
            beacons.add(beacon.build());
        }
        List<PaymentFact> payments = new ArrayList<>();
        long amountTruth = 0;
        for (int i = 0; i < 200; i++) {
            PaymentFact payment = SampleEvents.payment("live_" + (i % 5), "cs_" + i)
                    .setAmountMinor(100 + random.nextInt(5000))
                    .setOccurredAt(BASE.plusSeconds(random.nextInt(2 * 3600)))
                    .build();
            payments.add(payment);
            amountTruth += payment.getAmountMinor();
        }
        Map<String, Long> perHourTruth = new TreeMap<>();
        beacons.forEach(b -> perHourTruth.merge(hourOf(b.getOccurredAt()), 1L, Long::sum));
        List<SpecificRecord> sent = new ArrayList<>(beacons);
        sent.addAll(payments);
        // A quarter of the facts sent twice, as Stripe's redeliveries and producers' retries put them on the topics.
        int distinct = sent.size();
        for (int i = 0; i < distinct / 4; i++) {
            sent.add(sent.get(random.nextInt(distinct)));
        }
        Collections.shuffle(sent, random);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "lake-test", "lake-test-secret");
                MinioClient client = ObjectStore.client(s3.settings());
                EmbeddedFlink flink = EmbeddedFlink.start(dir.resolve("flink"), 0, 2)) {
            ObjectStore.ensureBuckets(client);
            // rolling files every second while the hours are busy, compacted 5 s after their last event
            PipelineConfig config = config(kafka, s3, Duration.ofSeconds(1), Duration.ofSeconds(5));
            submit(flink, config, true);
            ConcurrentReader reader = new ConcurrentReader(client, dir.resolve("reader"));
            Thread readerThread = new Thread(reader, "lake-reader");
            readerThread.start();

            try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test");
                    KafkaProducer<String, byte[]> raw =
                            new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "raw"))) {
                raw.send(new ProducerRecord<>(
                                Topic.BEACONS.topicName(), "live_0", "not an event".getBytes(StandardCharsets.UTF_8)))
                        .get();
                // The job is up once the poison record is in the lake; the events then arrive while it runs.
                Await.expect(
                        "the dead letter in the lake",
                        DEADLINE,
                        () -> LakeFiles.list(client, "topic=" + Topic.DEAD_LETTERS.topicName()),
                        files -> !files.isEmpty());
                for (int i = 0; i < sent.size(); i++) {
                    SpecificRecord event = sent.get(i);
                    Topic topic = event instanceof Beacon ? Topic.BEACONS : Topic.PAYMENTS;
                    publisher.publish(
                            topic,
                            event instanceof Beacon b ? b.getLiveId() : ((PaymentFact) event).getLiveId(),
                            event);
                    if (i % 50 == 0) {
                        publisher.flush();
                        Thread.sleep(100); // spread the input over several checkpoints and rolling files
                    }
                }
                publisher.flush();
            }

            Map<String, Long> counts = Await.until(
                            DEADLINE,
                            Duration.ofSeconds(1),
                            () -> countsByTopic(mirror(client)),
                            seen -> seen.getOrDefault(Topic.BEACONS.topicName(), 0L) >= beacons.size()
                                    && seen.getOrDefault(Topic.PAYMENTS.topicName(), 0L) >= payments.size()
                                    && seen.getOrDefault(Topic.DEAD_LETTERS.topicName(), 0L) >= 1)
                    .value();
            assertThat(FailOnce.happened(FAILURE))
                    .as("the injected failure happened")
                    .isTrue();
            assertThat(counts)
                    .containsEntry(Topic.BEACONS.topicName(), (long) beacons.size())
                    .containsEntry(Topic.PAYMENTS.topicName(), (long) payments.size())
                    .containsEntry(Topic.DEAD_LETTERS.topicName(), 1L);
            // Compaction is over when each partition-hour has one file per writer and no record is left (each is
            // deleted 10 lake checkpoints after its compaction).
            List<String> leftover = Await.until(
                            DEADLINE,
                            Duration.ofSeconds(1),
                            () -> {
                                List<String> left = new ArrayList<>(objects(client).stream()
                                        .filter(LakeFiles::isRecord)
                                        .toList());
                                Map<String, Long> perHour = new TreeMap<>();
                                LakeFiles.list(client, "")
                                        .forEach(file -> perHour.merge(file.partition(), 1L, Long::sum));
                                perHour.forEach((hour, files) -> {
                                    if (files > 2) {
                                        left.add(hour + " has " + files + " files");
                                    }
                                });
                                return left;
                            },
                            List::isEmpty)
                    .value();
            reader.stop();
            readerThread.join();
            assertThat(leftover)
                    .as("hours compacted, and their records deleted once no reader needs them")
                    .isEmpty();
            System.out.printf(
                    "lake reader: %d queries while publishing and compacting, %d run again (a file compacted away "
                            + "between listing and download), at most %d files in an hour, %d compaction records seen, "
                            + "problems: %s%n",
                    reader.queries, reader.retried, reader.mostFilesInAnHour, reader.recordsSeen, reader.problems);
            assertThat(reader.problems)
                    .as("what the reader saw while files were compacted")
                    .isEmpty();
            assertThat(reader.queries)
                    .as("queries run while the job published and compacted")
                    .isGreaterThan(5);
            assertThat(reader.mostFilesInAnHour)
                    .as("rolling files were published while the hours were busy")
                    .isGreaterThan(2);
            assertThat(reader.recordsSeen)
                    .as("the reader saw compactions under way")
                    .isPositive();
            assertThat(objects(client).stream()
                            .filter(key -> key.endsWith(".parquet"))
                            .toList())
                    .as("replaced files are deleted: a reader of *.parquet sees only the compacted files")
                    .containsExactlyInAnyOrderElementsOf(LakeFiles.list(client, "").stream()
                            .map(LakeFiles.LakeFile::key)
                            .toList());
            // Published parts are deleted; a checkpoint that failed with the injected failure may leave some behind,
            // under names no reader of *.parquet or of Hive partitions picks up.
            assertThat(staged(client))
                    .allSatisfy(key -> assertThat(key).matches("_staging/[0-9a-f-]+\\.(part|merged)"));

            Path lake = mirror(client);
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    Statement sql = duck.createStatement()) {
                String payments_ =
                        "read_parquet('" + lake + "/topic=stagepass.payments/**/*.parquet', hive_partitioning=true)";
                String beacons_ = "read_parquet('" + lake
                        + "/topic=stagepass.viewer.beacons/**/*.parquet', hive_partitioning=true)";
                assertThat(single(sql, "select sum(amountMinor) from " + payments_))
                        .as("the obvious sum: each payment once, though a quarter of the facts came twice")
                        .isEqualTo(amountTruth);
                for (String table : List.of(payments_, beacons_)) {
                    assertThat(single(sql, "select count(*) - count(distinct eventId) from " + table))
                            .as("count(*) = count(distinct eventId) in %s", table)
                            .isZero();
                }
                assertThat(single(sql, "select count(distinct eventId) from " + beacons_))
                        .as("no duplicates")
                        .isEqualTo(beacons.size());
                assertThat(single(
                                sql,
                                "select sum(rebufferMillis) from (select distinct on (eventId) * from " + beacons_
                                        + " where type = 'REBUFFER' and rendition = '360p')"))
                        .as("the quality figures of the beacons, each once")
                        .isEqualTo(stalledTruth);
                assertThat(single(
                                sql,
                                "select count(*) from " + beacons_
                                        + " where strftime(occurredAt at time zone 'UTC', '%Y-%m-%d') <> cast(date as varchar)"
                                        + " or hour(occurredAt at time zone 'UTC') <> hour"))
                        .as("each event in the partition of its own time")
                        .isZero();
                Map<String, Long> perHour = new TreeMap<>();
                try (ResultSet rows = sql.executeQuery(
                        "select cast(date as varchar) || ' ' || lpad(cast(hour as varchar), 2, '0'), count(*) from "
                                + beacons_ + " group by 1")) {
                    while (rows.next()) {
                        perHour.put(rows.getString(1), rows.getLong(2));
                    }
                }
                assertThat(perHour).isEqualTo(perHourTruth);
                assertThat(
                                single(
                                        sql,
                                        "select max(files) from (select count(distinct filename) as files from read_parquet('"
                                                + lake
                                                + "/**/*.parquet', hive_partitioning=true, union_by_name=true, filename=true) group by topic, date, hour)"))
                        .as("compacted: at most one file per partition-hour and writer")
                        .isLessThanOrEqualTo(2);
            }
        }
    }

    /**
     * Freshness on data: the hour is kept open (it would close after an hour of quiet), so only rolling files can
     * make its events queryable, and each wave of events must become queryable before the next is sent.
     */
    @Test
    void aBusyHourIsQueryableWhileItIsStillOpen() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "lake-test", "lake-test-secret");
                MinioClient client = ObjectStore.client(s3.settings());
                EmbeddedFlink flink = EmbeddedFlink.start(dir.resolve("flink"), 0, 2)) {
            ObjectStore.ensureBuckets(client);
            PipelineConfig config = config(kafka, s3, Duration.ofSeconds(2), Duration.ofHours(1));
            submit(flink, config, false);

            Set<String> sent = new HashSet<>();
            List<Duration> lags = new ArrayList<>();
            try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
                for (int wave = 0; wave < 3; wave++) {
                    Instant sentAt = Instant.now();
                    for (int i = 0; i < 100; i++) {
                        Beacon beacon = SampleEvents.beacon("live_fresh", "s" + i)
                                .setType(BeaconType.HEARTBEAT)
                                .setOccurredAt(Instant.now())
                                .build();
                        publisher.publish(Topic.BEACONS, beacon.getLiveId(), beacon);
                        sent.add(beacon.getEventId());
                    }
                    publisher.flush();
                    Set<String> visible = Await.until(
                                    DEADLINE,
                                    Duration.ofMillis(250),
                                    () -> beaconIds(mirror(client)),
                                    ids -> ids.containsAll(sent))
                            .value();
                    assertThat(visible)
                            .as("wave %d queryable while its hour is open", wave)
                            .containsAll(sent);
                    Instant newest = LakeFiles.list(client, "").stream()
                            .map(LakeFiles.LakeFile::lastModified)
                            .max(Instant::compareTo)
                            .orElseThrow();
                    lags.add(Duration.between(sentAt, newest));
                }
            }
            List<LakeFiles.LakeFile> files = LakeFiles.list(client, "topic=" + Topic.BEACONS.topicName());
            assertThat(files.size())
                    .as("one rolling file or more per wave, none compacted: the hour is still open")
                    .isGreaterThanOrEqualTo(3);
            System.out.printf(
                    "lake freshness: publishEvery %s, checkpoint %s: waves queryable after %s (object time minus send time)%n",
                    config.lakePublishEvery(), config.lakeCheckpointInterval(), lags);
        }
    }

    /** Lake checkpoints every 500 ms, at parallelism 2. */
    private static PipelineConfig config(
            EmbeddedKafka kafka, EmbeddedS3 s3, Duration publishEvery, Duration closeAfter) {
        return new PipelineConfig(
                kafka.settings(),
                Duration.ofMillis(300),
                2,
                s3.settings(),
                Duration.ofMillis(500),
                publishEvery,
                closeAfter);
    }

    /** Submits the lake job, with the failure injected after 1,500 records if asked. */
    private static void submit(EmbeddedFlink flink, PipelineConfig config, boolean failOnce) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PipelineJobs.configure(env, config);
        env.enableCheckpointing(config.lakeCheckpointInterval().toMillis());
        SingleOutputStreamOperator<SpecificRecord> events = LakeJob.events(env, config);
        LakeJob.defineWorkflow(
                failOnce
                        ? events.map(FailOnce.<SpecificRecord>afterRecords(FAILURE, 1500))
                                .uid("fail-once")
                        : events,
                LakeJob.sink(config));
        flink.submit(env.getStreamGraph());
    }

    private static Set<String> beaconIds(Path lake) throws Exception {
        Set<String> ids = new HashSet<>();
        Path folder = lake.resolve("topic=" + Topic.BEACONS.topicName());
        if (!Files.isDirectory(folder)) {
            return ids;
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duck.createStatement();
                ResultSet rows = sql.executeQuery("select eventId from read_parquet('" + folder + "/**/*.parquet')")) {
            while (rows.next()) {
                ids.add(rows.getString(1));
            }
        }
        return ids;
    }

    private static String hourOf(Instant time) {
        return time.toString().substring(0, 10) + " " + time.toString().substring(11, 13);
    }

    private static long single(Statement sql, String query) throws Exception {
        try (ResultSet rows = sql.executeQuery(query)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** Records per topic in the lake as a reader sees it: every {@code *.parquet} object. */
    private static Map<String, Long> countsByTopic(Path lake) throws Exception {
        Map<String, Long> counts = new TreeMap<>();
        if (!Files.exists(lake.resolve("lake-has-files"))) {
            return counts;
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                Statement sql = duck.createStatement();
                ResultSet rows = sql.executeQuery("select topic, count(*) from read_parquet('" + lake
                        + "/**/*.parquet', hive_partitioning=true, union_by_name=true) group by topic")) {
            while (rows.next()) {
                counts.put(rows.getString(1), rows.getLong(2));
            }
        }
        return counts;
    }

    /**
     * Downloads the files a reader reads ({@link LakeFiles#list}) into a fresh folder. A file compacted away between
     * the listing and its download is "no such key": like every reader (docs/lake.md), list again.
     */
    private Path mirror(MinioClient client) throws Exception {
        for (int listing = 1; ; listing++) {
            try {
                return download(client, LakeFiles.list(client, ""), Files.createTempDirectory(dir, "lake-"));
            } catch (ErrorResponseException e) {
                if (!"NoSuchKey".equals(e.errorResponse().code()) || listing == LISTINGS) {
                    throw e;
                }
            }
        }
    }

    private static Path download(MinioClient client, List<LakeFiles.LakeFile> files, Path target) throws Exception {
        for (LakeFiles.LakeFile published : files) {
            String key = published.key();
            assertThat(key)
                    .as("only published files match *.parquet")
                    .startsWith("topic=")
                    .doesNotContain("_staging");
            Path file = target.resolve(key);
            Files.createDirectories(file.getParent());
            try (InputStream in = client.getObject(
                    GetObjectArgs.builder().bucket("lake").object(key).build())) {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
            }
            Files.writeString(target.resolve("lake-has-files"), "");
        }
        return target;
    }

    private static List<String> objects(MinioClient client) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> result : client.listObjects(
                ListObjectsArgs.builder().bucket("lake").recursive(true).build())) {
            keys.add(result.get().objectName());
        }
        return keys;
    }

    /**
     * An analyst querying the lake over and over while the job publishes and compacts: each query lists the files
     * to read, downloads them and counts with DuckDB. No query may see an event twice, or miss one an earlier query
     * saw. A file deleted between the listing and its download fails that query (the analyst runs it again); that is
     * counted, not a problem.
     */
    private static final class ConcurrentReader implements Runnable {
        final List<String> problems = new CopyOnWriteArrayList<>();
        volatile int queries;
        volatile int retried;
        volatile int recordsSeen;
        volatile long mostFilesInAnHour;
        private final MinioClient client;
        private final Path root;
        private final Map<String, Set<String>> seen = new HashMap<>();
        private volatile boolean stopped;

        ConcurrentReader(MinioClient client, Path root) {
            this.client = client;
            this.root = root;
        }

        void stop() {
            stopped = true;
        }

        @Override
        public void run() {
            while (!stopped) {
                try {
                    query();
                } catch (ErrorResponseException e) {
                    retried++; // a file compacted away between listing and download
                } catch (Exception e) {
                    problems.add("query " + queries + " failed: " + e);
                    return;
                }
            }
        }

        private void query() throws Exception {
            recordsSeen +=
                    (int) objects(client).stream().filter(LakeFiles::isRecord).count();
            List<LakeFiles.LakeFile> files = LakeFiles.list(client, "");
            if (files.isEmpty()) {
                return;
            }
            Map<String, Long> perHour = new HashMap<>();
            files.forEach(file -> perHour.merge(file.partition(), 1L, Long::sum));
            mostFilesInAnHour = Math.max(
                    mostFilesInAnHour,
                    perHour.values().stream().mapToLong(n -> n).max().orElse(0));
            Path copy = download(client, files, Files.createTempDirectory(root.getParent(), "query-"));
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                    Statement sql = duck.createStatement()) {
                for (Topic topic : List.of(Topic.PAYMENTS, Topic.BEACONS)) {
                    Path folder = copy.resolve("topic=" + topic.topicName());
                    if (!Files.isDirectory(folder)) {
                        continue;
                    }
                    Set<String> ids = new HashSet<>();
                    long rows = 0;
                    try (ResultSet result =
                            sql.executeQuery("select eventId from read_parquet('" + folder + "/**/*.parquet')")) {
                        while (result.next()) {
                            ids.add(result.getString(1));
                            rows++;
                        }
                    }
                    if (rows != ids.size()) {
                        problems.add("query " + queries + ": " + (rows - ids.size()) + " duplicate rows in " + topic);
                    }
                    Set<String> before = seen.getOrDefault(topic.topicName(), Set.of());
                    if (!ids.containsAll(before)) {
                        long missing =
                                before.stream().filter(id -> !ids.contains(id)).count();
                        problems.add("query " + queries + ": " + missing + " rows of " + topic
                                + " an earlier query saw are missing");
                    }
                    seen.put(topic.topicName(), ids);
                }
            }
            queries++;
        }
    }

    private static List<String> staged(MinioClient client) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                .bucket("lake")
                .prefix("_staging/")
                .recursive(true)
                .build())) {
            keys.add(result.get().objectName());
        }
        return keys;
    }
}
