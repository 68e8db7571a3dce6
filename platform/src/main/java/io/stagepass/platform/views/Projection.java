package io.stagepass.platform.views;

import io.stagepass.events.Topic;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;

/**
 * One named piece of state a service keeps of a topic (lives by id, tickets, a live's revenue...), rebuilt from the
 * topic's records by a {@link TopicView}. Each record reaches it decoded, on the view's one thread; readers on other
 * threads only read, and a read never creates state. What a tombstone means is the same for every projection: see
 * {@link Projections}.
 *
 * @param <T> the topic's value type, {@link Topic#valueType()}
 */
public interface Projection<T extends SpecificRecord> {
    /** What it holds, in a word: the log line of a loaded view, and what a listener switches on. */
    String name();

    /** The topic it is built from. */
    Topic topic();

    /**
     * Applies the value a record carries under {@code key}. Returns the id of what changed, for listeners (a live
     * id, a creator id), or empty when nothing did (a redelivered fact).
     */
    Optional<String> put(String key, T value);

    /** The key was deleted (a tombstone): its entry goes. Returns the id of what changed, or empty when nothing did. */
    Optional<String> remove(String key);

    /** Entries held, for the log line of a loaded view. */
    int size();
}
