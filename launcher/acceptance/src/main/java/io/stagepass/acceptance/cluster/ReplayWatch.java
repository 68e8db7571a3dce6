package io.stagepass.acceptance.cluster;

import io.stagepass.events.EventCodec;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The statuses of one live's replay as they are published, read from its one partition of the replays topic by a
 * consumer that stays assigned (a replay of a short live takes seconds: its PACKAGING status must be seen at once).
 */
final class ReplayWatch implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(20);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec<ReplayStatus> codec = EventCodec.of(ReplayStatus.class);
    private final String liveId;
    private final TopicPartition partition;

    /** Watches from {@code from}: where the replays topic ended before the live began. */
    ReplayWatch(KafkaSettings kafka, String liveId, Map<TopicPartition, Long> from) {
        this.consumer = KafkaClients.assignedReader(kafka);
        this.liveId = liveId;
        this.partition = KafkaClients.partitionOf(consumer, Topic.REPLAYS, liveId);
        consumer.assign(List.of(partition));
        consumer.seek(partition, from.getOrDefault(partition, 0L));
    }

    /** Waits for the next status of {@code type}; when it reached its topic, or empty after {@code timeout}. */
    Optional<Instant> next(ReplayEventType type, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (liveId.equals(record.key())
                        && record.value() != null
                        && codec.decode(record.value()).getType() == type) {
                    consumer.seek(partition, record.offset() + 1); // the rest of the batch is for the next call
                    return Optional.of(Instant.ofEpochMilli(record.timestamp()));
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
