package io.stagepass.bench.pipeline;

import io.stagepass.events.Topic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** What the produce phase wrote: counts, time taken, event-time span, and the topics' end offsets after it. */
record Produced(
        long events,
        long beacons,
        long payments,
        long bytes,
        double seconds,
        Instant from,
        Instant to,
        Map<TopicPartition, Long> endOffsets) {
    double rate() {
        return events / seconds;
    }

    /** Records in these topics: what a job reading them has to consume. */
    long endOf(List<Topic> topics) {
        return endOffsets.entrySet().stream()
                .filter(e -> topics.stream()
                        .anyMatch(t -> t.topicName().equals(e.getKey().topic())))
                .mapToLong(Map.Entry::getValue)
                .sum();
    }
}
