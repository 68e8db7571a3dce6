package io.stagepass.ingest.hls;

import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live's push, as a state machine with its own lock, the same for every edge (an HLS PUT, an RTMP publisher):
 *
 * <pre>
 *   WAITING --first segment--> STREAMING --ENDLIST and every segment, encoder stop, explicit end,
 *                                           silence beyond the reconnect window--> ENDED
 * </pre>
 *
 * Each transition writes what it decided to the spool (the segment, STARTED before the first one, gaps and ENDED at
 * the end) and then saves the live's {@link LiveState}, all under the lock, so that the sender, which reads the
 * live's entries through {@link #pendingEntries}, sees a transition whole or not at all, and a restart finds the
 * state its entries imply. Nobody else touches the state.
 */
public final class LiveSession {
    private static final Logger LOG = LoggerFactory.getLogger(LiveSession.class);
    /** How many sequences back a playlist's durations are kept for the sender. */
    private static final long KEPT_DURATIONS = 1000;
    /**
     * How far ahead of the live's highest sequence a segment (or a playlist's entry) may be numbered: 150 segments,
     * 5 minutes of 2 s segments lost in a row. Beyond it a segment is refused and a playlist's entry ignored.
     */
    public static final long SEQUENCE_WINDOW = 150;

    /** Where a live's push stands. */
    public enum Phase {
        /** Scheduled; nothing received yet. */
        WAITING,
        /** STARTED is spooled; segments arrive (or the encoder is away, within the reconnect window). */
        STREAMING,
        /** ENDED is spooled: the stream key publishes nothing more to this live. */
        ENDED
    }

    /** A segment the live took: its sequence, and whether the encoder had reconnected. */
    public record Accepted(long sequence, boolean newConnection, boolean ended) {}

    private final Object lock = new Object();
    private final LiveState state;
    private final Spool spool;
    private final Clock clock;

    /** {@code clock} is read under the lock: entries are stamped in the order they are spooled. */
    LiveSession(LiveState state, Spool spool, Clock clock) {
        this.state = state;
        this.spool = spool;
        this.clock = clock;
    }

    public String liveId() {
        return state.liveId;
    }

    public Phase phase() {
        synchronized (lock) {
            return state.endedSpooled ? Phase.ENDED : state.startedSpooled ? Phase.STREAMING : Phase.WAITING;
        }
    }

    /**
     * Takes a staged segment or init section as the live's: numbers it (a reconnecting encoder numbers from 0 again:
     * it continues after the highest sequence, marked as a discontinuity), commits it to the spool with STARTED before
     * the first one, and ends the live if an ENDLIST was waiting for it. Refused once the live has ended.
     */
    Accepted acceptSegment(HlsFile file, Spool.Staged staged, Long durationMicros)
            throws IOException, LiveEndedException {
        synchronized (lock) {
            Instant now = clock.instant();
            if (state.endedSpooled) {
                throw new LiveEndedException(state.liveId);
            }
            // A reconnecting encoder numbers from 0 again. (Its fMP4 init section says nothing: ffmpeg may send
            // init.mp4 several times in one connection.)
            boolean newConnection = file.kind() != HlsFile.Kind.INIT && file.sequence() == 0 && state.seenZero;
            if (newConnection) {
                reconnect();
            }
            long sequence = file.kind() == HlsFile.Kind.INIT ? state.connectionBase : state.sequenceOf(file.sequence());
            long highest = Math.max(state.maxSequence, state.connectionBase - 1);
            if (sequence > highest + SEQUENCE_WINDOW) {
                throw new SequenceOutOfRangeException("segment number " + file.sequence() + " is too far ahead: this "
                        + "connection's segments must follow on (at most " + SEQUENCE_WINDOW
                        + " past the highest so far)");
            }
            // STARTED goes before the first segment in delivery order, written once that segment is committed.
            long startedEntry = state.startedSpooled ? -1 : spool.reserveEntry();
            spool.commitSegment(state.liveId, staged, sequence, file.kind(), now, newConnection);
            if (startedEntry >= 0) {
                spool.writeLifecycle(state.liveId, LiveEventType.STARTED, null, now, startedEntry);
                state.startedSpooled = true;
            }
            boolean ended = false;
            if (file.kind() != HlsFile.Kind.INIT) {
                state.seenZero |= file.sequence() == 0;
                state.segmentsInConnection++;
                state.maxSequence = Math.max(state.maxSequence, sequence);
                state.markReceived(sequence);
                if (durationMicros != null) {
                    state.durations.put(sequence, durationMicros);
                }
                ended = endIfEndlistComplete(now);
            }
            state.lastSegmentAtMillis = now.toEpochMilli();
            save();
            return new Accepted(sequence, newConnection, ended);
        }
    }

    /** The encoder came back: its numbers continue after the highest sequence so far. */
    private void reconnect() {
        state.connection++;
        state.connectionBase = state.maxSequence + 1;
        state.seenZero = false;
        state.segmentsInConnection = 0;
        LOG.info(
                "live {}: encoder reconnected (connection {}), continuing at sequence {}",
                state.liveId,
                state.connection,
                state.connectionBase);
    }

