package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Topic;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class ProducedTest {
    private static final Map<TopicPartition, Long> END_OFFSETS = Map.of(
            new TopicPartition(Topic.BEACONS.topicName(), 0), 100L,
            new TopicPartition(Topic.BEACONS.topicName(), 1), 200L,
            new TopicPartition(Topic.PAYMENTS.topicName(), 0), 7L,
            new TopicPartition(Topic.DEAD_LETTERS.topicName(), 0), 5L);

    @Test
    void aJobHasToConsumeEveryPartitionOfItsTopicsAndNoOther() {
        Produced produced = new Produced(307, 300, 7, 0, 1.0, Instant.EPOCH, Instant.EPOCH, END_OFFSETS);

        assertThat(produced.endOf(List.of(Topic.PAYMENTS))).isEqualTo(7);
        assertThat(produced.endOf(BenchJobs.inputs("audience"))).isEqualTo(307);
        assertThat(produced.endOf(BenchJobs.INPUTS)).isEqualTo(307);
    }

    @Test
    void rateIsEventsPerSecond() {
        Produced produced = new Produced(3_000_000, 0, 0, 0, 1.5, Instant.EPOCH, Instant.EPOCH, END_OFFSETS);

        assertThat(produced.rate()).isEqualTo(2_000_000.0);
    }
}
