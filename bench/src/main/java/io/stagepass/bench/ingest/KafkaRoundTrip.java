package io.stagepass.bench.ingest;

import io.stagepass.bench.Latencies;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

/** The baseline of PUT-to-event: a plain durable producer to a read_committed consumer through the same broker. */
final class KafkaRoundTrip {
    private KafkaRoundTrip() {}

    /** Sends {@code count} small records one at a time, each timed until the consumer has it. */
    static Latencies measure(KafkaSettings kafka, int count) {
        Latencies latencies = new Latencies();
        try (KafkaProducer<String, byte[]> producer =
                        new KafkaProducer<>(KafkaClients.durableProducer(kafka, "bench-baseline"));
                KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(kafka)) {
            TopicPartition partition = new TopicPartition(Topic.DEAD_LETTERS.topicName(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                producer.send(new ProducerRecord<>(partition.topic(), 0, "bench", new byte[200]));
                while (consumer.poll(Duration.ofMillis(5)).isEmpty()) {
                    // wait for it
                }
                latencies.add((System.nanoTime() - start) / 1000);
            }
        }
        return latencies;
    }
}
