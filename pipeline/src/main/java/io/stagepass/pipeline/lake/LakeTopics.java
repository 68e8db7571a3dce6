package io.stagepass.pipeline.lake;

import io.stagepass.events.Topic;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Each topic has its own record type, so an event names its topic. */
final class LakeTopics {
    private static final Map<Class<?>, Topic> BY_TYPE = new HashMap<>();

    static {
        for (Topic topic : Topic.values()) {
            if (BY_TYPE.put(topic.valueType(), topic) != null) {
                throw new IllegalStateException(
                        "two topics share the type " + topic.valueType().getSimpleName());
            }
        }
    }

    private LakeTopics() {}

    static Topic of(SpecificRecord event) {
        Topic topic = BY_TYPE.get(event.getClass());
        if (topic == null) {
            throw new IllegalArgumentException(
                    "not a topic's event: " + event.getClass().getName());
        }
        return topic;
    }
}
