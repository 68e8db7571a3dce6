package io.stagepass.pipeline.lake;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.kafka.Decoded;
import io.stagepass.pipeline.kafka.DecodingDeserializer;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Decodes a record of any Stagepass topic with that topic's schema; one that does not decode is kept whole. */
final class LakeDeserializer implements KafkaRecordDeserializationSchema<Decoded<SpecificRecord>> {
    private transient Map<String, EventCodec<? extends SpecificRecord>> codecs;

    @Override
    public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Decoded<SpecificRecord>> out) {
        if (codecs == null) {
            codecs = new HashMap<>();
            for (Topic topic : Topic.values()) {
                codecs.put(topic.topicName(), EventCodec.of(topic.valueType()));
            }
        }
        out.collect(DecodingDeserializer.decode(record, codecs.get(record.topic())));
    }

    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TypeInformation<Decoded<SpecificRecord>> getProducedType() {
        return (TypeInformation) new GenericTypeInfo<>(Decoded.class);
    }
}
