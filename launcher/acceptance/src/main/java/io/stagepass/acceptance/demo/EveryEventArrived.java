package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.events.EventCodec;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Every event the traffic sent is on its topic since the marks, once, and decodes. */
record EveryEventArrived(KafkaSettings kafka, Sent sent, Marks marks) implements Check {
    @Override
    public String name() {
        return "every event arrived";
    }

    @Override
    public Optional<String> announcement() {
        return Optional.of("Reading every topic back (read_committed):");
    }

    @Override
    public CheckResult run() throws Exception {
        List<String> lines = new ArrayList<>();
        boolean all = true;
        try (TopicReader reader = new TopicReader(kafka)) {
            for (Map.Entry<Topic, Integer> entry : sent.counts().entrySet().stream()
                    .sorted(Map.Entry.comparingByKey())
                    .toList()) {
                Topic topic = entry.getKey();
                List<ConsumerRecord<String, byte[]>> records = Await.until(
                                Waits.INGEST,
                                Waits.FAST_POLL,
                                () -> reader.readFrom(topic, marks.of(topic), Waits.READ_TIMEOUT),
                                read -> read.stream().filter(r -> !rendition(r)).count() >= entry.getValue())
                        .value();
                EventCodec<?> codec = EventCodec.of(topic.valueType());
                // The segment facts ingest wrote; the jobs worker adds one per segment for its 360p rendition.
                records.forEach(record -> codec.decode(record.value()));
                long renditions =
                        records.stream().filter(EveryEventArrived::rendition).count();
                long read = records.size() - renditions;
                boolean ok = read == entry.getValue();
                all &= ok;
                lines.add(String.format(
                        "  %-32s sent %3d  read back %3d  %s%s",
                        topic.topicName(),
                        entry.getValue(),
                        read,
                        ok ? "ok" : "MISSING",
                        renditions > 0 ? " (and " + renditions + " 360p renditions the jobs worker made)" : ""));
            }
        }
        return CheckResult.of(name(), all, lines);
    }

    /** A segment fact the jobs worker wrote for a 360p rendition, not one ingest wrote. */
    private static boolean rendition(ConsumerRecord<String, byte[]> record) {
        if (!Topic.SEGMENTS.topicName().equals(record.topic())) {
            return false;
        }
        return SEGMENTS.decode(record.value()).getRendition() != null;
    }

    private static final EventCodec<SegmentStored> SEGMENTS = EventCodec.of(SegmentStored.class);
}
