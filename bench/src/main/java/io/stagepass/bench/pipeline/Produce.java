package io.stagepass.bench.pipeline;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongUnaryOperator;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Phase 1: the synthetic stream of the throughput phase into the real topics, event-time ordered, with event times
 * from a base in the recent past up to ~10 minutes ago.
 */
final class Produce {
    private final KafkaSettings kafka;
    private final long events;
    private final int lives;
    private final int viewers;
    private final long seed;
    private final AtomicLong failed = new AtomicLong();
    private final AtomicReference<Exception> firstError = new AtomicReference<>();

    Produce(KafkaSettings kafka, long events, int lives, int viewers, long seed) {
        this.kafka = kafka;
        this.events = events;
        this.lives = lives;
        this.viewers = viewers;
        this.seed = seed;
    }

    Produced run() {
        // Beacons per second of event time: every session beats every 10 s. The stream ends ~10 minutes ago.
        double beaconsPerSecond = lives * (double) viewers / 10.0;
        long spanMillis = (long) (events / beaconsPerSecond * 1000 * 1.15);
        long base = (System.currentTimeMillis()
                        - spanMillis
                        - Duration.ofMinutes(10).toMillis())
                / 1000
                * 1000;
        Simulator sim = new Simulator(seed, lives, viewers, base, LongUnaryOperator.identity());
        System.out.printf(
                "%n[1] producing %,d events into %s and %s (async, acks=all, lz4, keyed by live id)%n",
                events, Topic.BEACONS.topicName(), Topic.PAYMENTS.topicName());
        // Every partition must have its leader in place before the first send: an idempotent producer whose first
        // batch to a fresh partition fails (NOT_LEADER_OR_FOLLOWER) while the next one is appended never gets the
        // first one in (OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout). Listing offsets asks the leaders.
        BenchConsumers.endOffsets(kafka);
        long start = System.nanoTime();
        long bytes = send(sim, start);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends failed", firstError.get());
        }
        Map<TopicPartition, Long> ends = BenchConsumers.endOffsets(kafka);
        Produced produced = new Produced(
                events,
                sim.beacons(),
                sim.payments(),
                bytes,
                seconds,
                Instant.ofEpochMilli(base),
                Instant.ofEpochMilli(sim.now()),
                ends);
        long stored = ends.values().stream().mapToLong(Long::longValue).sum();
        print(produced, sim, stored);
        if (stored != events) {
            throw new IllegalStateException("expected " + events + " records in the topics, found " + stored);
        }
        return produced;
    }

    /** Sends every event, asynchronously, and waits until all are acknowledged; returns the bytes of the values. */
    private long send(Simulator sim, long start) {
        Callback callback = (metadata, error) -> {
            if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
        };
        long bytes = 0;
        ProgressTicks progress = new ProgressTicks(start);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(producerProps())) {
            for (long i = 0; i < events; i++) {
                Simulator.Event event = sim.next();
                bytes += event.value().length;
                producer.send(new ProducerRecord<>(event.topic(), event.key(), event.value()), callback);
                if ((i & 0x3FFF) == 0 && progress.due(System.nanoTime())) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf(
                            "  %5.0f s  produced %,d (%.0f%%), %,.0f events/s, event time %s%n",
                            seconds, i, 100.0 * i / events, i / seconds, Instant.ofEpochMilli(sim.now()));
                }
            }
            producer.flush();
        }
        return bytes;
    }

    private Properties producerProps() {
        Properties props = KafkaClients.durableProducer(kafka, "bench-producer");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
        return props;
    }

    private static void print(Produced produced, Simulator sim, long stored) {
        System.out.printf(
                "  produced %,d events (%,d beacons, %,d payments; %.1f MB of values) in %.1f s: %,.0f events/s%n",
                produced.events(),
                produced.beacons(),
                produced.payments(),
                produced.bytes() / 1e6,
                produced.seconds(),
                produced.rate());
        System.out.printf(
                "  event time %s .. %s (%.0f min); %,d records in the topics%n",
                produced.from(),
                produced.to(),
                (produced.to().toEpochMilli() - produced.from().toEpochMilli()) / 60_000.0,
                stored);
        System.out.println("  beacons: " + sim.beaconMix());
        System.out.println("  payments: " + sim.paymentMix());
    }
}
