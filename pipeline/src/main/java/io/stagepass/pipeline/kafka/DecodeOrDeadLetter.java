package io.stagepass.pipeline.kafka;

import io.stagepass.events.DeadLetter;
import io.stagepass.events.DeadLetterType;
import io.stagepass.events.DeadLetters;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Passes decoded contract events on; a record that did not decode goes, whole and with the reason, to the
 * {@link #DEAD_LETTERS} side output, is counted ({@code deadLetters} metric), and the job keeps running.
 */
public final class DecodeOrDeadLetter<T extends SpecificRecord> extends ProcessFunction<Decoded<T>, T>
        implements ResultTypeQueryable<T> {
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private final Class<T> type;
    private final String jobName;
    private transient Counter deadLetters;

    public DecodeOrDeadLetter(Class<T> type, String jobName) {
        this.type = type;
        this.jobName = jobName;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type); // Avro's serializer, through flink-avro
    }

    @Override
    public void processElement(Decoded<T> decoded, Context context, Collector<T> out) {
        if (decoded.value() != null) {
            out.collect(decoded.value());
        } else {
            if (deadLetters == null) {
                deadLetters = getRuntimeContext().getMetricGroup().counter("deadLetters");
            }
            deadLetters.inc();
            context.output(DEAD_LETTERS, deadLetter(decoded.failedRecord(), decoded.reason(), jobName));
        }
    }

    /** The dead letter of a record that did not decode. */
    public static DeadLetter deadLetter(RawRecord record, String reason, String jobName) {
        return DeadLetters.of(
                DeadLetterType.UNREADABLE,
                record.topic,
                record.partition,
                record.offset,
                record.key,
                record.value,
                "pipeline/" + jobName,
                reason);
    }
}
