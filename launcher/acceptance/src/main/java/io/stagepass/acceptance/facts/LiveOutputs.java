package io.stagepass.acceptance.facts;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.Beacon;
import io.stagepass.events.Entitlement;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What a deployment made of one live, read from its topics (read_committed) since {@link Marks} taken before the
 * live's traffic: its lifecycle, stored segments, beacons, the revenue job's totals, the entitlements job's verdicts,
 * the audience job's totals and the replay's statuses. Each {@link #refresh} reads what arrived since the last one.
 * The demo's checks, the load's comparison and the failure scenarios read a live's outputs here; what is not about one
 * live (every topic's counts, the topic-activity job) or must be seen within milliseconds (a replay's PACKAGING, for a
 * kill in the middle of it) is read where it is needed.
 */
public final class LiveOutputs implements AutoCloseable {
    private static final List<Topic> TOPICS = List.of(
            Topic.LIVES,
            Topic.SEGMENTS,
            Topic.BEACONS,
            Topic.REVENUE_METRICS,
            Topic.ENTITLEMENTS,
            Topic.AUDIENCE_METRICS,
            Topic.REPLAYS);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private final String liveId;
    private final TopicReader reader;
    private final Map<Topic, Map<TopicPartition, Long>> next = new EnumMap<>(Topic.class);
    private final EventCodec<Live> lives = EventCodec.of(Live.class);
    private final EventCodec<SegmentStored> segmentCodec = EventCodec.of(SegmentStored.class);
    private final EventCodec<Beacon> beaconCodec = EventCodec.of(Beacon.class);
    private final EventCodec<RevenueMetric> revenueCodec = EventCodec.of(RevenueMetric.class);
    private final EventCodec<Entitlement> entitlementCodec = EventCodec.of(Entitlement.class);
    private final EventCodec<AudienceMetric> audienceCodec = EventCodec.of(AudienceMetric.class);
    private final EventCodec<ReplayStatus> replayCodec = EventCodec.of(ReplayStatus.class);

    private Instant endedAt;
    private final Map<Long, SegmentStored> segments = new TreeMap<>();
    private final Set<String> beacons = new HashSet<>();
    private int beaconDuplicates;
    private final Map<String, RevenueMetric> revenue = new HashMap<>();
    private final Map<String, EntitlementEventType> entitlements = new TreeMap<>();
    private final Map<ViewMode, AudienceMetric> audience = new EnumMap<>(ViewMode.class);
    private final List<ReplayStatus> replayStatuses = new ArrayList<>();
    private Instant replayReadyAt;

    public LiveOutputs(KafkaSettings kafka, String liveId, Marks marks) {
        this.liveId = liveId;
        this.reader = new TopicReader(kafka);
        TOPICS.forEach(topic -> next.put(topic, new HashMap<>(marks.of(topic))));
    }

    /** Reads every record that arrived since the last refresh (the first: since the marks). */
    public LiveOutputs refresh() {
        for (Topic topic : TOPICS) {
            Map<TopicPartition, Long> from = next.get(topic);
            for (ConsumerRecord<String, byte[]> record : reader.readFrom(topic, from, READ_TIMEOUT)) {
                from.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                if (record.value() != null && ofThisLive(record.key())) {
                    apply(topic, record);
                }
            }
        }
        return this;
    }

    /** Every key of a live's records is its id, or starts with it ({@code LIVE/CURRENCY}, {@code LIVE/TICKET}...). */
    private boolean ofThisLive(String key) {
        return key != null && (key.equals(liveId) || key.startsWith(liveId + "/"));
    }

    private void apply(Topic topic, ConsumerRecord<String, byte[]> record) {
        switch (topic) {
            case LIVES -> {
                Live live = lives.decode(record.value());
                if (live.getType() == LiveEventType.ENDED && endedAt == null) {
                    endedAt = live.getOccurredAt();
                }
            }
            case SEGMENTS -> {
                SegmentStored segment = segmentCodec.decode(record.value());
                if (segment.getType() == SegmentEventType.STORED && segment.getRendition() == null) {
                    segments.put(segment.getSequence(), segment);
                }
            }
            case BEACONS -> {
                if (!beacons.add(beaconCodec.decode(record.value()).getEventId())) {
                    beaconDuplicates++;
                }
            }
            case REVENUE_METRICS -> {
                RevenueMetric metric = revenueCodec.decode(record.value());
                if (metric.getType() == RevenueMetricType.TOTAL && metric.getTier() == null) {
                    revenue.put(metric.getCurrency(), metric);
                }
            }
            case ENTITLEMENTS -> {
                Entitlement entitlement = entitlementCodec.decode(record.value());
                entitlements.put(entitlement.getTicketId(), entitlement.getType());
            }
            case AUDIENCE_METRICS -> {
                AudienceMetric metric = audienceCodec.decode(record.value());
                if (metric.getType() == AudienceMetricType.TOTAL) {
                    audience.put(metric.getMode(), metric);
                }
            }
            case REPLAYS -> {
                ReplayStatus status = replayCodec.decode(record.value());
                replayStatuses.add(status);
                if (status.getType() == ReplayEventType.READY && replayReadyAt == null) {
                    replayReadyAt = Instant.ofEpochMilli(record.timestamp());
                }
            }
            default -> throw new IllegalStateException("not followed: " + topic);
        }
    }

    /**
     * Follows a live's outputs until {@code done} holds for what {@code seen} makes of them, refreshing every
     * {@code poll} for at most {@code timeout}: how a check waits for what the deployment made of its traffic.
     */
    public static <T> Await.Outcome<T> await(
            KafkaSettings kafka,
            String liveId,
            Marks marks,
            Duration timeout,
            Duration poll,
            Function<LiveOutputs, T> seen,
            Predicate<? super T> done)
            throws Exception {
        try (LiveOutputs outputs = new LiveOutputs(kafka, liveId, marks)) {
            return Await.until(timeout, poll, () -> seen.apply(outputs.refresh()), done);
        }
    }

    public String liveId() {
        return liveId;
    }

    /** When ingest ended the live, once it did. */
    public Optional<Instant> endedAt() {
        return Optional.ofNullable(endedAt);
    }

    /** The stored segments, by sequence. */
    public Map<Long, SegmentStored> segments() {
        return Map.copyOf(segments);
    }

    /** The ids of the live's beacons on their topic. */
    public Set<String> beaconIds() {
        return Set.copyOf(beacons);
    }

    /** Beacons seen again with an id already seen (a client resending a batch): deduplicated downstream. */
    public int beaconDuplicates() {
        return beaconDuplicates;
    }

    /** The revenue job's latest running total of the live in {@code currency} (all tiers). */
    public Optional<RevenueMetric> revenueTotal(String currency) {
        return Optional.ofNullable(revenue.get(currency));
    }

    /** The entitlements job's latest verdict on each ticket of the live, by ticket id. */
    public Map<String, EntitlementEventType> entitlements() {
        return Map.copyOf(entitlements);
    }

    /** The audience job's latest totals of the live for a mode (LIVE, REPLAY, or PAGE for the ticket page). */
    public Optional<AudienceMetric> audienceTotal(ViewMode mode) {
        return Optional.ofNullable(audience.get(mode));
    }

    /** Every status of the live's replay, in the order published. */
    public List<ReplayStatus> replayStatuses() {
        return List.copyOf(replayStatuses);
    }

    /** When the first READY status reached its topic. */
    public Optional<Instant> replayReadyAt() {
        return Optional.ofNullable(replayReadyAt);
    }

    @Override
    public void close() {
        reader.close();
    }
}
