package io.stagepass.ingest.hls;

import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Ingest's local, durable queue. Encoders never retry, so a segment is made durable here first (written to a
 * temporary file, fsynced, atomically renamed, directory fsynced) and only then answered; the sender delivers it
 * to the object store and Kafka in the background. Layout: {@code DIR/LIVE_ID/ENTRY...} (see {@link SpoolEntry}).
 */
public final class Spool {
    private static final String TMP_PREFIX = ".tmp-";
    private static final int BUFFER = 64 * 1024;

    private final Path dir;
    private final long maxBytes;
    private final AtomicLong usedBytes = new AtomicLong();
    private final AtomicLong nextEntry;

    public Spool(Path dir, long maxBytes) throws IOException {
        this.dir = dir;
        this.maxBytes = maxBytes;
        Files.createDirectories(dir);
        long maxEntry = 0;
        try (Stream<Path> files = Files.walk(dir, 2)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                if (file.getFileName().toString().startsWith(TMP_PREFIX)) {
                    Files.delete(file); // a write that was never answered
                    continue;
                }
                Optional<SpoolEntry> entry = SpoolEntry.parse(file, "");
                if (entry.isPresent()) { // session state and playlists are not pending data
                    usedBytes.addAndGet(Files.size(file));
                    maxEntry = Math.max(maxEntry, entry.get().entryNo());
                }
            }
        }
        // Entry numbers grow across restarts: microseconds of the wall clock, or past the largest one left.
        nextEntry = new AtomicLong(Math.max(maxEntry + 1, System.currentTimeMillis() * 1000));
    }

    public Path dir() {
        return dir;
    }

    public Path liveDir(String liveId) {
        return dir.resolve(liveId);
    }

    public long usedBytes() {
        return usedBytes.get();
    }

    /** A pushed body, fsynced to a temporary file and hashed, not yet part of the spool. */
    public record Staged(Path tmp, long size, String sha256) {}

    /**
     * Streams a pushed body to a temporary file and fsyncs it. Done outside any lock: a slow upload must not hold
     * up the live's other work. {@link #commitSegment} then makes it an entry; {@link #discard} drops it.
     */
    public Staged stage(String liveId, InputStream body, long maxBody)
            throws IOException, SpoolFullException, BodyTooLargeException {
        if (usedBytes.get() >= maxBytes) {
            throw new SpoolFullException("spool is full (" + usedBytes.get() + " of " + maxBytes + " bytes)");
        }
        Path liveDir = Files.createDirectories(liveDir(liveId));
        Path tmp = liveDir.resolve(TMP_PREFIX + UUID.randomUUID());
        MessageDigest sha256 = sha256();
        long written = 0;
        boolean kept = false;
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), sha256)) {
            byte[] buffer = new byte[BUFFER];
            for (int n; (n = body.read(buffer)) >= 0; ) {
                written += n;
                if (written > maxBody) {
                    throw new BodyTooLargeException(maxBody);
                }
                if (usedBytes.get() + written > maxBytes) {
                    throw new SpoolFullException("spool is full (" + usedBytes.get() + " of " + maxBytes + " bytes)");
                }
                out.write(buffer, 0, n);
            }
            out.flush();
            channel.force(true);
            kept = true;
        } finally {
            if (!kept) {
                Files.deleteIfExists(tmp);
            }
        }
        return new Staged(tmp, written, HexFormat.of().formatHex(sha256.digest()));
    }

    /**
     * A fresh temporary file in the live's folder for a segment written by ingest itself (an RTMP push cut into
     * segments); {@link #adopt} stages it. Like every temporary file, it is deleted if a restart finds it.
     */
    public Path scratch(String liveId, String extension) throws IOException {
        return Files.createDirectories(liveDir(liveId)).resolve(TMP_PREFIX + UUID.randomUUID() + "." + extension);
    }

    /** Stages a finished {@link #scratch} file in place: hashed, size-checked and fsynced, as {@link #stage} does. */
    public Staged adopt(Path scratch, long maxBody) throws IOException, SpoolFullException, BodyTooLargeException {
        long size = Files.size(scratch);
        if (size > maxBody) {
            throw new BodyTooLargeException(maxBody);
        }
        if (usedBytes.get() + size > maxBytes) {
            throw new SpoolFullException("spool is full (" + usedBytes.get() + " of " + maxBytes + " bytes)");
        }
        MessageDigest sha256 = sha256();
        try (FileChannel channel = FileChannel.open(scratch, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            while (channel.read(buffer) >= 0) {
                buffer.flip();
                sha256.update(buffer);
                buffer.clear();
            }
            channel.force(true);
        }
        return new Staged(scratch, size, HexFormat.of().formatHex(sha256.digest()));
    }

    /** Makes a staged body a segment entry (one atomic rename) and returns it. */
    public SpoolEntry commitSegment(
            String liveId, Staged staged, long sequence, HlsFile.Kind kind, Instant receivedAt, boolean discontinuity)
            throws IOException {
        String name = SpoolEntry.segmentName(
                nextEntry.getAndIncrement(), sequence, kind, receivedAt, discontinuity, staged.sha256());
        Path entry = commit(staged.tmp(), liveDir(liveId).resolve(name));
        usedBytes.addAndGet(staged.size());
        return SpoolEntry.parse(entry, liveId).orElseThrow();
    }

    public void discard(Staged staged) throws IOException {
        Files.deleteIfExists(staged.tmp());
    }

    /** Stages and commits in one go. */
    public SpoolEntry writeSegment(
            String liveId,
            long sequence,
            HlsFile.Kind kind,
            Instant receivedAt,
            boolean discontinuity,
            InputStream body,
            long maxBody)
            throws IOException, SpoolFullException, BodyTooLargeException {
        return commitSegment(liveId, stage(liveId, body, maxBody), sequence, kind, receivedAt, discontinuity);
    }

    public void writeLifecycle(String liveId, LiveEventType type, LiveEndReason reason, Instant at) throws IOException {
        writeLifecycle(liveId, type, reason, at, reserveEntry());
    }

    /** Writes a lifecycle entry at a place in the order taken earlier with {@link #reserveEntry()}. */
    public void writeLifecycle(String liveId, LiveEventType type, LiveEndReason reason, Instant at, long entryNo)
            throws IOException {
        writeEmpty(liveId, SpoolEntry.lifecycleName(entryNo, type, reason, at));
    }

    /** Takes the next place in the delivery order, for an entry written later. */
    public long reserveEntry() {
        return nextEntry.getAndIncrement();
    }

    public void writeGap(String liveId, long first, long length, Instant at) throws IOException {
        writeEmpty(liveId, SpoolEntry.gapName(nextEntry.getAndIncrement(), first, length, at));
    }

    private void writeEmpty(String liveId, String name) throws IOException {
        Path liveDir = Files.createDirectories(liveDir(liveId));
        Path tmp = liveDir.resolve(TMP_PREFIX + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        commit(tmp, liveDir.resolve(name));
    }

    /** Atomically writes a small file (session state) with the same durability as an entry. */
    public void writeAtomically(Path target, byte[] bytes) throws IOException {
        // A playlist can arrive before the first byte of its first segment, so before anything made the live's folder.
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(TMP_PREFIX + UUID.randomUUID());
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes));
            channel.force(true);
        }
        commit(tmp, target);
    }

    private static Path commit(Path tmp, Path target) throws IOException {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel directory = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            directory.force(true); // the rename itself must survive a crash
        }
        return target;
    }

    /** Lives with something in the spool. */
    public List<String> lives() throws IOException {
        try (Stream<Path> dirs = Files.list(dir)) {
            return dirs.filter(Files::isDirectory)
                    .map(p -> p.getFileName().toString())
                    .sorted()
                    .toList();
        }
    }

    /** A live's pending entries, oldest first. */
    public List<SpoolEntry> entries(String liveId) throws IOException {
        Path liveDir = liveDir(liveId);
        if (!Files.isDirectory(liveDir)) {
            return List.of();
        }
        List<SpoolEntry> entries = new ArrayList<>();
        try (Stream<Path> files = Files.list(liveDir)) {
            files.forEach(file -> SpoolEntry.parse(file, liveId).ifPresent(entries::add));
        }
        entries.sort(Comparator.comparingLong(SpoolEntry::entryNo));
        return entries;
    }

    /** Forgets a delivered entry. */
    public void remove(SpoolEntry entry) throws IOException {
        long size = Files.size(entry.path());
        Files.delete(entry.path());
        usedBytes.addAndGet(-size);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
