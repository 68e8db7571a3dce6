package io.stagepass.bench.pipeline;

import io.stagepass.bench.Latencies;
import io.stagepass.pipeline.PipelineJob;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** The numbers of the run, printed after the throughput phase and again, with the latency runs, at the end. */
final class Report {
    private final List<String> lines = new ArrayList<>();

    /** Adds the throughput lines and prints them, with the profile if there is one. */
    void throughput(Produced produced, Consumed baseline, Consumed decoding, JobsRun run, List<PipelineJob> jobs) {
        if (!addThroughput(produced, baseline, decoding, run, jobs)) {
            return;
        }
        System.out.println();
        lines.forEach(line -> System.out.println("  " + line));
        if (run.profile() != null) {
            System.out.printf("%n  profile of phase (b) written to %s%n", run.profile());
            try {
                JfrSummary.summarize(run.profile());
            } catch (IOException e) {
                System.out.println("  cannot read the recording: " + e);
            }
        }
    }

    void latency(List<LatencyRun> runs) {
        for (LatencyRun run : runs) {
            Latencies revenue = run.revenue();
            lines.add(String.format(
                    "latency, checkpoint interval %-5s payment -> revenue TOTAL visible: p50 %,.0f ms, p99 %,.0f ms, max %,.0f ms"
                            + " (n=%,d, missing %d, %,.0f events/s)   goal p99 <= 2 s: %s",
                    Durations.format(run.interval()),
                    revenue.percentileMillis(50),
                    revenue.percentileMillis(99),
                    revenue.percentileMillis(100),
                    revenue.count(),
                    run.missing(),
                    run.rate(),
                    run.missing() == 0 && revenue.percentileMillis(99) <= 2000 ? "met" : "NOT met"));
            lines.add(String.format(
                    "         audience CONCURRENCY sample age when visible (info): p50 %,.0f ms, p99 %,.0f ms (n=%,d)",
                    run.audience().percentileMillis(50),
                    run.audience().percentileMillis(99),
                    run.audience().count()));
        }
    }

    void print(long startNanos) {
        System.out.printf(
                "%n==== pipeline bench report (%.0f s in all) ====%n", (System.nanoTime() - startNanos) / 1e9);
        lines.forEach(System.out::println);
    }

    /** The lines so far, as {@link #print} prints them. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Returns false when the jobs did not consume everything: then there is nothing to compare. */
    boolean addThroughput(
            Produced produced, Consumed baseline, Consumed decoding, JobsRun run, List<PipelineJob> jobs) {
        double jobsSeconds = run.allConsumedAt();
        double jobsRate = produced.events() / jobsSeconds;
        double ratio = jobsRate / baseline.rate();
        lines.add(String.format(
                "produce (1 producer, acks=all, lz4)       %,10.0f events/s  (%,d events, %.1f s)",
                produced.rate(), produced.events(), produced.seconds()));
        lines.add(String.format(
                "(a)  baseline plain consumer              %,10.0f events/s  (%.2f s)",
                baseline.rate(), baseline.seconds()));
        lines.add(String.format(
                "(a') plain consumer + Avro decode (info)  %,10.0f events/s  (%.2f s)",
                decoding.rate(), decoding.seconds()));
        if (Double.isNaN(jobsSeconds)) {
            lines.add("(b)  jobs did not consume everything: " + run.incidents());
            return false;
        }
        lines.add(String.format(
                "(b)  jobs %s concurrently          %,10.0f events/s  (%,d events read by all jobs %.1f s after submission)",
                BenchJobs.names(jobs, "+"), jobsRate, produced.events(), jobsSeconds));
        lines.add(String.format(
                "       measured by: the sources' Kafka consumers' records-consumed-total (JMX, every 200 ms); first record after %.1f s"
                        + " (from then on: %,.0f events/s)",
                run.firstRecordAt(), produced.events() / (jobsSeconds - run.firstRecordAt())));
        run.consumedAt()
                .forEach((job, at) -> lines.add(String.format(
                        "       %-9s %,10d records consumed after %6.1f s (%,.0f records/s); offsets committed after %s",
                        job,
                        run.expected().get(job),
                        at,
                        run.expected().get(job) / at,
                        run.committedAt().containsKey(job)
                                ? String.format("%.1f s", run.committedAt().get(job))
                                : "-")));
        if (!Double.isNaN(run.allCommittedAt())) {
            lines.add(String.format(
                    "       by committed offsets (checkpoint-granular): all done after %.1f s -> %,.0f events/s",
                    run.allCommittedAt(), produced.events() / run.allCommittedAt()));
        }
        lines.add(String.format(
                "ratio (b)/(a) = %.3f   goal >= 0.5: %s;   goal >= 100k events/s: %s   (b)/(a') = %.3f",
                ratio,
                ratio >= 0.5 ? "met" : "NOT met",
                jobsRate >= 100_000 ? "met" : "NOT met",
                jobsRate / decoding.rate()));
        if (!run.incidents().isEmpty()) {
            lines.add("incidents: " + run.incidents());
        }
        return true;
    }
}
