package io.stagepass.pipeline.activity;

import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.kafka.KafkaIo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.windowing.assigners.TumblingProcessingTimeWindows;

/**
 * Operations metric: records and bytes that reached each topic in each 10-second window of arrival time, so an
 * operator (and the demo) sees at a glance that segments, beacons and payments are flowing. Reads every topic
 * but its own output. Arrival time rather than event time because a window must close even when a topic goes
 * quiet: an event-time window of a silent topic would wait for its next record.
 */
public final class TopicActivityJob implements PipelineJob {
    public static final String NAME = "topic-activity";
    public static final Duration WINDOW = Duration.ofSeconds(10);

    @Override
    public String name() {
        return NAME;
    }

    /** The whole topology, free of sources and sinks, so tests can run it on any input and window size. */
    public static DataStream<TopicActivity> defineWorkflow(DataStream<RecordStat> records, Duration window) {
        return defineWorkflow(records, window, Duration.ZERO);
    }

    /** As above, with windows shifted by {@code offset} from the epoch-aligned ones. */
    public static DataStream<TopicActivity> defineWorkflow(
            DataStream<RecordStat> records, Duration window, Duration offset) {
        return records.keyBy(stat -> stat.topic)
                .window(TumblingProcessingTimeWindows.of(window, offset))
                .aggregate(new CountRecords(), new ToTopicActivity())
                .uid("topic-activity-window")
                .name("records and bytes per topic per window");
    }

    /** Input topics: all declared topics except the job's own output. */
    public static List<Topic> inputs() {
        return Arrays.stream(Topic.values())
                .filter(topic -> topic != Topic.TOPIC_ACTIVITY)
                .toList();
    }

    /** Reads every input topic, values undecoded. */
    public static Source<RecordStat, ?, ?> source(PipelineConfig config) {
        return KafkaIo.source(config, PipelineJob.flinkName(NAME), inputs(), new RecordStatDeserializer());
    }

    /** Writes each window's counts to the activity topic, exactly once. */
    public static Sink<TopicActivity> sink(PipelineConfig config) {
        return KafkaIo.exactlyOnceSink(
                config,
                NAME,
                Topic.TOPIC_ACTIVITY,
                TopicActivity.class,
                activity -> activity.getTopicName() + "/"
                        + activity.getWindowStart().toEpochMilli());
    }

    /** Connects records, through the topology, to a sink. */
    public static void attach(DataStream<RecordStat> records, Duration window, Sink<TopicActivity> sink) {
        attach(records, window, Duration.ZERO, sink);
    }

    public static void attach(
            DataStream<RecordStat> records, Duration window, Duration offset, Sink<TopicActivity> sink) {
        defineWorkflow(records, window, offset)
                .sinkTo(sink)
                .uid("topic-activity-sink")
                .name(Topic.TOPIC_ACTIVITY.topicName());
    }

    @Override
    public void define(StreamExecutionEnvironment env, PipelineConfig config) {
        DataStream<RecordStat> records = env.fromSource(source(config), WatermarkStrategy.noWatermarks(), "all topics")
                .uid("topic-activity-source");
        attach(records, WINDOW, sink(config));
    }
}
