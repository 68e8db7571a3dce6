package io.stagepass.jobs.replay;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.views.LatestValues;
import io.stagepass.platform.views.Projections;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * What the topics say about one live, read on demand from the one partition its key lives in: its segment facts
 * (from a little before it started) and the latest status of its replay. Every fact ingest acknowledged before the
 * live's ENDED is below the end offsets read here, since ingest publishes ENDED only after them.
 */
public final class LiveFacts implements AutoCloseable {
    /** Segment facts are appended after the live started; this much earlier covers clocks that disagree. */
    private static final Duration BEFORE_START = Duration.ofMinutes(10);

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec<SegmentStored> segments = EventCodec.of(SegmentStored.class);

    public LiveFacts(KafkaSettings kafka) {
        this.consumer = KafkaClients.assignedReader(kafka);
    }

    /** Every STORED and GAP fact of the live (duplicates included: {@link ReplayInput} folds them). */
    public List<SegmentStored> segments(Live live) {
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
                Projections.decode(segments, record).ifPresent(facts::add);
            }
        }
        return facts;
    }

    /** The latest status of the live's replay (the compacted topic's last record for its key), if any. */
    Optional<ReplayStatus> latestReplay(String liveId) {
        return LatestValues.read(consumer, Topic.REPLAYS, liveId, ReplayStatus.class, READ_TIMEOUT);
    }

    /** The latest record of a live in the lives catalog. */
    public Optional<Live> latestLive(String liveId) {
        return LatestValues.read(consumer, Topic.LIVES, liveId, Live.class, READ_TIMEOUT);
    }

    /** The latest record of a key in a compacted topic (a clip's state, say). */
    public <T extends SpecificRecord> Optional<T> latest(Topic topic, String key, Class<T> type) {
        return LatestValues.read(consumer, topic, key, type, READ_TIMEOUT);
    }

    /** Every live's latest record, or every replay's latest status: what retention looks at. */
    <T extends SpecificRecord> Map<String, T> all(Topic topic, Class<T> type) {
        return LatestValues.read(consumer, topic, type, READ_TIMEOUT);
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

    @Override
    public void close() {
        consumer.close();
    }
}
