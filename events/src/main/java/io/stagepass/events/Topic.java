package io.stagepass.events;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;

/**
 * Every Kafka topic of Stagepass, declared once: name, partitions, key, value schema and retention.
 * The launcher creates them on first start; docs/events.md describes each one.
 *
 * <p>Keys keep per-entity order: everything about one live is keyed by its live id and so shares a partition.
 * Catalog topics are compacted (the latest record per key is the state); fact topics are time-retained, and
 * payments are kept forever because they are the record of money.
 */
public enum Topic {
    CREATORS("stagepass.catalog.creators", 3, Cleanup.COMPACT, null, "creatorId", Creator.class),
    LIVES("stagepass.catalog.lives", 6, Cleanup.COMPACT, null, "liveId", Live.class),
    REPLAYS("stagepass.catalog.replays", 6, Cleanup.COMPACT, null, "liveId", ReplayStatus.class),
    ENTITLEMENTS("stagepass.catalog.entitlements", 6, Cleanup.COMPACT, null, "liveId/ticketId", Entitlement.class),
    SEGMENTS("stagepass.stream.segments", 6, Cleanup.DELETE, Duration.ofDays(30), "liveId", SegmentStored.class),
    BEACONS("stagepass.viewer.beacons", 6, Cleanup.DELETE, Duration.ofDays(30), "liveId", Beacon.class),
    PAYMENTS("stagepass.payments", 6, Cleanup.DELETE, null, "liveId", PaymentFact.class),
    REVENUE_METRICS(
            "stagepass.metrics.revenue",
            6,
            Cleanup.COMPACT,
            null,
            "liveId/currency[/tier][/windowStart]",
            RevenueMetric.class),
    AUDIENCE_METRICS(
            "stagepass.metrics.audience",
            6,
            Cleanup.COMPACT,
            null,
            "liveId/mode/type[/at|/minute|/name]",
            AudienceMetric.class),
    TOPIC_ACTIVITY(
            "stagepass.metrics.topic-activity",
            1,
            Cleanup.DELETE,
            Duration.ofDays(7),
            "topic/windowStart",
            TopicActivity.class),
    DEAD_LETTERS("stagepass.deadletter", 3, Cleanup.DELETE, Duration.ofDays(30), "original key", DeadLetter.class),
    // New topics go last: the lake job's state names a topic by its position here.
    ANALYSTS("stagepass.catalog.analysts", 1, Cleanup.COMPACT, null, "analystId", Analyst.class),
    STREAM_HEALTH("stagepass.stream.health", 6, Cleanup.DELETE, Duration.ofDays(7), "liveId", StreamHealth.class),
    PAYOUT_ACCOUNTS("stagepass.catalog.payout-accounts", 3, Cleanup.COMPACT, null, "creatorId", PayoutAccount.class),
    PAYOUTS("stagepass.payouts", 3, Cleanup.DELETE, null, "creatorId", Payout.class),
    STAGE("stagepass.stage.appearances", 6, Cleanup.DELETE, null, "liveId", StageAppearance.class),
    CLIPS("stagepass.catalog.clips", 6, Cleanup.COMPACT, null, "clipId", Clip.class);

    /** How a topic forgets: compacted topics keep the latest record per key, the others drop old segments. */
    public enum Cleanup {
        COMPACT,
        DELETE
    }

    private final String topicName;
    private final int partitions;
    private final Cleanup cleanup;
    private final Duration retention;
    private final String key;
    private final Class<? extends SpecificRecord> valueType;

    Topic(
            String topicName,
            int partitions,
            Cleanup cleanup,
            Duration retention,
            String key,
            Class<? extends SpecificRecord> valueType) {
        this.topicName = topicName;
        this.partitions = partitions;
        this.cleanup = cleanup;
        this.retention = retention;
        this.key = key;
        this.valueType = valueType;
    }

    public String topicName() {
        return topicName;
    }

    public int partitions() {
        return partitions;
    }

    public Cleanup cleanup() {
        return cleanup;
    }

    /** Time retention of a DELETE topic; empty means kept forever (or compacted). */
    public Optional<Duration> retention() {
        return Optional.ofNullable(retention);
    }

    /** What the record key is, in words (for docs and errors). */
    public String key() {
        return key;
    }

    public Class<? extends SpecificRecord> valueType() {
        return valueType;
    }

    /**
     * Topic-level settings. Records are stamped with the broker's append time: a job that writes an old event
     * time as the record timestamp would otherwise see its output deleted by time retention at once.
     */
    public Map<String, String> configs() {
        Map<String, String> configs = new LinkedHashMap<>();
        configs.put(
                TopicConfig.CLEANUP_POLICY_CONFIG,
                cleanup == Cleanup.COMPACT ? TopicConfig.CLEANUP_POLICY_COMPACT : TopicConfig.CLEANUP_POLICY_DELETE);
        configs.put(TopicConfig.RETENTION_MS_CONFIG, retention == null ? "-1" : Long.toString(retention.toMillis()));
        configs.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        return configs;
    }

    public NewTopic newTopic(short replicationFactor) {
        return new NewTopic(topicName, partitions, replicationFactor).configs(configs());
    }

    /**
     * The topic's table in the lake, as {@code stagepass lake}, the exports API and the docs name it: the last part of
     * its name, {@code -} written {@code _} ({@code payments}, {@code topic_activity}).
     */
    public String tableName() {
        return topicName.substring(topicName.lastIndexOf('.') + 1).replace('-', '_');
    }

    public static Optional<Topic> byTable(String table) {
        for (Topic topic : values()) {
            if (topic.tableName().equals(table)) {
                return Optional.of(topic);
            }
        }
        return Optional.empty();
    }

    public static Optional<Topic> byName(String name) {
        for (Topic topic : values()) {
            if (topic.topicName.equals(name)) {
                return Optional.of(topic);
            }
        }
        return Optional.empty();
    }
}
