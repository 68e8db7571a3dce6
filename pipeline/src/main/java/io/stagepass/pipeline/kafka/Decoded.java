package io.stagepass.pipeline.kafka;

/**
 * What the Kafka source hands on: a contract event, or the record that would not decode and why. Decoding in the
 * source lets a job assign event-time watermarks in {@code fromSource}, per Kafka partition.
 */
public final class Decoded<T> {
    private final T value;
    private final RawRecord failed;
    private final String reason;

    private Decoded(T value, RawRecord failed, String reason) {
        this.value = value;
        this.failed = failed;
        this.reason = reason;
    }

    public static <T> Decoded<T> of(T value) {
        return new Decoded<>(value, null, null);
    }

    public static <T> Decoded<T> failed(RawRecord record, String reason) {
        return new Decoded<>(null, record, reason);
    }

    /** The event; null when the record did not decode. */
    public T value() {
        return value;
    }

    public RawRecord failedRecord() {
        return failed;
    }

    public String reason() {
        return reason;
    }
}
