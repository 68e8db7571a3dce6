package io.stagepass.pipeline.kafka;

import io.stagepass.events.DeadLetter;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.sink.TransactionNamingStrategy;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;

/** Kafka sources and sinks as every pipeline job uses them. */
public final class KafkaIo {
    /**
     * Must exceed the checkpoint interval plus the time to restart after a failure, or the broker aborts a
     * transaction the job still means to commit; and must not exceed the broker's transaction.max.timeout.ms
     * (15 min by default).
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(10);
    /** A Kafka partition silent this long no longer holds an event-time job's watermark back. */
    public static final Duration IDLE_AFTER = Duration.ofSeconds(5);
    /** When every partition is this quiet, event time follows the wall clock, so the last windows close. */
    public static final Duration CATCH_UP_AFTER = Duration.ofSeconds(30);

    private KafkaIo() {}

    /**
     * A source that reads only committed records (our inputs may be transactional outputs of other jobs), starts
     * from the group's committed offsets (or the beginning on first start) and commits them on checkpoints.
     */
    public static <T> KafkaSource<T> source(
            PipelineConfig config,
            String groupId,
            List<Topic> topics,
            KafkaRecordDeserializationSchema<T> deserializer) {
        return KafkaSource.<T>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setTopics(topics.stream().map(Topic::topicName).toList())
                .setGroupId(groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .setDeserializer(deserializer)
                .build();
    }

    /**
     * A topic's events, decoded with the contract, for a job that works in processing time: unreadable records go,
     * whole and with the reason, to the dead-letter topic (exactly once, under the job's own transactional ids)
     * and the job goes on.
     */
    public static <T extends SpecificRecord> SingleOutputStreamOperator<T> decodedSource(
            StreamExecutionEnvironment env, PipelineConfig config, String jobName, Topic topic, Class<T> type) {
        return decodedSource(env, config, jobName, topic, type, WatermarkStrategy.noWatermarks());
    }

    /**
     * The same, in event time: timestamps from {@code eventTime}, watermarks {@code maxOutOfOrderness} behind the
     * largest timestamp seen, generated in the source for each Kafka partition (a watermark assigned after the
     * source, on a subtask reading several partitions, would run ahead of the slower ones and drop their records
     * as late). A partition without records for {@link #IDLE_AFTER} stops holding the job back, and after
     * {@link #CATCH_UP_AFTER} its watermark follows the wall clock ({@link CatchUpWatermarks}).
     */
    public static <T extends SpecificRecord> SingleOutputStreamOperator<T> eventTimeSource(
            StreamExecutionEnvironment env,
            PipelineConfig config,
            String jobName,
            Topic topic,
            Class<T> type,
            SerializableFunction<T, Long> eventTime,
            Duration maxOutOfOrderness) {
        WatermarkStrategy<Decoded<T>> watermarks = KafkaIo.<Decoded<T>>catchUpWatermarks(maxOutOfOrderness)
                // A record that did not decode has no event time; the broker's (now) would move the watermark of a
                // partition being replayed from the past ahead of its remaining records.
                .withTimestampAssigner((decoded, recordTime) ->
                        decoded.value() == null ? Long.MIN_VALUE : eventTime.apply(decoded.value()));
        return decodedSource(env, config, jobName, topic, type, watermarks);
    }

    /**
     * The same, keyed by the Kafka record key, for a job that keys its events by that key anyway ({@code liveId}):
     * records cross the network to the subtask of their key as bytes (cheap to copy) and are decoded once there,
     * instead of being decoded in the source and then serialized and deserialized again for the shuffle. The event
     * time is read from the bytes ({@link EventCodec#occurredAtMillis}). An event whose own key ({@code keyOf}) is not
     * the record's key goes to the dead-letter topic.
     */
    public static <T extends SpecificRecord> KeyedStream<T, String> keyedEventTimeSource(
            StreamExecutionEnvironment env,
            PipelineConfig config,
            String jobName,
            Topic topic,
            Class<T> type,
            SerializableFunction<T, String> keyOf,
            Duration maxOutOfOrderness) {
        WatermarkStrategy<RawRecord> watermarks = KafkaIo.<RawRecord>catchUpWatermarks(maxOutOfOrderness)
                .withTimestampAssigner((record, recordTime) -> EventCodec.occurredAtMillis(record.value));
        String uid = jobName + "-" + topic.topicName();
        SingleOutputStreamOperator<T> events = env.fromSource(
                        source(config, PipelineJob.flinkName(jobName), List.of(topic), new RawRecordDeserializer()),
                        watermarks,
                        topic.topicName())
                .uid(uid + "-source")
                .keyBy(KeyedDecode::key)
                .process(new KeyedDecode<>(type, jobName, keyOf))
                .uid(uid + "-decode")
                .name("decode " + topic.topicName());
        deadLetters(events, config, uid);
        // Decoded where their key lives, and only kept when the event's key is the record's: still keyed.
        return DataStreamUtils.reinterpretAsKeyedStream(events, keyOf::apply, Types.STRING);
    }

    /** Per-partition watermarks that stop holding the job back, then catch up, when a partition is quiet. */
    private static <X> WatermarkStrategy<X> catchUpWatermarks(Duration maxOutOfOrderness) {
        long outOfOrderness = maxOutOfOrderness.toMillis();
        long idle = IDLE_AFTER.toMillis();
        long catchUp = CATCH_UP_AFTER.toMillis();
        return WatermarkStrategy.forGenerator(context -> new CatchUpWatermarks<>(
                outOfOrderness,
                idle,
                catchUp,
                context.getInputActivityClock()::relativeTimeMillis,
                System::currentTimeMillis));
    }

    private static <T extends SpecificRecord> SingleOutputStreamOperator<T> decodedSource(
            StreamExecutionEnvironment env,
            PipelineConfig config,
            String jobName,
            Topic topic,
            Class<T> type,
            WatermarkStrategy<Decoded<T>> watermarks) {
        String uid = jobName + "-" + topic.topicName();
        SingleOutputStreamOperator<T> events = env.fromSource(
                        source(
                                config,
                                PipelineJob.flinkName(jobName),
                                List.of(topic),
                                new DecodingDeserializer<>(type)),
                        watermarks,
                        topic.topicName())
                .uid(uid + "-source")
                .process(new DecodeOrDeadLetter<>(type, jobName))
                .uid(uid + "-decode")
                .name("decode " + topic.topicName());
        deadLetters(events, config, uid);
        return events;
    }

    /**
     * The dead letters of a decoding step, to their topic, exactly once under the step's own transactional ids
     * ({@code uid-deadletters}; the sink's uid is {@code uid-deadletter-sink}).
     */
    public static void deadLetters(SingleOutputStreamOperator<?> decoded, PipelineConfig config, String uid) {
        decoded.getSideOutput(DecodeOrDeadLetter.DEAD_LETTERS)
                .sinkTo(exactlyOnceSink(
                        config,
                        uid + "-deadletters",
                        Topic.DEAD_LETTERS,
                        DeadLetter.class,
                        letter -> letter.getOriginalKey() == null
                                ? letter.getSourceTopic()
                                : StandardCharsets.UTF_8
                                        .decode(letter.getOriginalKey().duplicate())
                                        .toString()))
                .uid(uid + "-deadletter-sink")
                .name(Topic.DEAD_LETTERS.topicName());
    }

    /**
     * An exactly-once sink: records become visible to read_committed readers when the checkpoint that covers
     * them completes. One transactional-id prefix per job, so two jobs never fence each other. Transactional ids come
     * from a pool and are reused (POOLING): after a restart the committer may meet a transaction of the restored
     * checkpoint that was committed before the stop, which Kafka answers "fenced"; with reused ids the connector knows
     * that is expected during recovery and says so at WARN, where the incrementing ids logged an ERROR claiming data
     * loss after every clean restart (issue 22, finding 10).
     */
    public static <T extends SpecificRecord> KafkaSink<T> exactlyOnceSink(
            PipelineConfig config, String jobName, Topic topic, Class<T> type, SerializableFunction<T, String> key) {
        return KafkaSink.<T>builder()
                .setBootstrapServers(config.kafka().bootstrapServers())
                .setRecordSerializer(new EventSerializer<>(topic, type, key))
                .setDeliveryGuarantee(DeliveryGuarantee.EXACTLY_ONCE)
                .setTransactionalIdPrefix(PipelineJob.flinkName(jobName))
                .setTransactionNamingStrategy(TransactionNamingStrategy.POOLING)
                .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(TRANSACTION_TIMEOUT.toMillis()))
                .build();
    }
}
