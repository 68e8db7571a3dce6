package io.stagepass.bench.pipeline;

import io.stagepass.bench.Latencies;
import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.platform.config.KafkaSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads the metrics topics as a dashboard would (read_committed) and times the first revenue TOTAL of each probe
 * live; and how old each audience CONCURRENCY sample is when it becomes visible.
 */
final class LatencyProbe implements AutoCloseable {
    private final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
    private volatile Latencies revenue = new Latencies();
    private volatile Latencies audience = new Latencies();
    private volatile long audienceFrom = Long.MAX_VALUE;
    private volatile long audienceTo = Long.MAX_VALUE;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean positioned = new AtomicBoolean();
    private final AtomicReference<Exception> error = new AtomicReference<>();
    private final Thread thread;

    /** Returns once the consumer is at the end of the metrics topics. */
    LatencyProbe(KafkaSettings kafka) throws InterruptedException {
        thread = new Thread(() -> read(kafka), "bench-latency-probe");
        thread.setDaemon(true);
        thread.start();
        while (!positioned.get()) {
            Thread.sleep(20);
        }
        if (error.get() != null) {
            throw new IllegalStateException("latency consumer failed", error.get());
        }
    }

    /** The payment for this probe live was just sent. */
    void sent(String live) {
        sentNanos.put(live, System.nanoTime());
    }

    /** Whether the probe live's total has not been seen yet. */
    boolean pending(String live) {
        return sentNanos.containsKey(live);
    }

    /** Stops waiting for the probe live's total; returns whether it was still pending. */
    boolean forget(String live) {
        return sentNanos.remove(live) != null;
    }

    /** Stops waiting for every probe; returns how many were pending. */
    int forgetAll() {
        int pending = sentNanos.size();
        sentNanos.clear();
        return pending;
    }

    boolean nonePending() {
        return sentNanos.isEmpty();
    }

    /** From now on: revenue latencies, and the ages of audience samples stamped from..to (epoch millis), go here. */
    void measureInto(Latencies revenue, Latencies audience, long audienceFrom, long audienceTo) {
        this.revenue = revenue;
        this.audience = audience;
        this.audienceFrom = audienceFrom;
        this.audienceTo = audienceTo;
    }

    /** Latencies seen from now on are dropped. */
    void stopMeasuring() {
        revenue = new Latencies();
        audience = new Latencies();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        thread.join(10_000);
    }

    private void read(KafkaSettings kafka) {
        EventCodec<RevenueMetric> revenueCodec = EventCodec.of(RevenueMetric.class);
        EventCodec<AudienceMetric> audienceCodec = EventCodec.of(AudienceMetric.class);
        try (KafkaConsumer<byte[], byte[]> consumer = BenchConsumers.plainReader(kafka, "bench-latency")) {
            List<TopicPartition> partitions =
                    BenchConsumers.partitions(consumer, List.of(Topic.REVENUE_METRICS, Topic.AUDIENCE_METRICS));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            positioned.set(true);
            while (running.get()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long nanos = System.nanoTime();
                    long wall = System.currentTimeMillis();
                    if (record.topic().equals(Topic.REVENUE_METRICS.topicName())) {
                        seenRevenue(revenueCodec.decode(record.value()), nanos);
                    } else {
                        seenAudience(audienceCodec.decode(record.value()), wall);
                    }
                }
            }
        } catch (Exception e) {
            error.set(e);
            positioned.set(true);
        }
    }

    private void seenRevenue(RevenueMetric metric, long nanos) {
        if (metric.getType() == RevenueMetricType.TOTAL && metric.getTier() == null) {
            Long sent = sentNanos.remove(metric.getLiveId());
            if (sent != null) {
                revenue.add((nanos - sent) / 1000);
            }
        }
    }

    private void seenAudience(AudienceMetric metric, long wall) {
        long at = metric.getAt().toEpochMilli();
        if (metric.getType() == AudienceMetricType.CONCURRENCY
                && metric.getMode() == ViewMode.LIVE
                && at >= audienceFrom
                && at <= audienceTo) {
            audience.add((wall - at) * 1000);
        }
    }
}
