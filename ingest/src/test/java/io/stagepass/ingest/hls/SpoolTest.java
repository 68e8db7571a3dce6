package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.StreamKeys;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SpoolTest {
    private static final Instant AT = Instant.parse("2026-11-27T10:00:00Z");
    private static final long NO_LIMIT = Long.MAX_VALUE;

    @TempDir
    Path dir;

    @Test
    void everyKindOfEntryReadsBackInOrderWithItsMetadata() throws Exception {
        Spool spool = new Spool(dir, NO_LIMIT);
        byte[] bytes = "segment bytes".getBytes();
        for (HlsFile.Kind kind :
                new HlsFile.Kind[] {HlsFile.Kind.SEGMENT_TS, HlsFile.Kind.SEGMENT_FMP4, HlsFile.Kind.INIT}) {
            spool.writeSegment("live_1", 7, kind, AT, true, new ByteArrayInputStream(bytes), NO_LIMIT);
        }
        spool.writeLifecycle("live_1", LiveEventType.ENDED, LiveEndReason.RECONNECT_TIMEOUT, AT);
        spool.writeGap("live_1", 3, 2, AT);

        var entries = spool.entries("live_1");
        assertThat(entries)
                .extracting(SpoolEntry::type)
                .containsExactly(
                        SpoolEntry.Type.SEGMENT,
                        SpoolEntry.Type.SEGMENT,
                        SpoolEntry.Type.SEGMENT,
                        SpoolEntry.Type.LIFECYCLE,
                        SpoolEntry.Type.GAP);
        assertThat(entries.get(0).kind()).isEqualTo(HlsFile.Kind.SEGMENT_TS);
        assertThat(entries.get(1).kind()).isEqualTo(HlsFile.Kind.SEGMENT_FMP4);
        assertThat(entries.get(2).kind()).isEqualTo(HlsFile.Kind.INIT);
        assertThat(entries.get(0).sequence()).isEqualTo(7);
        assertThat(entries.get(0).discontinuity()).isTrue();
        assertThat(entries.get(0).at()).isEqualTo(AT);
        assertThat(entries.get(0).sha256()).isEqualTo(StreamKeys.sha256(bytes));
        assertThat(Files.readAllBytes(entries.get(0).path())).isEqualTo(bytes);
        assertThat(entries.get(3).lifecycle()).isEqualTo(LiveEventType.ENDED);
        assertThat(entries.get(3).endReason()).isEqualTo(LiveEndReason.RECONNECT_TIMEOUT);
        assertThat(entries.get(4).sequence()).isEqualTo(3);
        assertThat(entries.get(4).gapLength()).isEqualTo(2);
        assertThat(spool.usedBytes()).isEqualTo(3L * bytes.length);
    }

    @Test
    void aRestartFindsWhatWasSpooledAndDropsHalfWrittenFiles() throws Exception {
        Spool spool = new Spool(dir, NO_LIMIT);
        spool.writeSegment(
                "live_1", 0, HlsFile.Kind.SEGMENT_TS, AT, false, new ByteArrayInputStream(new byte[100]), NO_LIMIT);
        Files.write(dir.resolve("live_1").resolve(".tmp-crashed"), new byte[50]);

        Spool restarted = new Spool(dir, NO_LIMIT);
        assertThat(restarted.entries("live_1")).hasSize(1);
        assertThat(restarted.usedBytes()).isEqualTo(100);
        assertThat(dir.resolve("live_1").resolve(".tmp-crashed")).doesNotExist();
        restarted.writeSegment(
                "live_1", 1, HlsFile.Kind.SEGMENT_TS, AT, false, new ByteArrayInputStream(new byte[1]), NO_LIMIT);
        assertThat(restarted.entries("live_1")).extracting(SpoolEntry::sequence).containsExactly(0L, 1L);
    }

    @Test
    void refusesOversizeBodiesAndAFullSpoolWithoutKeepingAnything() throws Exception {
        Spool spool = new Spool(dir, 150);

        assertThatThrownBy(() -> spool.writeSegment(
                        "live_1", 0, HlsFile.Kind.SEGMENT_TS, AT, false, new ByteArrayInputStream(new byte[101]), 100))
                .isInstanceOf(BodyTooLargeException.class);
        spool.writeSegment(
                "live_1", 0, HlsFile.Kind.SEGMENT_TS, AT, false, new ByteArrayInputStream(new byte[100]), 100);
        assertThatThrownBy(() -> spool.writeSegment(
                        "live_1", 1, HlsFile.Kind.SEGMENT_TS, AT, false, new ByteArrayInputStream(new byte[100]), 100))
                .isInstanceOf(SpoolFullException.class);

        assertThat(spool.entries("live_1")).hasSize(1);
        assertThat(spool.usedBytes()).isEqualTo(100);
        try (var files = Files.list(dir.resolve("live_1"))) {
            assertThat(files.filter(f -> f.getFileName().toString().startsWith(".tmp")))
                    .isEmpty();
        }
    }
}
