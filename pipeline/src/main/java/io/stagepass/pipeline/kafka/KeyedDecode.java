package io.stagepass.pipeline.kafka;

import io.stagepass.events.EventCodec;
import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Decodes records that were sent, as bytes, to the subtask of their Kafka key. An event whose own key (its
 * {@code liveId}) is not the record's key would be kept under the wrong key, so it is a dead letter, like a record
 * that does not decode.
 */
final class KeyedDecode<T extends SpecificRecord> extends KeyedProcessFunction<String, RawRecord, T>
        implements ResultTypeQueryable<T> {
    private final Class<T> type;
    private final String jobName;
    private final SerializableFunction<T, String> keyOf;
    private transient EventCodec<T> codec;
    private transient Counter deadLetters;

    KeyedDecode(Class<T> type, String jobName, SerializableFunction<T, String> keyOf) {
        this.type = type;
        this.jobName = jobName;
        this.keyOf = keyOf;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }

    @Override
    public void processElement(RawRecord record, Context context, Collector<T> out) {
        if (codec == null) {
            codec = EventCodec.of(type);
            deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
        }
        Decoded<T> decoded = DecodingDeserializer.decode(record, codec);
        String reason = decoded.reason();
        if (decoded.value() != null) {
            String key = keyOf.apply(decoded.value());
            if (key.equals(context.getCurrentKey())) {
                out.collect(decoded.value());
                return;
            }
            reason = "record key '" + context.getCurrentKey() + "' is not the event's key '" + key + "'";
        }
        deadLetters.inc();
        context.output(DecodeOrDeadLetter.DEAD_LETTERS, DecodeOrDeadLetter.deadLetter(record, reason, jobName));
    }

    static String key(RawRecord record) {
        return record.key == null ? "" : new String(record.key, StandardCharsets.UTF_8);
    }
}
