package io.stagepass.ingest.hls;

/** A pushed body exceeded the configured limit: answered 413, nothing kept. */
public final class BodyTooLargeException extends Exception {
    public BodyTooLargeException(long limit) {
        super("body exceeds the limit of " + limit + " bytes (STAGEPASS_INGEST_MAX_BODY)");
    }
}
