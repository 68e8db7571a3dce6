package io.stagepass.ingest.hls;

/**
 * A segment numbered far beyond the live's current one: refused (400), so that an encoder (or someone holding its key)
 * cannot make ingest keep state, or the object store keys, for numbers nobody will stream.
 */
public final class SequenceOutOfRangeException extends IllegalArgumentException {
    public SequenceOutOfRangeException(String message) {
        super(message);
    }
}
