package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A live's push as a state machine over a real spool: its transitions, what each writes, and a restart. */
class LiveSessionTest {
    private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
    private static final Duration WINDOW = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private final Ticking clock = new Ticking();

    @Test
    void theStateSurvivesASaveAndLoad() throws Exception {
        LiveState state = new LiveState("live_1");
        state.markReceived(0);
        state.markReceived(1);
        state.markReceived(3);
        state.maxSequence = 3;
        state.startedSpooled = true;
        state.durations.put(3L, 2_000_000L);
        Files.write(dir.resolve("state"), state.serialize());

        LiveState loaded = LiveState.load("live_1", dir.resolve("state"));
        assertThat(loaded.startedSpooled).isTrue();
        assertThat(loaded.maxSequence).isEqualTo(3);
        assertThat(loaded.duration(3)).isEqualTo(2_000_000L);
        assertThat(loaded.gaps(3)).containsExactly(new long[] {2, 1});
        assertThat(loaded.gaps(6)).as("missing at the end too").containsExactly(new long[] {2, 1}, new long[] {4, 3});
    }

    @Test
    void aCrashBetweenAnEntryAndTheSessionSaveIsRepairedFromTheEntries() throws Exception {
        Spool spool = new Spool(dir, Long.MAX_VALUE);
        // Entries written, then the process died before saving the session.
        spool.writeLifecycle("live_1", LiveEventType.STARTED, null, AT);
        spool.writeSegment(
                "live_1", 0, HlsFile.Kind.SEGMENT_TS, AT, false, new ByteArrayInputStream(new byte[10]), 100);

        LiveSession session = new LiveSessions(new Spool(dir, Long.MAX_VALUE), clock).get("live_1");
        assertThat(session.phase()).as("STARTED is not spooled twice").isEqualTo(LiveSession.Phase.STREAMING);
        assertThat(session.stateForTests().maxSequence).isZero();
        assertThat(session.stateForTests().hasAllUpTo(0)).isTrue();
    }

    @Test
    void waitingStreamingAReconnectAndTheEndlistThatEndsIt() throws Exception {
        Spool spool = new Spool(dir, Long.MAX_VALUE);
        LiveSession session = new LiveSessions(spool, clock).get("live_1");
        assertThat(session.phase()).isEqualTo(LiveSession.Phase.WAITING);

        assertThat(accept(spool, session, 0).sequence()).isZero();
        assertThat(session.phase()).isEqualTo(LiveSession.Phase.STREAMING);
        clock.set(AT.plusSeconds(2));
        accept(spool, session, 1);
        clock.set(AT.plusSeconds(9));
        LiveSession.Accepted again = accept(spool, session, 0); // the encoder came back
        assertThat(again.newConnection()).isTrue();
        assertThat(again.sequence()).as("continues after the highest sequence").isEqualTo(2);

        assertThat(session.pendingEntries())
                .extracting(e -> e.type() + (e.type() == SpoolEntry.Type.SEGMENT ? " " + e.sequence() : ""))
                .containsExactly("LIFECYCLE", "SEGMENT 0", "SEGMENT 1", "SEGMENT 2");
        assertThat(session.pendingEntries().get(3).discontinuity()).isTrue();

        clock.set(AT.plusSeconds(10));
        boolean ended = session.acceptPlaylist(
                Playlist.parse("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:0\n#EXTINF:2.0,\nindex0.ts\n"
                        + "#EXT-X-ENDLIST\n"),
                "playlist".getBytes(StandardCharsets.UTF_8));
        assertThat(ended).isTrue();
        assertThat(session.phase()).isEqualTo(LiveSession.Phase.ENDED);
        assertThat(session.duration(2))
                .as("the new connection's segment 0 is the live's 2")
                .isEqualTo(2_000_000L);
        List<SpoolEntry> entries = session.pendingEntries();
        assertThat(entries.get(entries.size() - 1).lifecycle()).isEqualTo(LiveEventType.ENDED);
        assertThatThrownBy(() -> accept(spool, session, 1)).isInstanceOf(LiveEndedException.class);
        assertThat(session.endByEncoder()).as("ENDED once").isFalse();
    }

