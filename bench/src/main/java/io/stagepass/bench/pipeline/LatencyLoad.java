package io.stagepass.bench.pipeline;

import io.stagepass.bench.Latencies;
import io.stagepass.bench.Sleep;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Phase 4, once per checkpoint interval: a steady load with current event times; each payment is a probe for a live
 * of its own, and the latency is from its send to the first revenue TOTAL of that live visible to a read_committed
 * consumer ({@link LatencyProbe}).
 */
final class LatencyLoad {
    private final KafkaSettings kafka;
    private final LatencyProbe probe;
    private final int rate;
    private final int seconds;
    private final int lives;
    private final long seed;
    private final EventCodec<PaymentFact> payments = EventCodec.of(PaymentFact.class);

    /**
     * @param rate    events/s of the load
     * @param seconds seconds of measured load per run
     */
    LatencyLoad(KafkaSettings kafka, LatencyProbe probe, int rate, int seconds, int lives, long seed) {
        this.kafka = kafka;
        this.probe = probe;
        this.rate = rate;
        this.seconds = seconds;
        this.lives = lives;
        this.seed = seed;
    }

    /** Run {@code run} (0, 1, ...) with the jobs running at this checkpoint interval. */
    LatencyRun measure(Duration interval, int run) throws Exception {
        // Enough sessions for the rate to come from heartbeats every 10 s of (real) time.
        int viewers = Math.max(1, (int) Math.round(rate * 0.95 * 10 / lives));
        printPlan(interval, viewers);
        Simulator sim = new Simulator(
                seed + 1 + run, lives, viewers, System.currentTimeMillis(), t -> System.currentTimeMillis());
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(KafkaClients.durableProducer(kafka, "bench-latency-producer"))) {
            double readyAfter = awaitReady(producer, interval, run);
            ProbeSender sender = new ProbeSender(producer, sim, run);
            pace(sender, 5, null); // warm-up: not measured
            Sleep.millis(interval.toMillis() + 2000); // the warm-up's probes have come through
            probe.forgetAll();
            Latencies revenue = new Latencies();
            Latencies audience = new Latencies();
            long measureFrom = System.currentTimeMillis();
            // Samples of the boundaries in the measurement that the watermark (5 s behind the beacons) passes in it.
            probe.measureInto(revenue, audience, measureFrom, measureFrom + seconds * 1000L - 8_000);
            long probesBefore = sender.probes;
            double achieved = pace(sender, seconds, revenue);
            producer.flush();
            long probes = sender.probes - probesBefore;
            long missing = drain(interval);
            probe.stopMeasuring();
            LatencyRun result = new LatencyRun(interval, revenue, audience, probes, missing, achieved, readyAfter);
            printResult(result);
            return result;
        }
    }

    private void printPlan(Duration interval, int viewers) {
        System.out.printf(
                "%n[4] latency with checkpoint interval %s: %,d events/s for %d s, current event times, %d viewers per live%n",
                Durations.format(interval), rate, seconds, viewers);
        System.out.println(
                "  on the same topics after the throughput phase (warm jobs holding its state); every payment is a probe:"
                        + " a paid checkout for a live of its own,");
        System.out.println(
                "  latency = its send -> the first revenue TOTAL of that live visible to a read_committed consumer"
                        + " (audience metrics only come out on 10 s event-time boundaries, so their age is shown for information)");
    }

    /**
     * Ready: a canary payment's total is visible (the restarted jobs are running and have committed a checkpoint).
     * Returns after how many seconds.
     */
    private double awaitReady(KafkaProducer<String, byte[]> producer, Duration interval, int run) {
        long readyStart = System.nanoTime();
        String canary = String.format("live_probe%d_canary", run);
        probe.sent(canary);
        producer.send(new ProducerRecord<>(Topic.PAYMENTS.topicName(), canary, payments.encode(probePayment(canary))));
        long readyDeadline =
                readyStart + interval.multipliedBy(3).plusSeconds(120).toNanos();
        while (probe.pending(canary) && System.nanoTime() < readyDeadline) {
            Sleep.millis(20);
        }
        if (probe.forget(canary)) {
            throw new IllegalStateException("canary payment not visible in " + Topic.REVENUE_METRICS.topicName()
                    + " within " + (readyDeadline - readyStart) / 1_000_000_000 + " s: the jobs do not run");
        }
        double readyAfter = (System.nanoTime() - readyStart) / 1e9;
        System.out.printf("  pipeline ready: canary total visible after %.1f s; 5 s warm-up%n", readyAfter);
        return readyAfter;
    }

    /** Waits for the probes still on their way; returns how many never came. */
    private long drain(Duration interval) {
        long drainStart = System.nanoTime();
        long drainDeadline =
                drainStart + interval.multipliedBy(3).plusSeconds(20).toNanos();
        long audienceDrained = drainStart + interval.plusSeconds(3).toNanos(); // the last samples' checkpoint
        while ((!probe.nonePending() || System.nanoTime() < audienceDrained) && System.nanoTime() < drainDeadline) {
            Sleep.millis(50);
        }
        return probe.forgetAll();
    }

    private static void printResult(LatencyRun result) {
        Latencies revenue = result.revenue();
        System.out.printf(
                "  sent %,.0f events/s; probes %,d, seen %,d, missing %,d%n",
                result.rate(), result.probes(), revenue.count(), result.missing());
        System.out.printf(
                "  payment -> revenue TOTAL visible: %s, max %.0f ms%n",
                revenue.summary(), revenue.percentileMillis(100));
        System.out.printf(
                "  audience CONCURRENCY sample age when visible: %s%n",
                result.audience().summary());
    }

    /** Sends {@code rate} events a second for {@code seconds}; returns the rate achieved. Progress when {@code seen}. */
    private double pace(ProbeSender sender, int seconds, Latencies seen) {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        ProgressTicks progress = new ProgressTicks(start);
        long sent = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            long due = (long) ((now - start) / 1e9 * rate);
            while (sent < due) {
                sender.sendOne();
                sent++;
            }
            if (seen != null && progress.due(now)) {
                System.out.printf(
                        "  %5.0f s  sent %,d, probe totals seen %,d, p50 so far %.0f ms%n",
                        (now - start) / 1e9, sent, seen.count(), seen.percentileMillis(50));
            }
            LockSupport.parkNanos(1_000_000);
        }
        return sent / ((System.nanoTime() - start) / 1e9);
    }

    private static PaymentFact probePayment(String liveId) {
        return SampleEvents.payment(liveId, "cs_" + liveId)
                .setCreatorId("creator_probe")
                .setOccurredAt(Instant.ofEpochMilli(System.currentTimeMillis()))
                .build();
    }

    /** The simulator's events as they are, except that each payment is replaced by a probe for a live of its own. */
    private final class ProbeSender {
        private final KafkaProducer<String, byte[]> producer;
        private final Simulator sim;
        private final int run;
        private long probes;

        ProbeSender(KafkaProducer<String, byte[]> producer, Simulator sim, int run) {
            this.producer = producer;
            this.sim = sim;
            this.run = run;
        }

        void sendOne() {
            Simulator.Event event = sim.next();
            if (event.payment()) {
                String live = String.format("live_probe%d_%07d", run, probes++);
                probe.sent(live);
                producer.send(
                        new ProducerRecord<>(Topic.PAYMENTS.topicName(), live, payments.encode(probePayment(live))));
            } else {
                producer.send(new ProducerRecord<>(event.topic(), event.key(), event.value()));
            }
        }
    }
}
