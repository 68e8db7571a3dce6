package io.stagepass.bench.ingest;

import io.stagepass.events.EventCodec;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the segments topic from its end and times each pushed segment from its PUT to its event. */
final class SegmentEvents {
    private final KafkaSettings kafka;
    private final Map<String, String> keyByLive;
    private final AtomicBoolean consuming = new AtomicBoolean(true);
    private Thread thread;

    SegmentEvents(KafkaSettings kafka, ScheduledLives lives) {
        this.kafka = kafka;
        this.keyByLive = lives.keyByLive();
    }

    /** Starts timing the segments of this push. */
    void start(PushResult result) {
        thread = new Thread(() -> consume(result), "bench-events");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        consuming.set(false);
        thread.join(10_000);
    }

    private void consume(PushResult result) {
        EventCodec<SegmentStored> codec = EventCodec.of(SegmentStored.class);
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(kafka)) {
            List<TopicPartition> partitions = KafkaClients.partitions(consumer, Topic.SEGMENTS);
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            while (consuming.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                    long now = System.nanoTime();
                    SegmentStored stored = codec.decode(record.value());
                    if (stored.getRendition() != null) {
                        continue; // the jobs worker's 360p of a segment, not ingest's fact
                    }
                    result.eventSeen(keyByLive.get(stored.getLiveId()), stored.getSequence(), now);
                }
            }
        }
    }
}
