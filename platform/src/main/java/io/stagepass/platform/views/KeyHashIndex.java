package io.stagepass.platform.views;

import io.stagepass.events.Topic;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.avro.specific.SpecificRecord;

/**
 * Entities of a catalog topic found by the SHA-256 of a secret they were given (a creator's or an analyst's API key,
 * a live's stream key; the secrets themselves are never stored): each entity by its key on the topic, and which
 * entity holds each current key hash. A rotated key finds nobody, nor does the key of an entity whose record was
 * deleted; an entity without a key hash (a revoked analyst) is found by id only.
 */
public final class KeyHashIndex<T extends SpecificRecord> implements Projection<T> {
    private final String name;
    private final Topic topic;
    private final Function<T, String> keyHash;
    private final Map<String, T> byId = new ConcurrentHashMap<>();
    private final Map<String, String> idByKeyHash = new ConcurrentHashMap<>();

    /** {@code keyHash} reads an entity's current key hash, null when it has none. */
    public KeyHashIndex(String name, Topic topic, Function<T, String> keyHash) {
        this.name = name;
        this.topic = topic;
        this.keyHash = keyHash;
    }

    public Optional<T> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The entity whose current key has this hash. */
    public Optional<T> byKeyHash(String hash) {
        return Optional.ofNullable(idByKeyHash.get(hash))
                .map(byId::get)
                // a reader between a rotation's two map writes must not find the entity by its old key
                .filter(entity -> hash.equals(keyHash.apply(entity)));
    }

    @Override
    public Optional<String> put(String id, T entity) {
        T previous = byId.put(id, entity);
        String hash = keyHash.apply(entity);
        if (previous != null) {
            String old = keyHash.apply(previous);
            if (old != null && !old.equals(hash)) {
                idByKeyHash.remove(old, id);
            }
        }
        if (hash != null) {
            idByKeyHash.put(hash, id);
        }
        return Optional.of(id);
    }

    @Override
    public Optional<String> remove(String id) {
        T previous = byId.remove(id);
        if (previous == null) {
            return Optional.empty();
        }
        String old = keyHash.apply(previous);
        if (old != null) {
            idByKeyHash.remove(old, id);
        }
        return Optional.of(id);
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
        return byId.size();
    }
}
