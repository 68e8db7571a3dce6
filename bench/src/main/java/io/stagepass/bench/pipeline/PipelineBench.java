package io.stagepass.bench.pipeline;

import io.stagepass.bench.pipeline.OptionConverters.AbsolutePath;
import io.stagepass.bench.pipeline.OptionConverters.Count;
import io.stagepass.bench.pipeline.OptionConverters.IntCount;
import io.stagepass.bench.pipeline.OptionConverters.Interval;
import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.lifecycle.Directories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.api.common.JobID;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * bench/pipeline: throughput and end-to-end latency of the pipeline jobs (revenue and audience by default) on an
 * embedded Kafka broker and Flink MiniCluster, in one run.
 * <ol>
 * <li>A synthetic, event-time ordered stream of viewer beacons (~97%) and payment facts (~3%) for N lives is
 * produced into the real topics, with event times from a base in the recent past up to a few minutes ago
 * ({@link Produce}, {@link Simulator}).</li>
 * <li>Baseline (a): a plain read_committed consumer reads both topics to their end offsets, touching every value;
 * and, for information, the same consumer decoding every value with the contract's codec ({@link BaselineConsumer}).</li>
 * <li>(b): the jobs run at the same time, as in production, from the beginning of the topics ({@link JobsThroughput}).</li>
 * <li>Latency: a steady load with current event times; each payment is a probe for a live of its own, and the
 * latency is from its send to the first revenue TOTAL of that live visible to a read_committed consumer. Run once per
 * checkpoint interval asked for; between runs the jobs are stopped with a savepoint and resumed from it
 * ({@link LatencyLoad}, {@link SavepointRestart}).</li>
 * </ol>
 * Not a test: the numbers depend on the machine (the broker, the jobs and the load generator share its cores).
 */
@Command(
        name = "bench/pipeline",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        usageHelpWidth = 120,
        customSynopsis = "bench/pipeline [options]",
        description =
                "Throughput and end-to-end latency of the pipeline jobs on an embedded Kafka broker and Flink MiniCluster.")
