package io.stagepass.bench.ingest;

import io.stagepass.acceptance.client.BeaconReport;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.RefusedException;
import io.stagepass.acceptance.client.UnavailableException;
import io.stagepass.bench.Latencies;
import io.stagepass.events.Beacon;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Beacon batches POSTed as fast as 8 senders go, next to a plain durable producer writing beacons. */
final class BeaconLoad {
    private static final int SENDERS = 8;
    private static final int BATCH = 20;

    private final Stack stack;
    private final PlaybackTokens tokens;
    private final Latencies latencies = new Latencies();
    private final AtomicLong accepted = new AtomicLong();

    BeaconLoad(Stack stack) {
        this.stack = stack;
        this.tokens = PlaybackTokens.forBeacons(stack.secret(Secret.BEACONS));
    }

    /** Runs the load for {@code seconds}, then the baseline, and prints both. */
    void run(int seconds) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            int sender = s;
            Thread thread = new Thread(() -> send(sender, end));
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double beaconRate = accepted.get() / (double) seconds;
        double producerRate = producerThroughput(seconds / 3 + 1);
        System.out.println();
        System.out.printf(
                "beacons: %d senders x %d events per request for %d s: %.0f events/s accepted, request %s%n",
                SENDERS, BATCH, seconds, beaconRate, latencies.summary());
        System.out.printf(
                "baseline: a plain durable producer writing beacons: %.0f events/s; ratio %.2f%n",
                producerRate, beaconRate / producerRate);
    }

    /** One sender: a request after the other until {@code endNanos}, or until one fails. */
    private void send(int sender, long endNanos) {
        IngestClient ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        int session = 0;
        while (System.nanoTime() < endNanos) {
            // A fresh session per request: the per-session rate limit is not what is measured here.
            String sessionId = "bench-" + sender + "-" + session++;
            String token =
                    tokens.issue("live_bench", "cs_" + sender, Instant.now().plusSeconds(3600));
            List<BeaconReport> batch = batch(sessionId);
            long start = System.nanoTime();
            try {
                ingest.beacons(token, batch);
                accepted.addAndGet(BATCH);
            } catch (RefusedException | UnavailableException answeredOtherwise) {
                // answered, but not accepted: counts in the latencies, not in the rate
            } catch (Exception e) {
                return;
            }
            latencies.add((System.nanoTime() - start) / 1000);
        }
    }

    private static List<BeaconReport> batch(String sessionId) {
        List<BeaconReport> batch = new ArrayList<>();
        for (int i = 0; i < BATCH; i++) {
            batch.add(BeaconReport.of("heartbeat", sessionId, "live", i * 10_000L));
        }
        return batch;
    }

    /** Beacons/s a plain durable producer writes for {@code seconds}, sending as fast as it can. */
    private double producerThroughput(int seconds) {
        byte[] value = EventCodec.of(Beacon.class)
                .encode(SampleEvents.beacon("live_bench", "bench-session").build());
        long count = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(KafkaClients.durableProducer(stack.kafka(), "bench-producer"))) {
            while (System.nanoTime() < end) {
                producer.send(new ProducerRecord<>(Topic.BEACONS.topicName(), "live_bench", value));
                count++;
            }
            producer.flush();
        }
        return count / (double) seconds;
    }
}
