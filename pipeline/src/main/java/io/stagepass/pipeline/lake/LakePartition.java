package io.stagepass.pipeline.lake;

import io.stagepass.events.Topic;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import org.apache.avro.specific.SpecificRecord;

/**
 * Where an event lives in the lake: {@code topic=<topic>/date=YYYY-MM-DD/hour=HH/}, by the event's own time
 * ({@code occurredAt}, UTC), not by when it was written.
 */
record LakePartition(Topic topic, long hourStartMillis) {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter HOUR = DateTimeFormatter.ofPattern("HH");

    static LakePartition of(SpecificRecord event) {
        Topic topic = LakeTopics.of(event);
        Instant occurredAt =
                (Instant) event.get(event.getSchema().getField("occurredAt").pos());
        return new LakePartition(topic, occurredAt.truncatedTo(ChronoUnit.HOURS).toEpochMilli());
    }

    /** The object key prefix, ending with a slash. */
    String prefix() {
        ZonedDateTime hour = Instant.ofEpochMilli(hourStartMillis).atZone(ZoneOffset.UTC);
        return "topic=" + topic.topicName() + "/date=" + DATE.format(hour) + "/hour=" + HOUR.format(hour) + "/";
    }
}
