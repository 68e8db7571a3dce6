package io.stagepass.acceptance.facts;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.TopicReader;
import java.util.EnumMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * Where every topic ended at a moment (for read_committed readers: its last stable offset): taken before a scenario's
 * traffic, everything the scenario caused comes after.
 */
public record Marks(Map<Topic, Map<TopicPartition, Long>> ends) {
    public static Marks now(KafkaSettings kafka) {
        Map<Topic, Map<TopicPartition, Long>> ends = new EnumMap<>(Topic.class);
        try (TopicReader reader = new TopicReader(kafka)) {
            for (Topic topic : Topic.values()) {
                ends.put(topic, reader.endOffsets(topic));
            }
        }
        return new Marks(Map.copyOf(ends));
    }

    /** Where {@code topic} ended. */
    public Map<TopicPartition, Long> of(Topic topic) {
        return ends.getOrDefault(topic, Map.of());
    }
}