    @Test
    void silenceBeyondTheReconnectWindowEndsTheLiveWithItsGaps() throws Exception {
        Spool spool = new Spool(dir, Long.MAX_VALUE);
        LiveSession session = new LiveSessions(spool, clock).get("live_1");
        assertThat(session.endIfOverdue(WINDOW, HlsIngest.ENDLIST_GRACE))
                .as("a live that never started does not end")
                .isEmpty();
        accept(spool, session, 0);
        clock.set(AT.plusSeconds(4));
        accept(spool, session, 2); // 1 never arrives

        clock.set(AT.plusSeconds(60));
        assertThat(session.endIfOverdue(WINDOW, HlsIngest.ENDLIST_GRACE)).isEmpty();
        clock.set(AT.plusSeconds(65));
        assertThat(session.endIfOverdue(WINDOW, HlsIngest.ENDLIST_GRACE)).contains(LiveEndReason.RECONNECT_TIMEOUT);
        assertThat(session.pendingEntries())
                .filteredOn(e -> e.type() == SpoolEntry.Type.GAP)
                .singleElement()
                .satisfies(gap -> {
                    assertThat(gap.sequence()).isEqualTo(1);
                    assertThat(gap.gapLength()).isEqualTo(1);
                });
        LiveSession restarted = new LiveSessions(new Spool(dir, Long.MAX_VALUE), clock).get("live_1");
        assertThat(restarted.phase()).as("after a restart").isEqualTo(LiveSession.Phase.ENDED);
    }

    @Test
    void segmentsAndPlaylistEntriesFarAheadAreRefusedAndKeepNoState() throws Exception {
        Spool spool = new Spool(dir, Long.MAX_VALUE);
        LiveSession session = new LiveSessions(spool, clock).get("live_1");
        accept(spool, session, 0);
        accept(spool, session, 1);

        assertThatThrownBy(() -> accept(spool, session, 1 + LiveSession.SEQUENCE_WINDOW + 1))
                .isInstanceOf(SequenceOutOfRangeException.class)
                .hasMessageContaining("too far ahead");
        assertThat(accept(spool, session, 1 + LiveSession.SEQUENCE_WINDOW).sequence())
                .as("a gap within the window is a gap, as before")
                .isEqualTo(1 + LiveSession.SEQUENCE_WINDOW);
        assertThatThrownBy(() -> session.acceptPlaylist(
                        Playlist.parse("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:999999999\n"
                                + "#EXTINF:2.0,\nindex999999999.ts\n#EXT-X-ENDLIST\n"),
                        new byte[0]))
                .isInstanceOf(SequenceOutOfRangeException.class);
        assertThat(session.stateForTests().maxSequence).isEqualTo(1 + LiveSession.SEQUENCE_WINDOW);
        assertThat(session.stateForTests().durations.keySet())
                .as("nothing kept for numbers nobody streamed")
                .allSatisfy(sequence -> assertThat(sequence).isLessThanOrEqualTo(1 + 2 * LiveSession.SEQUENCE_WINDOW));
        assertThat(session.stateForTests().endlistSeen).isFalse();
    }

    private static LiveSession.Accepted accept(Spool spool, LiveSession session, long encoderSequence)
            throws Exception {
        Spool.Staged staged = spool.stage("live_1", new ByteArrayInputStream(new byte[16]), 1024);
        HlsFile file = new HlsFile("index" + encoderSequence + ".ts", HlsFile.Kind.SEGMENT_TS, encoderSequence);
        return session.acceptSegment(file, staged, null);
    }

    /** A clock the test sets. */
    private static final class Ticking extends Clock {
        private Instant now = AT;

        void set(Instant to) {
            now = to;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
