package io.stagepass.platform.views;

import io.stagepass.events.EventCodec;
import io.stagepass.events.MalformedEventException;
import io.stagepass.events.Topic;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a record of a topic reaches the projections of that topic, written once for every view and every one-shot read:
 *
 * <ul>
 *   <li>its value is decoded once, with the topic's codec, and given to each projection of the topic;
 *   <li>on a compacted topic, a tombstone (a null value) removes the key's entry in every projection of the topic.
 *       The topic forgets a deleted key, so each view of it must too: a deleted live is unknown everywhere, its
 *       stream key included, exactly as after a restart that reads the compacted topic without the key. On a topic
 *       that keeps facts (payments, segments), a null value deletes nothing in Kafka, so it is not an event and is
 *       skipped like any unreadable record: a stray null must not erase a live's tickets;
 *   <li>a value that is not a readable event ({@link MalformedEventException}) is logged and skipped: reading it
 *       again would not make it readable, and a view stuck on it would serve nothing;
 *   <li>a record without a key is skipped the same way: no entry can be found by it (compacted topics refuse one).
 * </ul>
 */
public final class Projections {
    private static final Logger LOG = LoggerFactory.getLogger(Projections.class);

    private final List<Projection<?>> all;
    private final Map<Topic, List<Projection<?>>> byTopic = new EnumMap<>(Topic.class);
    private final Map<Topic, EventCodec<?>> codecs = new EnumMap<>(Topic.class);

    public Projections(List<? extends Projection<?>> projections) {
        this.all = List.copyOf(projections);
        for (Projection<?> projection : all) {
            byTopic.computeIfAbsent(projection.topic(), topic -> new ArrayList<>())
                    .add(projection);
            codecs.computeIfAbsent(projection.topic(), topic -> EventCodec.of(topic.valueType()));
        }
    }

    /** The topics the projections are built from, in the order they were declared. */
    public Set<Topic> topics() {
        Set<Topic> topics = new LinkedHashSet<>();
        all.forEach(projection -> topics.add(projection.topic()));
        return topics;
    }

    public List<Projection<?>> all() {
        return all;
    }

    /**
     * Applies one record to the projections of its topic, telling {@code changes} what each changed. Returns false
     * when the record was skipped (no key, or not a readable event).
     */
    public boolean apply(ConsumerRecord<String, byte[]> record, ChangeListener changes) {
        Topic topic = Topic.byName(record.topic())
                .filter(byTopic::containsKey)
                .orElseThrow(() -> new IllegalArgumentException("no projection is built from " + record.topic()));
        if (record.key() == null) {
            skip(record, "it has no key");
            return false;
        }
        if (record.value() == null && topic.cleanup() != Topic.Cleanup.COMPACT) {
            skip(record, "a null value deletes nothing on a topic that keeps facts");
            return false;
        }
        if (record.value() == null) {
            for (Projection<?> projection : byTopic.get(topic)) {
                projection.remove(record.key()).ifPresent(id -> changes.changed(projection, id));
            }
            return true;
        }
        Optional<? extends SpecificRecord> value = decode(codecs.get(topic), record);
        if (value.isEmpty()) {
            return false;
        }
        for (Projection<?> projection : byTopic.get(topic)) {
            put(projection, record.key(), value.get()).ifPresent(id -> changes.changed(projection, id));
        }
        return true;
    }

    /**
     * A record's value decoded, or empty (and logged) when it is not a readable event: the same skip for a reader that
     * keeps every fact of a topic rather than the latest per key.
     */
    public static <T extends SpecificRecord> Optional<T> decode(
            EventCodec<T> codec, ConsumerRecord<String, byte[]> record) {
        try {
            return Optional.of(codec.decode(record.value()));
        } catch (MalformedEventException e) {
            skip(record, e.getMessage());
            return Optional.empty();
        }
    }

    @SuppressWarnings("unchecked") // decoded with the codec of the projection's own topic: the value is a T
    private static <T extends SpecificRecord> Optional<String> put(
            Projection<T> projection, String key, SpecificRecord value) {
        return projection.put(key, (T) value);
    }

    private static void skip(ConsumerRecord<String, byte[]> record, String why) {
        LOG.warn("skipping unreadable record {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), why);
    }
}
