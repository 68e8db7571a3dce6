package io.stagepass.media;

/** An FFmpeg call failed; {@link #code()} is FFmpeg's (negative) error code, 0 when the failure is ours. */
public final class MediaException extends RuntimeException {
    private final int code;

    public MediaException(String message, int code) {
        super(message);
        this.code = code;
    }

    public MediaException(String message) {
        this(message, 0);
    }

    public int code() {
        return code;
    }
}
