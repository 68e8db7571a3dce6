package io.stagepass.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The one way a consumer builds the dead letter of a record it cannot read or accept. */
public final class DeadLetters {
    private DeadLetters() {}

    /**
     * The record kept whole with the reason. Its id is derived from where the record sits (topic, partition, offset),
     * so the same bad record gives the same dead letter however often a consumer replays it.
     */
    public static DeadLetter of(
            DeadLetterType type,
            String topic,
            int partition,
            long offset,
            byte[] key,
            byte[] value,
            String detectedBy,
            String reason) {
        return DeadLetter.newBuilder()
                .setEventId(Ids.derivedEventId("dead-letter", topic + "/" + partition + "/" + offset))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(type)
                .setSourceTopic(topic)
                .setSourcePartition(partition)
                .setSourceOffset(offset)
                .setDetectedBy(detectedBy)
                .setReason(reason)
                .setOriginalKey(key == null ? null : ByteBuffer.wrap(key))
                .setOriginalValue(value == null ? null : ByteBuffer.wrap(value))
                .build();
    }

    /**
     * A Stripe event about a live that cannot be a ticket (not an offer we signed, or charged otherwise than offered):
     * the event's JSON as Stripe sent it, with the reason. One dead letter per Stripe event, however often it comes.
     */
    public static DeadLetter refusedPayment(String stripeEventId, String liveId, byte[] payload, String reason) {
        return DeadLetter.newBuilder()
                .setEventId(Ids.derivedEventId("dead-letter", "stripe/" + stripeEventId))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(DeadLetterType.INVALID)
                .setSourceTopic("stripe-webhook")
                .setSourcePartition(-1)
                .setSourceOffset(-1)
                .setDetectedBy("ingest")
                .setReason(reason)
                .setOriginalKey(liveId == null ? null : ByteBuffer.wrap(liveId.getBytes(StandardCharsets.UTF_8)))
                .setOriginalValue(ByteBuffer.wrap(payload))
                .build();
    }

    /** A record whose key is a string (every Stagepass topic's). */
    public static DeadLetter unreadable(
            String topic, int partition, long offset, String key, byte[] value, String detectedBy, String reason) {
        return of(
                DeadLetterType.UNREADABLE,
                topic,
                partition,
                offset,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value,
                detectedBy,
                reason);
    }
}
