package io.stagepass.ingest.hls;

import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.ingest.health.SegmentMedia;
import io.stagepass.ingest.health.SegmentProbe;
import io.stagepass.ingest.health.StreamHealthMeter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules of a live push, free of HTTP: segments are spooled durably under the live's own sequence numbers,
 * playlists contribute durations and the end of the list, and the live's lifecycle (started on the first segment;
 * ended by #EXT-X-ENDLIST, an explicit end or silence longer than the reconnect window) is spooled exactly once.
 */
public final class HlsIngest {
    private static final Logger LOG = LoggerFactory.getLogger(HlsIngest.class);
    /** How many sequences back a playlist's durations are kept for the sender. */
    private static final long KEPT_DURATIONS = 1000;
    /**
     * Uploads overlap, so the playlist with #EXT-X-ENDLIST can arrive before the last segments it lists: the live
     * ends when they have all arrived, or this long after the ENDLIST, with the missing ones recorded as gaps.
     */
    static final Duration ENDLIST_GRACE = Duration.ofSeconds(10);

    private final Spool spool;
    private final LiveSessions sessions;
    private final long maxBody;
    private final Duration reconnectWindow;
    private final Clock clock;
    private final StreamHealthMeter health;

    public HlsIngest(
            Spool spool,
            LiveSessions sessions,
            long maxBody,
            Duration reconnectWindow,
            Clock clock,
            StreamHealthMeter health) {
        this.spool = spool;
        this.sessions = sessions;
        this.maxBody = maxBody;
        this.reconnectWindow = reconnectWindow;
        this.clock = clock;
        this.health = health;
    }

    /** What each live's encoder sends, measured from the segments as they are spooled. */
    public StreamHealthMeter health() {
        return health;
    }

    /** The largest segment accepted, in bytes. */
    public long maxBody() {
        return maxBody;
    }

    /** The push of a live whose end was already recorded is refused: a stream key serves one live. */
    public boolean hasEnded(String liveId) {
        LiveSession session = sessions.get(liveId);
        synchronized (session) {
            return session.endedSpooled;
        }
    }

    /** Spools a segment or an fMP4 init section; returns the live's sequence number it was given. */
    public long acceptSegment(String liveId, HlsFile file, InputStream body)
            throws IOException, SpoolFullException, BodyTooLargeException, LiveEndedException {
        Spool.Staged staged = spool.stage(liveId, body, maxBody); // outside the lock: uploads can be slow
        return acceptStaged(liveId, file, staged, null, "hls", measure(liveId, file, staged));
    }

    /**
     * Spools a segment that ingest cut itself from an RTMP push, with the duration it measured (no playlist will
     * bring one): a {@link Spool#scratch} file, taken over by the spool, or deleted if it is refused.
     */
    public long acceptCutSegment(String liveId, HlsFile file, Path scratch, long durationMicros, String protocol)
            throws IOException, SpoolFullException, BodyTooLargeException, LiveEndedException {
        Spool.Staged staged;
        try {
            staged = spool.adopt(scratch, maxBody);
        } catch (IOException | SpoolFullException | BodyTooLargeException | RuntimeException e) {
            Files.deleteIfExists(scratch);
            throw e;
        }
        return acceptStaged(liveId, file, staged, durationMicros, protocol, measure(liveId, file, staged));
    }

    /** The segment's media, read before it is committed (the sender may deliver and delete it right after). */
    private SegmentMedia measure(String liveId, HlsFile file, Spool.Staged staged) {
        return file.kind() == HlsFile.Kind.SEGMENT_TS
                ? SegmentProbe.mpegTs(staged.tmp(), health.wantsParameters(liveId))
                : null;
    }

    /** Ends the live because its encoder said so (an HLS #EXT-X-ENDLIST, an RTMP publisher's FCUnpublish/deleteStream). */
    public void endByEncoder(String liveId) throws IOException {
        LiveSession session = sessions.get(liveId);
        synchronized (session) {
            if (session.startedSpooled && !session.endedSpooled) {
                end(session, LiveEndReason.ENDLIST);
                sessions.save(session);
            }
        }
    }

