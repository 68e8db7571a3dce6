package io.stagepass.platform.views;

import io.stagepass.events.Topic;
import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.specific.SpecificRecord;

/** The latest value of every key of a topic, as the compacted topic itself holds it. */
public final class LatestByKey<T extends SpecificRecord> implements Projection<T> {
    private final String name;
    private final Topic topic;
    private final Map<String, T> values = new ConcurrentHashMap<>();

    public LatestByKey(String name, Topic topic) {
        this.name = name;
        this.topic = topic;
    }

    public Optional<T> get(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /** A live, unmodifiable view of the values, for a reader that filters them. */
    public Collection<T> values() {
        return Collections.unmodifiableCollection(values.values());
    }

    /** A copy, sorted by key. */
    public Map<String, T> toMap() {
        return new TreeMap<>(values);
    }

    @Override
    public Optional<String> put(String key, T value) {
        values.put(key, value);
        return Optional.of(key);
    }

    @Override
    public Optional<String> remove(String key) {
        return values.remove(key) == null ? Optional.empty() : Optional.of(key);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Topic topic() {
        return topic;
    }

    @Override
    public int size() {
        return values.size();
    }
}
