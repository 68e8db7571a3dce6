package io.stagepass.bench.pipeline;

import io.stagepass.bench.Sleep;
import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Phase (b): the jobs run at the same time, as in production, from the beginning of the topics. The time from
 * submission until their sources have consumed every record is measured with the Kafka consumers' own
 * {@code records-consumed-total} (JMX, sampled every 200 ms, see {@link SourceConsumerMetrics}): Flink's REST metrics
 * are only refreshed every 10 s and the committed offsets only move on checkpoints (both are reported too).
 */
final class JobsThroughput {
    private final EmbeddedFlink flink;
    private final KafkaSettings kafka;
    private final List<PipelineJob> jobs;
    private final PipelineConfig config;
    private final Produced produced;
    private final Duration timeout;
    private final Path profileFile;

    private final Map<String, JobID> ids = new LinkedHashMap<>();
    private final Map<String, Long> expected = new LinkedHashMap<>();
    private final Map<String, Double> consumedAt = new LinkedHashMap<>();
    private final Map<String, Double> committedAt = new LinkedHashMap<>();
    private final Map<String, JobStatus> statuses = new LinkedHashMap<>();
    private final List<String> incidents = new ArrayList<>();
    private long totalExpected;
    private double firstRecordAt = Double.NaN;
    private double allConsumedAt = Double.NaN;
    private double allCommittedAt = Double.NaN;
    private JfrRecording recording;
    private Path profile;

    /** @param profileFile where the JFR recording of the phase goes; null: no recording */
    JobsThroughput(
            EmbeddedFlink flink,
            KafkaSettings kafka,
            List<PipelineJob> jobs,
            PipelineConfig config,
            Produced produced,
            Duration timeout,
            Path profileFile) {
        this.flink = flink;
        this.kafka = kafka;
        this.jobs = jobs;
        this.config = config;
        this.produced = produced;
        this.timeout = timeout;
        this.profileFile = profileFile;
    }

    JobsRun run() throws Exception {
        printPlan();
        if (profileFile != null) {
            recording = JfrRecording.start(profileFile);
        }
        long start = System.nanoTime();
        submit(start);
        SourceConsumerMetrics sources =
                new SourceConsumerMetrics(jobs.stream().map(PipelineJob::name).toList(), expected, totalExpected);
        try (Admin admin = KafkaClients.admin(kafka)) {
            watch(admin, sources, start);
        } finally {
            stopRecording();
        }
        if (!sources.attributed()) {
            incidents.add("source consumers could not be told apart by client id " + sources.clients()
                    + ": per-job times are the time all jobs were done");
        }
        System.out.println("  source consumers seen (client ids): " + sources.clients());
        new FlinkRestCheck(flink).print(ids);
        return new JobsRun(
                expected,
                consumedAt,
                committedAt,
                firstRecordAt,
                allConsumedAt,
                allCommittedAt,
                incidents,
                profile,
                ids);
    }

    private void printPlan() {
        System.out.printf(
                "%n[3] jobs %s on the Flink MiniCluster (parallelism %d, checkpoint interval %s), all from the beginning%n",
                BenchJobs.names(jobs, " + "), config.parallelism(), Durations.format(config.checkpointInterval()));
        for (PipelineJob job : jobs) {
            List<Topic> inputs = BenchJobs.inputs(job.name());
            expected.put(job.name(), produced.endOf(inputs));
            totalExpected += produced.endOf(inputs);
            System.out.printf(
                    "  %s reads %s: %,d records%n",
                    job.name(),
                    inputs.stream().map(Topic::topicName).collect(Collectors.joining(" + ")),
                    produced.endOf(inputs));
        }
    }

    private void submit(long start) throws Exception {
        for (PipelineJob job : jobs) {
            ids.put(job.name(), flink.submit(BenchJobs.graph(job, config)));
        }
        double submitted = (System.nanoTime() - start) / 1e9;
        System.out.printf("  submitted in %.2f s: %s%n", submitted, ids);
    }

