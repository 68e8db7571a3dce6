package io.stagepass.bench.lake;

import io.minio.DownloadObjectArgs;
import io.minio.MinioClient;
import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.Bucket;
import io.stagepass.events.Ids;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.pipeline.kafka.KafkaIo;
import io.stagepass.pipeline.lake.LakeJob;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lake.LakeFiles;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/lake: how soon an event is queryable in the lake at the default settings (lake checkpoints every minute,
 * rolling files every 2 minutes, an hour closed after 5 quiet minutes). Two lake jobs read the same steady stream
 * of beacons, each into its own S3 server: the one as shipped, and the baseline, which publishes an hour only once it
 * is quiet (the lake before rolling files). For each event, the lag is the time its file was first listed (by the
 * readers' rule, polled every 5 s) minus its occurredAt.
 */
@Command(
        name = "bench/lake",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        description = "Lake freshness at the default settings: rolling files against publishing on quiet only.")
public final class LakeFreshnessBench implements Callable<Integer> {
    @Option(names = "--minutes", paramLabel = "N", description = "how long events are sent (default ${DEFAULT-VALUE})")
    int minutes = 6;

    @Option(names = "--rate", paramLabel = "N", description = "beacons per second (default ${DEFAULT-VALUE})")
    int rate = 100;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LakeFreshnessBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("stagepass-lake-bench");
        try (EmbeddedKafka kafka = EmbeddedKafka.start(work.resolve("kafka"), 0);
                EmbeddedS3 rollingS3 = EmbeddedS3.start(work.resolve("s3-rolling"), 0, "bench", "bench-secret");
                EmbeddedS3 quietS3 = EmbeddedS3.start(work.resolve("s3-quiet"), 0, "bench", "bench-secret");
                MinioClient rolling = ObjectStore.client(rollingS3.settings());
                MinioClient quiet = ObjectStore.client(quietS3.settings());
                EmbeddedFlink flink = EmbeddedFlink.start(work.resolve("flink"), 0, 4)) {
            ObjectStore.ensureBuckets(rolling);
            ObjectStore.ensureBuckets(quiet);
            PipelineConfig defaults = PipelineConfig.fromEnv(Env.of(Map.of()));
            PipelineConfig shipped = config(defaults, kafka, rollingS3, defaults.lakePublishEvery());
            PipelineConfig baseline = config(defaults, kafka, quietS3, Duration.ofDays(3650));
            submit(flink, shipped, "bench-lake-rolling");
            submit(flink, baseline, "bench-lake-quiet");
            System.out.printf(
                    "lake jobs: checkpoints every %s, close after %s; rolling files every %s (shipped) or never"
                            + " (baseline); %d beacons/s for %d min%n",
                    defaults.lakeCheckpointInterval(),
                    defaults.lakeCloseAfter(),
                    defaults.lakePublishEvery(),
                    rate,
                    minutes);

            Reader shippedReader = new Reader(rolling, work.resolve("read-rolling"));
            Reader baselineReader = new Reader(quiet, work.resolve("read-quiet"));
            long sent = 0;
            long end = System.nanoTime() + Duration.ofMinutes(minutes).toNanos();
            long nextPoll = System.nanoTime();
            try (EventPublisher publisher = new EventPublisher(kafka.settings(), "bench")) {
                while (System.nanoTime() < end) {
                    long second = System.nanoTime();
                    for (int i = 0; i < rate; i++) {
                        Instant now = Instant.now();
                        Beacon beacon = Beacon.newBuilder()
                                .setEventId(Ids.newEventId())
                                .setOccurredAt(now)
                                .setReceivedAt(now)
                                .setSchemaVersion(1)
                                .setType(BeaconType.HEARTBEAT)
                                .setLiveId("live_bench")
                                .setSessionId("s" + (sent % 200))
                                .setMode(ViewMode.LIVE)
                                .build();
                        publisher.publish(Topic.BEACONS, beacon.getLiveId(), beacon);
                        sent++;
                    }
                    publisher.flush();
                    if (System.nanoTime() >= nextPoll) {
                        shippedReader.poll();
                        baselineReader.poll();
                        nextPoll = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                        System.out.printf(
                                "  %d sent; queryable: %d (shipped), %d (baseline)%n",
                                sent, shippedReader.events.count(), baselineReader.events.count());
                    }
                    Thread.sleep(Math.max(0, 1000 - (System.nanoTime() - second) / 1_000_000));
                }
            }
            System.out.println("sending stopped; waiting until both lakes hold every event");
            long deadline = System.nanoTime() + Duration.ofMinutes(12).toNanos();
            while ((shippedReader.events.count() < sent || baselineReader.events.count() < sent)
                    && System.nanoTime() < deadline) {
                Thread.sleep(5000);
                shippedReader.poll();
                baselineReader.poll();
                System.out.printf(
                        "  queryable: %d (shipped), %d (baseline) of %d%n",
                        shippedReader.events.count(), baselineReader.events.count(), sent);
            }
            System.out.println("shipped:  lag " + shippedReader.events.summary());
            System.out.println("baseline: lag " + baselineReader.events.summary());
            System.out.println(ratio(shippedReader.events, baselineReader.events));
            return shippedReader.events.count() == sent && baselineReader.events.count() == sent ? 0 : 1;
        }
    }

    /** The shipped lake's p99 lag against the baseline's, and its largest lag against the goal. */
    static String ratio(FirstListed shipped, FirstListed baseline) {
        return String.format(
                "ratio p99 shipped/baseline: %.3f; shipped max %.0f s against the goal of 300 s",
                shipped.lags().percentileMillis(99) / baseline.lags().percentileMillis(99),
                shipped.lags().percentileMillis(100) / 1000);
    }

    private static PipelineConfig config(PipelineConfig defaults, EmbeddedKafka kafka, EmbeddedS3 s3, Duration every) {
        return new PipelineConfig(
                kafka.settings(),
                defaults.checkpointInterval(),
                defaults.parallelism(),
                s3.settings(),
                defaults.lakeCheckpointInterval(),
                every,
                defaults.lakeCloseAfter());
    }

    /** The lake job's graph on beacons only, under its own name (group id and transactional ids). */
    private static void submit(EmbeddedFlink flink, PipelineConfig config, String name) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PipelineJobs.configure(env, config);
        env.enableCheckpointing(config.lakeCheckpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        LakeJob.defineWorkflow(
                KafkaIo.decodedSource(env, config, name, Topic.BEACONS, Beacon.class)
                        .map(beacon -> (SpecificRecord) beacon)
                        .returns(new GenericTypeInfo<>(SpecificRecord.class)),
                LakeJob.sink(config));
        StreamGraph graph = env.getStreamGraph();
        graph.setJobName(name);
        flink.submit(graph);
    }

    /** Lists the lake by the readers' rule; each file seen for the first time is read once for its events. */
    private static final class Reader {
        final FirstListed events = new FirstListed();
        private final Set<String> files = new HashSet<>();
        private final MinioClient client;
        private final Path dir;

        Reader(MinioClient client, Path dir) throws Exception {
            this.client = client;
            this.dir = Files.createDirectories(dir);
        }

        void poll() throws Exception {
            Instant listedAt = Instant.now();
            for (LakeFiles.LakeFile file : LakeFiles.list(client, "")) {
                if (!files.add(file.key())) {
                    continue;
                }
                Path local = dir.resolve(files.size() + ".parquet");
                client.downloadObject(DownloadObjectArgs.builder()
                        .bucket(Bucket.LAKE.bucketName())
                        .object(file.key())
                        .filename(local.toString())
                        .build());
                try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                        Statement sql = duck.createStatement();
                        ResultSet rows = sql.executeQuery(
                                "select eventId, epoch_ms(occurredAt) from read_parquet('" + local + "')")) {
                    while (rows.next()) {
                        events.listed(rows.getString(1), rows.getLong(2), listedAt.toEpochMilli());
                    }
                }
                Files.delete(local);
            }
        }
    }
}
