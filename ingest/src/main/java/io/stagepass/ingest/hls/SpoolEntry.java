package io.stagepass.ingest.hls;

import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/**
 * One durable item waiting in the spool, described entirely by its file name so that a write is one atomic
 * rename: {@code ENTRY~seg~SEQ~EXT~RECEIVEDMILLIS~DISC~SHA256} (the file holds the segment bytes),
 * {@code ENTRY~live~TYPE~REASON~ATMILLIS} or {@code ENTRY~gap~FIRST~LENGTH~ATMILLIS} (empty files).
 * Entries of one live are delivered in entry order.
 */
public record SpoolEntry(
        Path path,
        String liveId,
        long entryNo,
        Type type,
        long sequence,
        HlsFile.Kind kind,
        Instant at,
        boolean discontinuity,
        String sha256,
        LiveEventType lifecycle,
        LiveEndReason endReason,
        long gapLength) {

    public enum Type {
        SEGMENT,
        LIFECYCLE,
        GAP
    }

    static String segmentName(
            long entryNo, long sequence, HlsFile.Kind kind, Instant receivedAt, boolean discontinuity, String sha256) {
        return String.format(
                "%020d~seg~%d~%s~%d~%d~%s",
                entryNo, sequence, kind.extension(), receivedAt.toEpochMilli(), discontinuity ? 1 : 0, sha256);
    }

    static String lifecycleName(long entryNo, LiveEventType type, LiveEndReason reason, Instant at) {
        return String.format(
                "%020d~live~%s~%s~%d", entryNo, type.name(), reason == null ? "-" : reason.name(), at.toEpochMilli());
    }

    static String gapName(long entryNo, long first, long length, Instant at) {
        return String.format("%020d~gap~%d~%d~%d", entryNo, first, length, at.toEpochMilli());
    }

    /** Reads an entry back from its file name; empty for anything else (temporary files, session state). */
    static Optional<SpoolEntry> parse(Path path, String liveId) {
        String[] parts = path.getFileName().toString().split("~");
        try {
            long entryNo = Long.parseLong(parts[0]);
            return switch (parts[1]) {
                case "seg" ->
                    Optional.of(new SpoolEntry(
                            path,
                            liveId,
                            entryNo,
                            Type.SEGMENT,
                            Long.parseLong(parts[2]),
                            HlsFile.Kind.ofExtension(parts[3]),
                            Instant.ofEpochMilli(Long.parseLong(parts[4])),
                            parts[5].equals("1"),
                            parts[6],
                            null,
                            null,
                            0));
                case "live" ->
                    Optional.of(new SpoolEntry(
                            path,
                            liveId,
                            entryNo,
                            Type.LIFECYCLE,
                            -1,
                            null,
                            Instant.ofEpochMilli(Long.parseLong(parts[4])),
                            false,
                            null,
                            LiveEventType.valueOf(parts[2]),
                            parts[3].equals("-") ? null : LiveEndReason.valueOf(parts[3]),
                            0));
                case "gap" ->
                    Optional.of(new SpoolEntry(
                            path,
                            liveId,
                            entryNo,
                            Type.GAP,
                            Long.parseLong(parts[2]),
                            null,
                            Instant.ofEpochMilli(Long.parseLong(parts[4])),
                            false,
                            null,
                            null,
                            null,
                            Long.parseLong(parts[3])));
                default -> Optional.empty();
            };
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
