package io.stagepass.platform.kafka;

/** Kafka did not acknowledge every record of a publish in time: none of them may be reported as stored. */
public final class NotDurableException extends RuntimeException {
    public NotDurableException(String message, Throwable cause) {
        super(message, cause);
    }
}
