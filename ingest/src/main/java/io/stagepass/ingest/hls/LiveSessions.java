package io.stagepass.ingest.hls;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every live's {@link LiveSession}, loaded from the spool on first use and saved after each change. */
public final class LiveSessions {
    private final Spool spool;
    private final Map<String, LiveSession> sessions = new ConcurrentHashMap<>();

    public LiveSessions(Spool spool) {
        this.spool = spool;
    }

    public LiveSession get(String liveId) {
        return sessions.computeIfAbsent(liveId, id -> {
            try {
                LiveSession session = LiveSession.load(id, spool.liveDir(id).resolve(LiveSession.STATE_FILE));
                session.reconcile(spool.entries(id));
                return session;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the ingest session of " + id, e);
            }
        });
    }

    /** Persists a session; call while holding its lock. */
    public void save(LiveSession session) throws IOException {
        Files.createDirectories(spool.liveDir(session.liveId));
        spool.writeAtomically(spool.liveDir(session.liveId).resolve(LiveSession.STATE_FILE), session.serialize());
    }

    /** Sessions known on disk, for the reconnect-window check after a restart. */
    public List<LiveSession> all() throws IOException {
        for (String liveId : spool.lives()) {
            get(liveId);
        }
        return List.copyOf(sessions.values());
    }
}
