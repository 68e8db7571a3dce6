package io.stagepass.jobs.replay;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.MalformedEventException;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the topics say about one live, read on demand from the one partition its key lives in: its segment facts
 * (from a little before it started) and the latest status of its replay. Every fact ingest acknowledged before the
 * live's ENDED is below the end offsets read here, since ingest publishes ENDED only after them.
 */
final class LiveFacts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveFacts.class);
    /** Segment facts are appended after the live started; this much earlier covers clocks that disagree. */
    private static final Duration BEFORE_START = Duration.ofMinutes(10);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec<SegmentStored> segments = EventCodec.of(SegmentStored.class);
    private final EventCodec<ReplayStatus> replays = EventCodec.of(ReplayStatus.class);
    private final EventCodec<Live> lives = EventCodec.of(Live.class);

    LiveFacts(KafkaSettings kafka) {
        this.consumer = KafkaClients.assignedReader(kafka);
    }

    /** Every STORED and GAP fact of the live (duplicates included: {@link ReplayInput} folds them). */
    List<SegmentStored> segments(Live live) {
        TopicPartition partition = KafkaClients.partitionOf(consumer, Topic.SEGMENTS, live.getLiveId());
        Instant from = (live.getStartedAt() != null ? live.getStartedAt() : live.getOccurredAt()).minus(BEFORE_START);
        consumer.assign(List.of(partition));
        OffsetAndTimestamp start =
                consumer.offsetsForTimes(Map.of(partition, from.toEpochMilli())).get(partition);
        if (start == null) {
            consumer.seekToEnd(List.of(partition)); // nothing that recent: the live's facts cannot be there
        } else {
            consumer.seek(partition, start.offset());
        }
        List<SegmentStored> facts = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : readToEnd(partition)) {
            if (live.getLiveId().equals(record.key())) {
                decode(segments, record).ifPresent(facts::add);
            }
        }
        return facts;
    }

    /** The latest status of the live's replay (the compacted topic's last record for its key), if any. */
    Optional<ReplayStatus> latestReplay(String liveId) {
        return latest(Topic.REPLAYS, liveId, replays);
    }

    /** The latest record of a live in the lives catalog. */
    Optional<Live> latestLive(String liveId) {
        return latest(Topic.LIVES, liveId, lives);
    }

    /** Every live's latest record, and every replay's latest status: what retention looks at. */
    <T extends SpecificRecord> Map<String, T> all(Topic topic, EventCodec<T> codec) {
        Map<String, T> latest = new TreeMap<>();
        for (TopicPartition partition : KafkaClients.partitions(consumer, topic)) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            for (ConsumerRecord<String, byte[]> record : readToEnd(partition)) {
                if (record.value() == null) {
                    latest.remove(record.key());
                } else {
                    decode(codec, record).ifPresent(value -> latest.put(record.key(), value));
                }
            }
        }
        return latest;
    }

    private <T extends SpecificRecord> Optional<T> latest(Topic topic, String key, EventCodec<T> codec) {
        TopicPartition partition = KafkaClients.partitionOf(consumer, topic, key);
        consumer.assign(List.of(partition));
        consumer.seekToBeginning(List.of(partition));
        T latest = null;
        for (ConsumerRecord<String, byte[]> record : readToEnd(partition)) {
            if (key.equals(record.key())) {
                latest = record.value() == null ? null : decode(codec, record).orElse(latest);
            }
        }
        return Optional.ofNullable(latest);
    }

    /** The records from the current position of the (assigned) partition to its end as it is now. */
    private List<ConsumerRecord<String, byte[]>> readToEnd(TopicPartition partition) {
        long end = consumer.endOffsets(List.of(partition)).get(partition);
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        while (consumer.position(partition) < end) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("could not read " + partition + " to offset " + end + " within "
                        + READ_TIMEOUT.toSeconds() + " s");
            }
            consumer.poll(POLL).records(partition).forEach(records::add);
        }
        return records;
    }

    private static <T extends SpecificRecord> Optional<T> decode(
            EventCodec<T> codec, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(codec.decode(record.value()));
        } catch (MalformedEventException e) {
            LOG.warn(
                    "skipping unreadable record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