    /**
     * Takes durations and the end of the list from a pushed playlist; the playlist that comes last by media sequence
     * is kept (not the one that arrived last). Returns whether the live ended (an ENDLIST with every segment here).
     */
    boolean acceptPlaylist(Playlist playlist, byte[] body) throws IOException, LiveEndedException {
        synchronized (lock) {
            Instant now = clock.instant();
            if (state.endedSpooled) {
                throw new LiveEndedException(state.liveId);
            }
            long limit = Math.max(state.maxSequence, state.connectionBase - 1) + SEQUENCE_WINDOW;
            if (playlist.lastSequence() >= 0 && state.sequenceOf(playlist.lastSequence()) > limit) {
                throw new SequenceOutOfRangeException("the playlist names segment " + playlist.lastSequence()
                        + ", too far ahead of the segments this connection sent");
            }
            for (Playlist.Entry entry : playlist.entries()) {
                long sequence = state.sequenceOf(entry.sequence());
                if (sequence <= limit) { // an entry far ahead names nothing that will come: not kept
                    state.durations.putIfAbsent(sequence, entry.durationMicros());
                }
            }
            // Durations of long-delivered segments come back in every sliding playlist; keep only recent ones.
            state.durations.headMap(state.maxSequence - KEPT_DURATIONS).clear();
            long lastSequence = playlist.lastSequence() < 0 ? -1 : state.sequenceOf(playlist.lastSequence());
            long mediaSequence = state.sequenceOf(playlist.mediaSequence()); // comparable across reconnects
            boolean newer = mediaSequence != state.bestMediaSequence
                    ? mediaSequence > state.bestMediaSequence
                    : lastSequence != state.bestLastSequence
                            ? lastSequence > state.bestLastSequence
                            : playlist.ended() && !state.bestEnded;
            if (newer) {
                state.bestMediaSequence = mediaSequence;
                state.bestLastSequence = lastSequence;
                state.bestEnded = playlist.ended();
                spool.writeAtomically(spool.liveDir(state.liveId).resolve("playlist.m3u8"), body);
            }
            if (playlist.ended() && !state.endlistSeen) {
                state.endlistSeen = true;
                state.endlistSequence = lastSequence;
                state.endlistAtMillis = now.toEpochMilli();
            }
            boolean ended = endIfEndlistComplete(now);
            save();
            return ended;
        }
    }

    /** The encoder said it stopped (an RTMP FCUnpublish or deleteStream): a streaming live ends. */
    boolean endByEncoder() throws IOException {
        synchronized (lock) {
            if (!state.startedSpooled || state.endedSpooled) {
                return false;
            }
            end(LiveEndReason.ENDLIST, clock.instant());
            save();
            return true;
        }
    }

    /** The creator (or an operator) ends the live; false when it has not started (nothing to end). */
    boolean endExplicitly() throws IOException, LiveEndedException {
        synchronized (lock) {
            if (state.endedSpooled) {
                throw new LiveEndedException(state.liveId);
            }
            if (!state.startedSpooled) {
                return false;
            }
            end(LiveEndReason.EXPLICIT, clock.instant());
            save();
            return true;
        }
    }

    /**
     * Ends a streaming live whose ENDLIST is older than {@code endlistGrace} (its missing segments become gaps), or
     * that has had no segment for longer than {@code reconnectWindow}. Returns the reason it ended, if it did.
     */
    Optional<LiveEndReason> endIfOverdue(Duration reconnectWindow, Duration endlistGrace) throws IOException {
        synchronized (lock) {
            if (!state.startedSpooled || state.endedSpooled) {
                return Optional.empty();
            }
            Instant now = clock.instant();
            long millis = now.toEpochMilli();
            LiveEndReason reason = null;
            if (state.endlistSeen && state.endlistAtMillis + endlistGrace.toMillis() < millis) {
                reason = LiveEndReason.ENDLIST;
            } else if (state.lastSegmentAtMillis + reconnectWindow.toMillis() < millis) {
                reason = LiveEndReason.RECONNECT_TIMEOUT;
            }
            if (reason == null) {
                return Optional.empty();
            }
            end(reason, now);
            save();
            return Optional.of(reason);
        }
    }

    /** The live's spooled entries in delivery order, read whole: a transition adds related entries together. */
    List<SpoolEntry> pendingEntries() throws IOException {
        synchronized (lock) {
            return spool.entries(state.liveId);
        }
    }

    /** A segment's duration, from its playlist or as ingest measured it; null while unknown. */
    Long duration(long sequence) {
        synchronized (lock) {
            return state.duration(sequence);
        }
    }

    /** The segment's fact is on Kafka: its duration is no longer needed. */
    void delivered(long sequence) {
        synchronized (lock) {
            state.durations.remove(sequence);
        }
    }

    private boolean endIfEndlistComplete(Instant now) throws IOException {
        if (state.endlistSeen && state.hasAllUpTo(state.endlistSequence)) {
            end(LiveEndReason.ENDLIST, now);
            return true;
        }
        return false;
    }

    /** STREAMING → ENDED: the missing sequences become gaps, then ENDED, exactly once. */
    private void end(LiveEndReason reason, Instant now) throws IOException {
        if (state.endedSpooled) {
            return;
        }
        for (long[] gap : state.gaps(Math.max(state.maxSequence, state.endlistSequence))) {
            spool.writeGap(state.liveId, gap[0], gap[1], now);
        }
        spool.writeLifecycle(state.liveId, LiveEventType.ENDED, reason, now);
        state.endedSpooled = true;
        LOG.info("live {} ended ({}), {} segments", state.liveId, reason, state.maxSequence + 1);
    }

    private void save() throws IOException {
        Files.createDirectories(spool.liveDir(state.liveId));
        spool.writeAtomically(spool.liveDir(state.liveId).resolve(LiveState.STATE_FILE), state.serialize());
    }

    /** The state as saved, for tests. */
    LiveState stateForTests() {
        synchronized (lock) {
            return state;
        }
    }
}
