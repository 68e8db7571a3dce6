package io.stagepass.bench.pipeline;

import io.stagepass.bench.Latencies;
import java.time.Duration;

/**
 * One latency run: payment-to-visible-revenue latencies of its probes, audience sample ages, probes sent and never
 * seen, the load's achieved rate (events/s), and how long the pipeline took to be ready (s).
 */
record LatencyRun(
        Duration interval,
        Latencies revenue,
        Latencies audience,
        long probes,
        long missing,
        double rate,
        double readyAfter) {}