    /** Samples every 200 ms until the jobs' offsets are committed to the end, or it is too late. */
    private void watch(Admin admin, SourceConsumerMetrics sources, long start) throws Exception {
        long deadline = start + timeout.toNanos();
        ProgressTicks progress = new ProgressTicks(start);
        long nextCommitCheck = start;
        long lastTotal = 0;
        long lastProgressNanos = start;
        while (true) {
            long now = System.nanoTime();
            double elapsed = (now - start) / 1e9;
            Map<String, Long> consumed = sources.consumedByJob();
            long total = consumed.values().stream().mapToLong(Long::longValue).sum();
            noteConsumed(consumed, total, elapsed);
            if (now >= nextCommitCheck) {
                nextCommitCheck = now + TimeUnit.MILLISECONDS.toNanos(500);
                if (allCommitted(admin, elapsed)) {
                    allCommittedAt = elapsed;
                    break;
                }
            }
            if (progress.due(now)) {
                printProgress(consumed, total, elapsed, (total - lastTotal) / ((now - lastProgressNanos) / 1e9));
                lastTotal = total;
                lastProgressNanos = now;
            }
            if (now > deadline) {
                incidents.add("timed out after " + Durations.format(timeout));
                System.out.println("  WARNING: timed out after " + Durations.format(timeout));
                break;
            }
            if (!Double.isNaN(allConsumedAt)
                    && elapsed - allConsumedAt > 3 * config.checkpointInterval().toSeconds() + 60) {
                incidents.add("offsets not committed within 3 checkpoint intervals + 60 s of consuming everything");
                break;
            }
            Sleep.millis(200);
        }
    }

    private void noteConsumed(Map<String, Long> consumed, long total, double elapsed) throws IOException {
        if (total > 0 && Double.isNaN(firstRecordAt)) {
            firstRecordAt = elapsed;
        }
        for (PipelineJob job : jobs) {
            String name = job.name();
            if (!consumedAt.containsKey(name) && consumed.getOrDefault(name, 0L) >= expected.get(name)) {
                consumedAt.put(name, elapsed);
                System.out.printf("  %5.1f s  %s: all %,d records consumed%n", elapsed, name, expected.get(name));
            }
        }
        if (Double.isNaN(allConsumedAt) && total >= totalExpected) {
            allConsumedAt = elapsed;
            stopRecording();
        }
    }

    /** Notes the jobs whose committed offsets reached the end, and the jobs that stopped running. */
    private boolean allCommitted(Admin admin, double elapsed) throws Exception {
        for (PipelineJob job : jobs) {
            String name = job.name();
            if (!committedAt.containsKey(name)
                    && committedToEnd(admin, PipelineJob.flinkName(name), BenchJobs.inputs(name))) {
                committedAt.put(name, elapsed);
                System.out.printf(
                        "  %5.1f s  %s: committed offsets (group stagepass-%s) reached the end%n", elapsed, name, name);
            }
            checkStatus(name, elapsed);
        }
        return committedAt.size() == jobs.size();
    }

    private boolean committedToEnd(Admin admin, String group, List<Topic> topics) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> end : produced.endOffsets().entrySet()) {
            if (topics.stream().noneMatch(t -> t.topicName().equals(end.getKey().topic()))) {
                continue;
            }
            OffsetAndMetadata offset = committed.get(end.getKey());
            if (end.getValue() > 0 && (offset == null || offset.offset() < end.getValue())) {
                return false;
            }
        }
        return true;
    }

    private void checkStatus(String name, double elapsed) throws Exception {
        JobStatus status = flink.cluster().getJobStatus(ids.get(name)).get(10, TimeUnit.SECONDS);
        JobStatus before = statuses.put(name, status);
        if (status != JobStatus.RUNNING && status != JobStatus.CREATED && status != JobStatus.INITIALIZING) {
            String incident = String.format("%.1f s: job %s is %s", elapsed, name, status);
            if (before != status) {
                incidents.add(incident);
                System.out.println("  WARNING " + incident);
            }
        }
    }

    private void printProgress(Map<String, Long> consumed, long total, double elapsed, double windowRate) {
        System.out.printf(
                "  %5.0f s  consumed %s; %,.0f records/s (last 5 s %,.0f)%s%n",
                elapsed,
                jobs.stream()
                        .map(job -> String.format(
                                "%s %.1f%%",
                                job.name(), 100.0 * consumed.getOrDefault(job.name(), 0L) / expected.get(job.name())))
                        .collect(Collectors.joining(", ")),
                total / elapsed,
                windowRate,
                statuses.values().stream().allMatch(s -> s == JobStatus.RUNNING) ? "" : " " + statuses);
    }

    /** The recording covers the phase until everything is consumed (or it ends otherwise). */
    private void stopRecording() throws IOException {
        if (recording != null) {
            profile = recording.stop();
            recording = null;
        }
    }
}
