package io.stagepass.replay.views;

import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/**
 * A projection that folds a topic's records into one value per live ({@link LiveRevenue}, {@link LiveAudience},
 * {@link LiveMedia}), made when the live's first record arrives. Reading never makes one: a live nothing has
 * happened to yet has none.
 */
abstract class PerLive<T extends SpecificRecord, V> implements Projection<T> {
    private final String name;
    private final Topic topic;
    private final Map<String, V> byLive = new ConcurrentHashMap<>();

    PerLive(String name, Topic topic) {
        this.name = name;
        this.topic = topic;
    }

    /** What the view holds of the live; empty before its first record. */
    public Optional<V> of(String liveId) {
        return Optional.ofNullable(byLive.get(liveId));
    }

    /** The lives the view holds something of. */
    java.util.Set<String> lives() {
        return byLive.keySet();
    }

    /** The live a record is about. */
    abstract String liveId(T record);

    abstract V empty();

    /** Folds the record into the live's value; false when that changed nothing (a redelivery). */
    abstract boolean add(V live, T record);

    @Override
    public final Optional<String> put(String key, T record) {
        String liveId = liveId(record);
        return add(byLive.computeIfAbsent(liveId, id -> empty()), record) ? Optional.of(liveId) : Optional.empty();
    }

    /** A tombstone of a compacted topic keyed by live id forgets the live (fact topics never send one here). */
    @Override
    public Optional<String> remove(String liveId) {
        return byLive.remove(liveId) == null ? Optional.empty() : Optional.of(liveId);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final Topic topic() {
        return topic;
    }

    @Override
    public final int size() {
        return byLive.size();
    }
}