public final class PipelineBench implements Callable<Integer> {
    /** The environment's pipeline configuration: where --parallelism and --checkpoint-interval default from. */
    private final PipelineConfig environment = PipelineConfig.fromEnv(Env.system());

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--events",
            order = 1,
            paramLabel = "N",
            converter = Count.class,
            description = "events produced for the throughput phase (default 5000000; 2M, 500k accepted)")
    private long events = 5_000_000;

    @Option(
            names = "--lives",
            order = 2,
            paramLabel = "N",
            converter = IntCount.class,
            description = "lives in the synthetic stream (default 1000)")
    private int lives = 1000;

    @Option(
            names = "--viewers",
            order = 3,
            paramLabel = "N",
            converter = IntCount.class,
            description = "concurrent player sessions per live in the throughput stream (default 10)")
    private int viewers = 10;

    private List<String> jobNames = List.of("revenue", "audience");

    @Option(
            names = "--jobs",
            order = 4,
            paramLabel = "A,B",
            description = "pipeline jobs to run together (default revenue,audience; missing ones are skipped)")
    private void jobs(String names) {
        jobNames = Arrays.stream(names.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    @Option(
            names = "--parallelism",
            order = 5,
            paramLabel = "N",
            converter = IntCount.class,
            description = "job parallelism (default STAGEPASS_PIPELINE_PARALLELISM or 2)")
    private int parallelism = environment.parallelism();

    @Option(
            names = "--checkpoint-interval",
            order = 6,
            paramLabel = "D",
            converter = Interval.class,
            description = {
                "checkpoint interval of the throughput phase and the first latency run",
                "(default STAGEPASS_CHECKPOINT_INTERVAL or 10s; 500ms, 1s, 1m accepted)"
            })
    private Duration checkpointInterval = environment.checkpointInterval();

    /** Null until given: see {@link #measuredIntervals()}. */
    private List<Duration> latencyIntervals;

    @Option(
            names = "--latency-intervals",
            order = 7,
            paramLabel = "L",
            description = {
                "checkpoint intervals to measure latency with, comma separated, in this order",
                "(default: the checkpoint interval, then 1s); 'none' skips the latency phase"
            })
    private void latencyIntervals(String intervals) {
        try {
            latencyIntervals = intervals.equals("none")
                    ? List.of()
                    : Arrays.stream(intervals.split(","))
                            .map(String::trim)
                            .map(OptionConverters::interval)
                            .toList();
        } catch (TypeConversionException e) {
            throw new ParameterException(
                    spec.commandLine(), "Invalid value for option '--latency-intervals': " + e.getMessage());
        }
    }

    /** The checkpoint intervals to measure latency with: as given, or the checkpoint interval, then 1s. */
    List<Duration> measuredIntervals() {
        if (latencyIntervals != null) {
            return latencyIntervals;
        }
        return checkpointInterval.equals(Duration.ofSeconds(1))
                ? List.of(checkpointInterval)
                : List.of(checkpointInterval, Duration.ofSeconds(1));
    }

    @Option(
            names = "--latency-rate",
            order = 8,
            paramLabel = "N",
            converter = IntCount.class,
            description = "events/s of the latency load (default 10000)")
    private int latencyRate = 10_000;

    @Option(
            names = "--latency-seconds",
            order = 9,
            paramLabel = "N",
            converter = IntCount.class,
            description = "seconds of latency load per interval (default 60; 0 skips the latency phase)")
    private int latencySeconds = 60;

    @Option(
            names = "--profile",
            order = 10,
            description = "record the throughput phase with JFR and print where the time goes")
    private boolean profile;

    @Option(
            names = "--profile-file",
            order = 11,
            paramLabel = "PATH",
            converter = AbsolutePath.class,
            description = "where the recording goes (default $TMPDIR/stagepass-pipeline-bench.jfr)")
    private Path profileFile = Path.of(System.getProperty("java.io.tmpdir"), "stagepass-pipeline-bench.jfr");

    @Option(
            names = "--timeout",
            order = 12,
            paramLabel = "D",
            converter = Interval.class,
            description = "give up on the throughput phase after this long (default 30m)")
    private Duration timeout = Duration.ofMinutes(30);

    @Option(
            names = "--seed",
            order = 13,
            paramLabel = "N",
            description = "random seed of the synthetic stream (default 42)")
    private long seed = 42;

    public static void main(String[] args) {
        System.exit(new CommandLine(new PipelineBench()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        checkCounts();
        Path dataDir = Files.createTempDirectory("stagepass-pipeline-bench");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteRecursively(dataDir), "bench-cleanup"));
        try {
            run(dataDir);
            return 0;
        } catch (Exception e) {
            System.out.flush();
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            return 1;
        } finally {
            deleteRecursively(dataDir);
        }
    }

    private void checkCounts() {
        if (events < 1 || lives < 1 || viewers < 1 || parallelism < 1 || latencyRate < 1 || latencySeconds < 0) {
            throw new ParameterException(spec.commandLine(), "counts must be positive");
        }
    }

    private void run(Path dataDir) throws Exception {
        System.out.printf(
                "pipeline bench: %,d events, %d lives x %d viewers, jobs %s, parallelism %d, checkpoint interval %s%n",
                events, lives, viewers, String.join("+", jobNames), parallelism, Durations.format(checkpointInterval));
        System.out.printf(
                "  machine: %d cores, max heap %d MB; data in %s (deleted at the end)%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, dataDir);
        long startAll = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0)) {
            KafkaSettings settings = kafka.settings();
            System.out.printf(
                    "%nKafka broker on %s, %d topics created%n",
                    settings.bootstrapServers(), kafka.createdTopics().size());

            Produced produced = new Produce(settings, events, lives, viewers, seed).run();
            Consumed baseline = BaselineConsumer.plain(settings);
            Consumed decoding = BaselineConsumer.decoding(settings);
            List<PipelineJob> jobs = BenchJobs.existing(jobNames);
            PipelineConfig config = BenchJobs.config(environment, settings, checkpointInterval);
            Report report = new Report();
            List<LatencyRun> latencies;
            try (EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, jobs.size() * parallelism)) {
                JobsRun jobsRun = new JobsThroughput(
                                flink, settings, jobs, config, produced, timeout, profile ? profileFile : null)
                        .run();
                report.throughput(produced, baseline, decoding, jobsRun, jobs);
                latencies = latencyRuns(settings, jobsRun.ids(), new SavepointRestart(flink, jobs, dataDir));
            }
            report.latency(latencies);
            report.print(startAll);
        }
    }

    /** One latency run per interval asked for, the jobs restarted from a savepoint whenever the interval changes. */
    private List<LatencyRun> latencyRuns(KafkaSettings kafka, Map<String, JobID> running, SavepointRestart restart)
            throws Exception {
        List<LatencyRun> runs = new ArrayList<>();
        List<Duration> intervals = measuredIntervals();
        if (latencySeconds <= 0 || intervals.isEmpty()) {
            return runs;
        }
        try (LatencyProbe probe = new LatencyProbe(kafka)) {
            LatencyLoad load = new LatencyLoad(kafka, probe, latencyRate, latencySeconds, lives, seed);
            Duration current = checkpointInterval;
            for (int run = 0; run < intervals.size(); run++) {
                Duration interval = intervals.get(run);
                if (!interval.equals(current)) {
                    running = restart.restart(running, BenchJobs.config(environment, kafka, interval));
                    current = interval;
                }
                runs.add(load.measure(interval, run));
            }
        }
        return runs;
    }

    private static void deleteRecursively(Path dir) {
        try {
            Directories.deleteRecursively(dir);
        } catch (IOException | RuntimeException e) {
            // best effort: a benchmark's scratch data
        }
    }
}
