package io.stagepass.ingest.hls;

import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.ingest.health.SegmentMedia;
import io.stagepass.ingest.health.SegmentProbe;
import io.stagepass.ingest.health.StreamHealthMeter;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where every edge hands a live's push over, free of HTTP and RTMP: bodies are staged in the spool outside any lock
 * and measured for stream health, then the live's {@link LiveSession} takes them (its sequence numbers, reconnects,
 * STARTED before the first segment, ENDED exactly once: by #EXT-X-ENDLIST, the encoder's stop, an explicit end or
 * silence longer than the reconnect window).
 */
public final class HlsIngest {
    private static final Logger LOG = LoggerFactory.getLogger(HlsIngest.class);
    /**
     * Uploads overlap, so the playlist with #EXT-X-ENDLIST can arrive before the last segments it lists: the live
     * ends when they have all arrived, or this long after the ENDLIST, with the missing ones recorded as gaps.
     */
    static final Duration ENDLIST_GRACE = Duration.ofSeconds(10);

    private final Spool spool;
    private final LiveSessions sessions;
    private final long maxBody;
    private final Duration reconnectWindow;
    private final StreamHealthMeter health;

    public HlsIngest(
            Spool spool, LiveSessions sessions, long maxBody, Duration reconnectWindow, StreamHealthMeter health) {
        this.spool = spool;
        this.sessions = sessions;
        this.maxBody = maxBody;
        this.reconnectWindow = reconnectWindow;
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

    /**
     * The push of a live whose end was recorded is refused: a stream key serves one live. Its end is known from this
     * instance's own spool, or from the catalog when another instance ended it (an encoder that moved after its live
     * timed out there must not start it again here).
     */
    public boolean hasEnded(Live live) {
        return live.getType() == LiveEventType.ENDED
                || sessions.get(live.getLiveId()).phase() == LiveSession.Phase.ENDED;
    }

    /** Spools a segment or an fMP4 init section; returns the live's sequence number it was given. */
    public long acceptSegment(String liveId, HlsFile file, InputStream body)
            throws IOException, SpoolFullException, BodyTooLargeException, LiveEndedException {
        Spool.Staged staged = spool.stage(liveId, body, maxBody); // outside the lock: uploads can be slow
        return accept(liveId, file, staged, null, "hls", false);
    }

    /**
     * Spools a segment that ingest cut itself from an RTMP push, with the duration it measured (no playlist will
     * bring one): a {@link Spool#scratch} file, taken over by the spool, or deleted if it is refused.
     */
    public long acceptCutSegment(String liveId, HlsFile file, Path scratch, long durationMicros, String protocol)
            throws IOException, SpoolFullException, BodyTooLargeException, LiveEndedException {
        return acceptCutSegment(liveId, file, scratch, durationMicros, protocol, false);
    }

    /**
     * As {@link #acceptCutSegment(String, HlsFile, Path, long, String)}; {@code stageSwitch}: the segment begins a new
     * run because the stage mixer started or stopped, not because the encoder reconnected (stream health does not
     * count it as a reconnect).
     */
    public long acceptCutSegment(
            String liveId, HlsFile file, Path scratch, long durationMicros, String protocol, boolean stageSwitch)
            throws IOException, SpoolFullException, BodyTooLargeException, LiveEndedException {
        Spool.Staged staged;
        try {
            staged = spool.adopt(scratch, maxBody);
        } catch (IOException | SpoolFullException | BodyTooLargeException | RuntimeException e) {
            Files.deleteIfExists(scratch);
            throw e;
        }
        return accept(liveId, file, staged, durationMicros, protocol, stageSwitch);
    }

    private long accept(
            String liveId, HlsFile file, Spool.Staged staged, Long durationMicros, String protocol, boolean stageSwitch)
            throws IOException, LiveEndedException {
        boolean committed = false;
        try {
            // Read before it is committed (the sender may deliver and delete it right after), outside the lock.
            SegmentMedia media = file.kind() == HlsFile.Kind.SEGMENT_TS
                    ? SegmentProbe.mpegTs(staged.tmp(), health.wantsParameters(liveId))
                    : null;
            LiveSession.Accepted accepted = sessions.get(liveId).acceptSegment(file, staged, durationMicros);
            committed = true;
            try { // the segment is durable: a measurement that fails must not fail its request
                if (file.kind() != HlsFile.Kind.INIT) {
                    health.segment(
                            liveId, protocol, accepted.sequence(), accepted.newConnection() && !stageSwitch, media);
                }
                if (accepted.ended()) {
                    health.ended(liveId);
                }
            } catch (RuntimeException e) {
                LOG.warn("live {}: stream health not measured: {}", liveId, e.toString());
            }
            return accepted.sequence();
        } finally {
            if (!committed) {
                spool.discard(staged);
            }
        }
    }

    /** Takes durations and the end of the list from a pushed playlist. */
    public void acceptPlaylist(String liveId, byte[] body) throws IOException, LiveEndedException {
        Playlist playlist = Playlist.parse(new String(body, StandardCharsets.UTF_8));
        if (sessions.get(liveId).acceptPlaylist(playlist, body)) {
            health.ended(liveId);
        }
    }

    /** Ends the live because its encoder said so (an HLS #EXT-X-ENDLIST, an RTMP publisher's FCUnpublish/deleteStream). */
    public void endByEncoder(String liveId) throws IOException {
        if (sessions.get(liveId).endByEncoder()) {
            health.ended(liveId);
        }
    }

    /** The creator (or an operator) ends the live; false when it has not started (nothing to end). */
    public boolean endExplicitly(String liveId) throws IOException, LiveEndedException {
        boolean ended = sessions.get(liveId).endExplicitly();
        if (ended) {
            health.ended(liveId);
        }
        return ended;
    }

    /**
     * Ends every started live that has had no segment for longer than the reconnect window, and every live whose
     * ENDLIST is older than the grace period; returns whether any ended.
     */
    public boolean endSilentLives() throws IOException {
        boolean any = false;
        for (LiveSession session : sessions.all()) {
            if (session.endIfOverdue(reconnectWindow, ENDLIST_GRACE).isPresent()) {
                health.ended(session.liveId());
                any = true;
            }
        }
        return any;
    }
}
