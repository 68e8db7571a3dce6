package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.bench.Latencies;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

class ReportTest {
    private static final long EVENTS = 2_000_000;
    private static final List<PipelineJob> JOBS = List.of(new NamedJob("revenue"), new NamedJob("audience"));
    /** 500,000 events/s. */
    private static final Produced PRODUCED =
            new Produced(EVENTS, 1_940_000, 60_000, 300_000_000, 4.0, Instant.EPOCH, Instant.EPOCH, Map.of());
    /** 1,000,000 events/s. */
    private static final Consumed BASELINE = new Consumed(EVENTS, 300_000_000, 2.0);
    /** 400,000 events/s. */
    private static final Consumed DECODING = new Consumed(EVENTS, 300_000_000, 5.0);

    @Test
    void throughputOfTheJobsAgainstTheBaselines() {
        Report report = new Report();

        boolean compared = report.addThroughput(PRODUCED, BASELINE, DECODING, new RunBuilder().build(), JOBS);

        assertThat(compared).isTrue();
        assertThat(report.lines())
                .containsExactly(
                        "produce (1 producer, acks=all, lz4)          500,000 events/s  (2,000,000 events, 4.0 s)",
                        "(a)  baseline plain consumer               1,000,000 events/s  (2.00 s)",
                        "(a') plain consumer + Avro decode (info)     400,000 events/s  (5.00 s)",
                        "(b)  jobs revenue+audience concurrently             400,000 events/s  (2,000,000 events read"
                                + " by all jobs 5.0 s after submission)",
                        "       measured by: the sources' Kafka consumers' records-consumed-total (JMX, every 200 ms);"
                                + " first record after 1.0 s (from then on: 500,000 events/s)",
                        "       revenue       60,000 records consumed after    3.0 s (20,000 records/s); offsets"
                                + " committed after 10.5 s",
                        "       audience   2,000,000 records consumed after    5.0 s (400,000 records/s); offsets"
                                + " committed after -",
                        "       by committed offsets (checkpoint-granular): all done after 10.0 s -> 200,000 events/s",
                        "ratio (b)/(a) = 0.400   goal >= 0.5: NOT met;   goal >= 100k events/s: met   (b)/(a') = 1.000");
    }

    @Test
    void halfTheBaselineMeetsTheGoal() {
        Report report = new Report();

        report.addThroughput(
                PRODUCED,
                BASELINE,
                DECODING,
                new RunBuilder().allConsumedAt(4.0).build(),
                JOBS);

        assertThat(report.lines())
                .last()
                .isEqualTo("ratio (b)/(a) = 0.500   goal >= 0.5: met;   goal >= 100k events/s: met   (b)/(a') = 1.250");
    }

    @Test
    void incidentsComeLastAndUncommittedOffsetsAreLeftOut() {
        Report report = new Report();

        report.addThroughput(
                PRODUCED,
                BASELINE,
                DECODING,
                new RunBuilder()
                        .allCommittedAt(Double.NaN)
                        .incident("41.0 s: job audience is FAILED")
                        .build(),
                JOBS);

        assertThat(report.lines()).noneMatch(line -> line.contains("by committed offsets"));
        assertThat(report.lines()).last().isEqualTo("incidents: [41.0 s: job audience is FAILED]");
    }

    @Test
    void jobsThatDidNotConsumeEverythingAreNotCompared() {
        Report report = new Report();

        boolean compared = report.addThroughput(
                PRODUCED,
                BASELINE,
                DECODING,
                new RunBuilder()
                        .allConsumedAt(Double.NaN)
                        .incident("timed out after 30m")
                        .build(),
                JOBS);

        assertThat(compared).isFalse();
        assertThat(report.lines()).hasSize(4).noneMatch(line -> line.startsWith("ratio"));
        assertThat(report.lines()).last().isEqualTo("(b)  jobs did not consume everything: [timed out after 30m]");
    }

    @Test
    void latencyPercentilesAndTheGoal() {
        Report report = new Report();

        report.latency(List.of(latencyRun(Duration.ofSeconds(10), 1, 100, 0)));

        assertThat(report.lines())
                .containsExactly(
                        "latency, checkpoint interval 10s   payment -> revenue TOTAL visible: p50 50 ms, p99 99 ms,"
                                + " max 100 ms (n=100, missing 0, 10,000 events/s)   goal p99 <= 2 s: met",
                        "         audience CONCURRENCY sample age when visible (info): p50 5,000 ms, p99 9,900 ms"
                                + " (n=100)");
    }

    @Test
    void theLatencyGoalIsAP99OfTwoSecondsWithNoProbeMissing() {
        // the p99 of 100 latencies is the 99th: 2000 ms, then 2001 ms
        assertThat(latencyGoal(latencyRun(Duration.ofSeconds(1), 1902, 2001, 0)))
                .isEqualTo("met");
        assertThat(latencyGoal(latencyRun(Duration.ofSeconds(1), 1903, 2002, 0)))
                .isEqualTo("NOT met");
        assertThat(latencyGoal(latencyRun(Duration.ofSeconds(1), 1, 100, 1))).isEqualTo("NOT met");
    }

    private static String latencyGoal(LatencyRun run) {
        Report report = new Report();
        report.latency(List.of(run));
        String line = report.lines().get(0);
        return line.substring(line.lastIndexOf(": ") + 2);
    }

    /** Revenue latencies of fromMillis..toMillis, one each; audience ages 100 times as long. */
    private static LatencyRun latencyRun(Duration interval, long fromMillis, long toMillis, long missing) {
        Latencies revenue = new Latencies();
        Latencies audience = new Latencies();
        for (long ms = fromMillis; ms <= toMillis; ms++) {
            revenue.add(ms * 1000);
            audience.add((ms - fromMillis + 1) * 100 * 1000);
        }
        return new LatencyRun(interval, revenue, audience, revenue.count() + missing, missing, 10_000.0, 3.2);
    }

    /** Phase (b) of {@link #JOBS}: all consumed after 5 s, all committed after 10 s; fields overridden as needed. */
    private static final class RunBuilder {
        private final Map<String, Long> expected = new LinkedHashMap<>();
        private final Map<String, Double> consumedAt = new LinkedHashMap<>();
        private final Map<String, Double> committedAt = new LinkedHashMap<>();
        private final List<String> incidents = new ArrayList<>();
        private double allConsumedAt = 5.0;
        private double allCommittedAt = 10.0;

        RunBuilder() {
            expected.put("revenue", 60_000L);
            expected.put("audience", EVENTS);
            consumedAt.put("revenue", 3.0);
            consumedAt.put("audience", 5.0);
            committedAt.put("revenue", 10.5);
        }

        RunBuilder allConsumedAt(double seconds) {
            allConsumedAt = seconds;
            return this;
        }

        RunBuilder allCommittedAt(double seconds) {
            allCommittedAt = seconds;
            return this;
        }

        RunBuilder incident(String incident) {
            incidents.add(incident);
            return this;
        }

        JobsRun build() {
            return new JobsRun(
                    expected, consumedAt, committedAt, 1.0, allConsumedAt, allCommittedAt, incidents, null, Map.of());
        }
    }

    private record NamedJob(String name) implements PipelineJob {
        @Override
        public void define(StreamExecutionEnvironment env, PipelineConfig config) {
            throw new UnsupportedOperationException("never run in a report");
        }
    }
}