    private long acceptStaged(
            String liveId, HlsFile file, Spool.Staged staged, Long durationMicros, String protocol, SegmentMedia media)
            throws IOException, LiveEndedException {
        boolean committed = false;
        LiveSession session = sessions.get(liveId);
        try {
            synchronized (session) {
                if (session.endedSpooled) {
                    throw new LiveEndedException(liveId);
                }
                Instant now = clock.instant();
                // A reconnecting encoder numbers from 0 again. (Its fMP4 init section says nothing: ffmpeg may send
                // init.mp4 several times in one connection.)
                boolean newConnection = file.kind() != HlsFile.Kind.INIT && file.sequence() == 0 && session.seenZero;
                if (newConnection) {
                    session.connection++;
                    session.connectionBase = session.maxSequence + 1;
                    session.seenZero = false;
                    session.segmentsInConnection = 0;
                    LOG.info(
                            "live {}: encoder reconnected (connection {}), continuing at sequence {}",
                            liveId,
                            session.connection,
                            session.connectionBase);
                }
                long sequence =
                        file.kind() == HlsFile.Kind.INIT ? session.connectionBase : session.sequenceOf(file.sequence());
                // STARTED goes before the first segment in delivery order, written once that segment is committed.
                // The sender reads a live's entries under this lock, so it sees both or neither.
                long startedEntry = session.startedSpooled ? -1 : spool.reserveEntry();
                spool.commitSegment(liveId, staged, sequence, file.kind(), now, newConnection);
                committed = true;
                if (startedEntry >= 0) {
                    spool.writeLifecycle(liveId, LiveEventType.STARTED, null, now, startedEntry);
                    session.startedSpooled = true;
                }
                if (file.kind() != HlsFile.Kind.INIT) {
                    session.seenZero |= file.sequence() == 0;
                    session.segmentsInConnection++;
                    session.maxSequence = Math.max(session.maxSequence, sequence);
                    session.markReceived(sequence);
                    if (durationMicros != null) {
                        session.durations.put(sequence, durationMicros);
                    }
                    health.segment(liveId, protocol, sequence, newConnection, media);
                    endIfEndlistComplete(session);
                }
                session.lastSegmentAtMillis = now.toEpochMilli();
                sessions.save(session);
                return sequence;
            }
        } finally {
            if (!committed) {
                spool.discard(staged);
            }
        }
    }

    /** Takes durations and the end of the list from a pushed playlist. */
    public void acceptPlaylist(String liveId, byte[] body) throws IOException, LiveEndedException {
        Playlist playlist = Playlist.parse(new String(body, StandardCharsets.UTF_8));
        LiveSession session = sessions.get(liveId);
        synchronized (session) {
            if (session.endedSpooled) {
                throw new LiveEndedException(liveId);
            }
            for (Playlist.Entry entry : playlist.entries()) {
                session.durations.putIfAbsent(session.sequenceOf(entry.sequence()), entry.durationMicros());
            }
            // Durations of long-delivered segments come back in every sliding playlist; keep only recent ones.
            session.durations.headMap(session.maxSequence - KEPT_DURATIONS).clear();
            long lastSequence = playlist.lastSequence() < 0 ? -1 : session.sequenceOf(playlist.lastSequence());
            // The playlist that comes last by media sequence wins, not the one that arrived last.
            long mediaSequence = session.sequenceOf(playlist.mediaSequence()); // comparable across reconnects
            boolean newer = mediaSequence != session.bestMediaSequence
                    ? mediaSequence > session.bestMediaSequence
                    : lastSequence != session.bestLastSequence
                            ? lastSequence > session.bestLastSequence
                            : playlist.ended() && !session.bestEnded;
            if (newer) {
                session.bestMediaSequence = mediaSequence;
                session.bestLastSequence = lastSequence;
                session.bestEnded = playlist.ended();
                spool.writeAtomically(spool.liveDir(liveId).resolve("playlist.m3u8"), body);
            }
            if (playlist.ended() && !session.endlistSeen) {
                session.endlistSeen = true;
                session.endlistSequence = lastSequence;
                session.endlistAtMillis = clock.millis();
            }
            endIfEndlistComplete(session);
            sessions.save(session);
        }
    }

    /** The creator (or an operator) ends the live; false when it has not started (nothing to end). */
    public boolean endExplicitly(String liveId) throws IOException, LiveEndedException {
        LiveSession session = sessions.get(liveId);
        synchronized (session) {
            if (session.endedSpooled) {
                throw new LiveEndedException(liveId);
            }
            if (!session.startedSpooled) {
                return false;
            }
            end(session, LiveEndReason.EXPLICIT);
            sessions.save(session);
            return true;
        }
    }

    /**
     * Ends every started live that has had no segment for longer than the reconnect window, and every live whose
     * ENDLIST is older than the grace period.
     */
    public void endSilentLives() throws IOException {
        long now = clock.millis();
        for (LiveSession session : sessions.all()) {
            synchronized (session) {
                if (!session.startedSpooled || session.endedSpooled) {
                    continue;
                }
                if (session.endlistSeen && session.endlistAtMillis + ENDLIST_GRACE.toMillis() < now) {
                    end(session, LiveEndReason.ENDLIST);
                    sessions.save(session);
                } else if (session.lastSegmentAtMillis + reconnectWindow.toMillis() < now) {
                    end(session, LiveEndReason.RECONNECT_TIMEOUT);
                    sessions.save(session);
                }
            }
        }
    }

    private void endIfEndlistComplete(LiveSession session) throws IOException {
        if (session.endlistSeen && session.hasAllUpTo(session.endlistSequence)) {
            end(session, LiveEndReason.ENDLIST);
        }
    }

    private void end(LiveSession session, LiveEndReason reason) throws IOException {
        if (session.endedSpooled) {
            return;
        }
        Instant now = clock.instant();
        for (long[] gap : session.gaps(Math.max(session.maxSequence, session.endlistSequence))) {
            spool.writeGap(session.liveId, gap[0], gap[1], now);
        }
        spool.writeLifecycle(session.liveId, LiveEventType.ENDED, reason, now);
        session.endedSpooled = true;
        health.ended(session.liveId);
        LOG.info("live {} ended ({}), {} segments", session.liveId, reason, session.maxSequence + 1);
    }
}
