package io.stagepass.bench.pipeline;

import io.stagepass.events.Beacon;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Phase 2, the baseline (a): a plain read_committed consumer reads both input topics to their end offsets, touching
 * every value; and (a'), for information, the same consumer decoding every value with the contract's codec.
 */
final class BaselineConsumer {
    private final KafkaSettings kafka;
    private final boolean decode;
    private final EventCodec<Beacon> beacons = EventCodec.of(Beacon.class);
    private final EventCodec<PaymentFact> payments = EventCodec.of(PaymentFact.class);
    private long records;
    private long bytes;
    private long touched;

    private BaselineConsumer(KafkaSettings kafka, boolean decode) {
        this.kafka = kafka;
        this.decode = decode;
    }

    /** (a): reads every record, summing value lengths. */
    static Consumed plain(KafkaSettings kafka) {
        return new BaselineConsumer(kafka, false).run();
    }

    /** (a'): reads every record and decodes its value. */
    static Consumed decoding(KafkaSettings kafka) {
        return new BaselineConsumer(kafka, true).run();
    }

    private Consumed run() {
        String what = decode
                ? "plain consumer + Avro decode of every value (for information)"
                : "plain KafkaConsumer<byte[],byte[]>, read_committed, summing value lengths";
        System.out.printf("%n[%s] baseline: %s%n", decode ? "2'" : "2", what);
        try (KafkaConsumer<byte[], byte[]> consumer = BenchConsumers.plainReader(kafka, "bench-baseline")) {
            List<TopicPartition> partitions = BenchConsumers.partitions(consumer, BenchJobs.INPUTS);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<TopicPartition> open = new HashSet<>(partitions);
            long start = System.nanoTime();
            ProgressTicks progress = new ProgressTicks(start);
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    read(record);
                }
                open.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
                if (progress.due(System.nanoTime())) {
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("  %5.0f s  read %,d, %,.0f events/s%n", seconds, records, records / seconds);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Consumed consumed = new Consumed(records, bytes, seconds);
            System.out.printf(
                    "  read %,d records (%.1f MB of values%s) in %.2f s: %,.0f events/s%n",
                    records, bytes / 1e6, decode ? ", checksum " + (touched & 0xFFFF) : "", seconds, consumed.rate());
            return consumed;
        }
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        records++;
        bytes += record.value().length;
        if (decode) {
            touched += record.topic().equals(Topic.BEACONS.topicName())
                    ? beacons.decode(record.value()).getPositionMillis()
                    : payments.decode(record.value()).getAmountMinor();
        }
    }
}
