package io.stagepass.ingest.hls;

/** The live has ended: a stream key serves one live, further pushes are refused (403). */
public final class LiveEndedException extends Exception {
    public LiveEndedException(String liveId) {
        super("live " + liveId + " has ended; schedule a new live for a new stream");
    }
}
