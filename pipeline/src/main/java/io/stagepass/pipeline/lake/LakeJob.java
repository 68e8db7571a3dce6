package io.stagepass.pipeline.lake;

import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.kafka.DecodeOrDeadLetter;
import io.stagepass.pipeline.kafka.KafkaIo;
import java.util.Arrays;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamSink;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Every topic's events, exactly once, as Parquet in the {@code lake} bucket under
 * {@code topic=<topic>/date=YYYY-MM-DD/hour=HH/} (the event's time, UTC): rolling files every few minutes while an
 * hour is busy, compacted into one file per partition-hour and writer once it is quiet (unless it grows past
 * {@link #TARGET_FILE_BYTES} or late events arrive after that). Runs on its own, longer checkpoint interval. See
 * docs/lake.md.
 */
public final class LakeJob implements PipelineJob {
    public static final String NAME = "lake";
    /** Staged parts of a partition-hour are published as one file once they reach this size. */
    public static final long TARGET_FILE_BYTES = 128L * 1024 * 1024;
    /** A compaction's record is kept for this many checkpoint intervals (10 minutes at the defaults). */
    static final int RETIRE_AFTER_CHECKPOINTS = 10;

    @Override
    public String name() {
        return NAME;
    }

    /** Reads every topic; records that do not decode go to the dead-letter topic. */
    public static SingleOutputStreamOperator<SpecificRecord> events(
            StreamExecutionEnvironment env, PipelineConfig config) {
        SingleOutputStreamOperator<SpecificRecord> events = env.fromSource(
                        KafkaIo.source(
                                config,
                                PipelineJob.flinkName(NAME),
                                Arrays.asList(Topic.values()),
                                new LakeDeserializer()),
                        WatermarkStrategy.noWatermarks(),
                        "all topics")
                .uid("lake-source")
                .process(new DecodeOrDeadLetter<>(SpecificRecord.class, NAME))
                .uid("lake-decode")
                .name("decode");
        KafkaIo.deadLetters(events, config, NAME);
        return events;
    }

    /**
     * The topology, free of sources and sinks: each fact once ({@link FirstOfEachEvent}), into {@code sink}. The
     * stages carry uids so a restored job finds what it remembered and its pending files.
     */
    public static DataStreamSink<SpecificRecord> defineWorkflow(
            DataStream<SpecificRecord> events, Sink<SpecificRecord> sink) {
        return events.map(FirstOfEachEvent.Encoded::of)
                .returns(FirstOfEachEvent.Encoded.class)
                .uid("lake-encode")
                .name("encode")
                .keyBy(encoded -> encoded.key, Types.STRING)
                .process(new FirstOfEachEvent())
                .returns(new GenericTypeInfo<>(SpecificRecord.class))
                .uid("lake-dedupe")
                .name("each fact once")
                .sinkTo(sink)
                .uid("lake-sink")
                .name("lake (Parquet)");
    }

    /** Parquet in the lake bucket, exactly once. */
    public static LakeSink sink(PipelineConfig config) {
        return new LakeSink(new LakeSink.Settings(
                LakeStore.Endpoint.of(config.s3()),
                config.lakePublishEvery(),
                config.lakeCloseAfter(),
                TARGET_FILE_BYTES,
                config.lakeCheckpointInterval().multipliedBy(RETIRE_AFTER_CHECKPOINTS)));
    }

    @Override
    public void define(StreamExecutionEnvironment env, PipelineConfig config) {
        env.enableCheckpointing(config.lakeCheckpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        defineWorkflow(events(env, config), sink(config));
    }
}
