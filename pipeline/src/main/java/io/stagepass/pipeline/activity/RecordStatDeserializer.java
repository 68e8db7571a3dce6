package io.stagepass.pipeline.activity;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Reads only the record's metadata: the value is never decoded, so any topic (even a poison record) counts. */
final class RecordStatDeserializer implements KafkaRecordDeserializationSchema<RecordStat> {
    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RecordStat> out) {
        long bytes =
                (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
        out.collect(new RecordStat(record.topic(), bytes));
    }

    @Override
    public TypeInformation<RecordStat> getProducedType() {
        return TypeInformation.of(RecordStat.class);
    }
}
