package io.stagepass.pipeline.activity;

import io.stagepass.events.Ids;
import io.stagepass.events.TopicActivity;
import io.stagepass.events.TopicActivityType;
import java.time.Instant;
import org.apache.flink.streaming.api.functions.windowing.ProcessWindowFunction;
import org.apache.flink.streaming.api.windowing.windows.TimeWindow;
import org.apache.flink.util.Collector;

/** Turns a window's counts into the contract's metric record. */
final class ToTopicActivity extends ProcessWindowFunction<long[], TopicActivity, String, TimeWindow> {
    @Override
    public void process(String topic, Context context, Iterable<long[]> counts, Collector<TopicActivity> out) {
        long[] total = counts.iterator().next();
        TimeWindow window = context.window();
        out.collect(TopicActivity.newBuilder()
                // Same window, same id: a consumer can deduplicate a window re-emitted after a restore.
                .setEventId(Ids.derivedEventId("topic-activity", topic + "/" + window.getStart()))
                .setOccurredAt(Instant.ofEpochMilli(window.getEnd()))
                .setType(TopicActivityType.WINDOW)
                .setTopicName(topic)
                .setWindowStart(Instant.ofEpochMilli(window.getStart()))
                .setWindowEnd(Instant.ofEpochMilli(window.getEnd()))
                .setRecords(total[0])
                .setBytes(total[1])
                .build());
    }
}
