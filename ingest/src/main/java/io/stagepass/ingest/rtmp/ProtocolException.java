package io.stagepass.ingest.rtmp;

/** The peer broke RTMP (or one of our limits): the connection is closed, and the message says why in the log. */
public final class ProtocolException extends Exception {
    public ProtocolException(String message) {
        super(message);
    }
}
