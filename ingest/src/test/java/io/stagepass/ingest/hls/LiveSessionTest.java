package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.LiveEventType;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LiveSessionTest {
    private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");

    @TempDir
    Path dir;

    @Test
    void survivesASaveAndLoad() throws Exception {
        LiveSession session = new LiveSession("live_1");
        session.markReceived(0);
        session.markReceived(1);
        session.markReceived(3);
        session.maxSequence = 3;
        session.startedSpooled = true;
        session.durations.put(3L, 2_000_000L);
        Files.write(dir.resolve("state"), session.serialize());

        LiveSession loaded = LiveSession.load("live_1", dir.resolve("state"));
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

        LiveSession session = new LiveSessions(new Spool(dir, Long.MAX_VALUE)).get("live_1");
        assertThat(session.startedSpooled).as("STARTED is not spooled twice").isTrue();
        assertThat(session.maxSequence).isZero();
        assertThat(session.hasAllUpTo(0)).isTrue();
    }
}
