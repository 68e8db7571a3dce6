package io.stagepass.ingest.stage;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The creator's feed as guests receive it, with low delay: the creator's frames remuxed (not re-encoded) into a
 * fragmented MP4, one fragment per video frame, which a browser appends to Media Source Extensions. A viewer who joins
 * gets the stream's description and its init section, then fragments from the next keyframe on. The muxer runs only
 * while somebody watches.
 */
public final class ReturnFeed {
    /** A browser receiving the feed: text (the description) and binary (init section, fragments). */
    public interface Viewer {
        void text(String json);

        /** False when the viewer is too far behind to take more: it starts again at the next keyframe. */
        boolean binary(byte[] bytes);
    }

    private final Map<Viewer, Boolean> viewers = new ConcurrentHashMap<>(); // started: has had init and a keyframe
    private volatile byte[] init;
    private volatile String mime;
    private volatile long generation;
    private volatile long startedAtMillis;

    /** Whether anybody watches: the creator's connection muxes the feed only then. */
    public boolean wanted() {
        return !viewers.isEmpty();
    }

    public void subscribe(Viewer viewer) {
        viewers.put(viewer, Boolean.FALSE);
    }

    public void unsubscribe(Viewer viewer) {
        viewers.remove(viewer);
    }

    /**
     * A new stream (a publisher's first keyframe, or new parameters): its MIME type, its init section, and when its
     * first frame reached ingest (the page measures how long after that each frame is shown).
     */
    public synchronized void start(String mime, byte[] init, long startedAtMillis) {
        this.mime = mime;
        this.init = init;
        this.startedAtMillis = startedAtMillis;
        generation++;
        viewers.replaceAll((viewer, started) -> Boolean.FALSE);
    }

    /** A fragment; {@code keyframe} when it begins with one, where a viewer can start. */
    public synchronized void fragment(byte[] bytes, boolean keyframe) {
        if (init == null) {
            return;
        }
        for (Map.Entry<Viewer, Boolean> entry : viewers.entrySet()) {
            Viewer viewer = entry.getKey();
            if (!entry.getValue()) {
                if (!keyframe) {
                    continue;
                }
                viewer.text("{\"type\":\"feed\",\"mime\":\"" + mime.replace("\"", "\\\"") + "\",\"generation\":"
                        + generation + ",\"startedAt\":" + startedAtMillis + "}");
                if (!viewer.binary(init) || !viewers.replace(viewer, Boolean.FALSE, Boolean.TRUE)) {
                    continue; // behind, or gone meanwhile (never added back)
                }
            }
            if (!viewer.binary(bytes)) {
                viewers.replace(viewer, Boolean.TRUE, Boolean.FALSE); // too far behind: again from a keyframe
            }
        }
    }
}
