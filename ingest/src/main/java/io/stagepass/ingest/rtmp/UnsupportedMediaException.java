package io.stagepass.ingest.rtmp;

/** The publisher sends media that browsers cannot play as we store it; the message tells the creator what to set. */
public final class UnsupportedMediaException extends Exception {
    public UnsupportedMediaException(String message) {
        super(message);
    }
}
