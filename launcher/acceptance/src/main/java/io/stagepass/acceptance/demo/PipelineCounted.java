package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.pipeline.activity.TopicActivityJob;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The topic-activity job counted at least what the traffic sent to each topic. */
record PipelineCounted(KafkaSettings kafka, Sent sent, Marks marks) implements Check {
    @Override
    public String name() {
        return "the pipeline counted every event";
    }

    @Override
    public Optional<String> announcement() {
        return Optional.of(String.format(
                "Waiting for the pipeline's topic-activity counts (%d s windows, committed on checkpoint)...",
                TopicActivityJob.WINDOW.toSeconds()));
    }

    @Override
    public CheckResult run() throws Exception {
        EventCodec<TopicActivity> codec = EventCodec.of(TopicActivity.class);
        Await.Outcome<Map<String, Long>> counted;
        try (TopicReader reader = new TopicReader(kafka)) {
            counted = Await.until(
                    Waits.PIPELINE,
                    Waits.POLL,
                    () -> {
                        Map<String, Long> totals = new TreeMap<>();
                        for (ConsumerRecord<String, byte[]> record : reader.readFrom(
                                Topic.TOPIC_ACTIVITY, marks.of(Topic.TOPIC_ACTIVITY), Waits.READ_TIMEOUT)) {
                            TopicActivity activity = codec.decode(record.value());
                            totals.merge(activity.getTopicName(), activity.getRecords(), Long::sum);
                        }
                        return totals;
                    },
                    this::covers);
        }
        if (!counted.met()) {
            return CheckResult.failed(
                    name(),
                    List.of("  the pipeline did not count every event within " + Waits.PIPELINE.toSeconds()
                            + " s; counted: " + counted.value()));
        }
        return CheckResult.held(
                name(),
                counted.value().entrySet().stream()
                        .map(e -> String.format("  %-32s %3d records counted", e.getKey(), e.getValue()))
                        .toList());
    }

    private boolean covers(Map<String, Long> counted) {
        return sent.counts().entrySet().stream()
                .allMatch(e -> counted.getOrDefault(e.getKey().topicName(), 0L) >= e.getValue());
    }
}
