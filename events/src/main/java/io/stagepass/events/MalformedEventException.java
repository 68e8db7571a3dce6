package io.stagepass.events;

/** A record's bytes are not a valid event of the expected type; nothing was built from them. */
public final class MalformedEventException extends RuntimeException {
    public MalformedEventException(String message) {
        super(message);
    }

    public MalformedEventException(String message, Throwable cause) {
        super(message, cause);
    }
}
