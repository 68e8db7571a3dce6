package io.stagepass.jobs.replay;

/** A replay cannot be built from what the live left (no segment, none readable): it is FAILED with this reason. */
public final class PackagingException extends Exception {
    public PackagingException(String message) {
        super(message);
    }
}
