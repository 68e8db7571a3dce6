package io.stagepass.ingest.hls;

/** The spool has no room for another segment: answered 507 and counted, nothing half-written is kept. */
public final class SpoolFullException extends Exception {
    public SpoolFullException(String message) {
        super(message);
    }
}
