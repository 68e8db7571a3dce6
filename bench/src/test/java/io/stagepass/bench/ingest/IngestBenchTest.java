package io.stagepass.bench.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.bench.Latencies;
import java.util.List;
import org.junit.jupiter.api.Test;

class IngestBenchTest {
    private static final int LIVES = 50;

    @Test
    void ingestAgainstItsBaselinesAndLostSegments() {
        PushResult baseline = new PushResult();
        addMillis(baseline.answers, 1, 100, 1);
        PushResult ingest = new PushResult();
        addMillis(ingest.answers, 2, 200, 2);
        addMillis(ingest.events, 3, 300, 3);
        ingest.sent.set(105);
        ingest.created.set(103);
        ingest.failed.set(2);

        List<String> lines = IngestBench.segmentLines(baseline, millis(1, 100, 1), ingest, LIVES);

        assertThat(lines)
                .containsExactly(
                        "PUT to answer     baseline (discarding server) n=100 p50=50.0 ms p99=99.0 ms",
                        "PUT to answer     ingest (fsync'd spool)       n=100 p50=100.0 ms p99=198.0 ms",
                        "  ratio p99 ingest / baseline: 2.00",
                        "event round trip  baseline (produce->consume)  n=100 p50=50.0 ms p99=99.0 ms",
                        "PUT to event      ingest (S3 + Kafka, async)   n=100 p50=150.0 ms p99=297.0 ms",
                        "  ratio p99 ingest / baseline: 3.00",
                        "segments sent 105, answered 201 103, events 100, lost 5, non-201 answers 2",
                        "goal: p99 PUT-to-event <= 300 ms at 50 lives: met");
    }

    @Test
    void theGoalIsAP99PutToEventOfAtMost300Milliseconds() {
        // the p99 of 101 latencies is the 100th: 300 ms, then 301 ms
        assertThat(goal(201, 301)).isEqualTo("goal: p99 PUT-to-event <= 300 ms at 50 lives: met");
        assertThat(goal(202, 302)).isEqualTo("goal: p99 PUT-to-event <= 300 ms at 50 lives: NOT met");
    }

    /** The goal line when ingest's PUT-to-event latencies are fromMillis..toMillis, one each. */
    private static String goal(long fromMillis, long toMillis) {
        PushResult ingest = new PushResult();
        addMillis(ingest.events, fromMillis, toMillis, 1);
        List<String> lines = IngestBench.segmentLines(ingest, millis(1, 1, 1), ingest, LIVES);
        return lines.get(lines.size() - 1);
    }

    private static Latencies millis(long from, long to, long step) {
        Latencies latencies = new Latencies();
        addMillis(latencies, from, to, step);
        return latencies;
    }

    private static void addMillis(Latencies latencies, long from, long to, long step) {
        for (long ms = from; ms <= to; ms += step) {
            latencies.add(ms * 1000);
        }
    }
}
