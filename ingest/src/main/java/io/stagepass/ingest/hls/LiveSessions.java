package io.stagepass.ingest.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every live's {@link LiveSession}, loaded from the spool on first use: its saved state, repaired from the entries
 * written after the last save (a crash between the two).
 */
public final class LiveSessions {
    private final Spool spool;
    private final Clock clock;
    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();

    public LiveSessions(Spool spool, Clock clock) {
        this.spool = spool;
        this.clock = clock;
    }

    public LiveSession get(String liveId) {
        return sessions.computeIfAbsent(liveId, id -> {
            try {
                LiveState state = LiveState.load(id, spool.liveDir(id).resolve(LiveState.STATE_FILE));
                state.reconcile(spool.entries(id));
                return new LiveSession(state, spool, clock);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the ingest session of " + id, e);
            }
        });
    }

    /** Sessions known on disk, for the reconnect-window check after a restart. */
    public List<LiveSession> all() throws IOException {
        for (String liveId : spool.lives()) {
            get(liveId);
        }
        return List.copyOf(sessions.values());
    }
}
