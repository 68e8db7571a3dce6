package io.stagepass.ingest.hls;

import io.stagepass.events.LiveEventType;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What ingest remembers about one live's push, persisted next to its spool entries so that a restart carries on:
 * how encoder segment numbers map to the live's sequence (a reconnecting encoder starts again at 0), which
 * sequences arrived, pending durations from playlists, the winning playlist, and whether STARTED / ENDED were
 * already spooled (each is emitted exactly once). Plain data with its arithmetic: only the live's session, under its
 * lock, changes it.
 */
final class LiveState {
    static final String STATE_FILE = "session.properties";

    final String liveId;
    int connection;
    long connectionBase;
    boolean seenZero;
    long segmentsInConnection;
    long maxSequence = -1;
    long lastSegmentAtMillis;
    boolean startedSpooled;
    boolean endedSpooled;
    long bestMediaSequence = -1;
    long bestLastSequence = -1;
    boolean bestEnded;
    /** An #EXT-X-ENDLIST arrived: the live ends once every segment up to endlistSequence is here. */
    boolean endlistSeen;

    long endlistSequence = -1;
    long endlistAtMillis;
    /** Received sequence ranges, start to end inclusive. */
    final TreeMap<Long, Long> received = new TreeMap<>();
    /** Durations (µs) of sequences not yet delivered. */
    final TreeMap<Long, Long> durations = new TreeMap<>();

    LiveState(String liveId) {
        this.liveId = liveId;
    }

    /** The live's sequence number of an encoder segment number in the current connection. */
    long sequenceOf(long encoderSequence) {
        return connectionBase + encoderSequence;
    }

    void markReceived(long sequence) {
        Map.Entry<Long, Long> before = received.floorEntry(sequence);
        if (before != null && before.getValue() >= sequence) {
            return;
        }
        long start = sequence;
        long end = sequence;
        if (before != null && before.getValue() == sequence - 1) {
            start = before.getKey();
        }
        Long afterEnd = received.remove(sequence + 1);
        if (afterEnd != null) {
            end = afterEnd;
        }
        received.put(start, end);
    }

    /** Missing ranges in 0..last as {first, length} pairs. */
    List<long[]> gaps(long last) {
        List<long[]> gaps = new ArrayList<>();
        long next = 0;
        for (Map.Entry<Long, Long> range : received.entrySet()) {
            if (range.getKey() > next) {
                gaps.add(new long[] {next, range.getKey() - next});
            }
            next = Math.max(next, range.getValue() + 1);
        }
        if (last >= next) {
            gaps.add(new long[] {next, last - next + 1});
        }
        return gaps;
    }

    /**
     * Folds in entries found on disk: an entry is written before the session is saved, so after a crash between
     * the two the entries tell what the saved state misses (a live started or ended, a segment received).
     */
    void reconcile(List<SpoolEntry> pending) {
        for (SpoolEntry entry : pending) {
            switch (entry.type()) {
                case LIFECYCLE -> {
                    startedSpooled |= entry.lifecycle() == LiveEventType.STARTED;
                    endedSpooled |= entry.lifecycle() == LiveEventType.ENDED;
                }
                case SEGMENT -> {
                    if (entry.kind() != HlsFile.Kind.INIT) {
                        markReceived(entry.sequence());
                        maxSequence = Math.max(maxSequence, entry.sequence());
                    }
                }
                case GAP -> {}
            }
        }
    }

    /** Whether every sequence from 0 to {@code last} has arrived. */
    boolean hasAllUpTo(long last) {
        Map.Entry<Long, Long> first = received.firstEntry();
        return last < 0 || first != null && first.getKey() == 0 && first.getValue() >= last;
    }

    Long duration(long sequence) {
        return durations.get(sequence);
    }

    byte[] serialize() throws IOException {
        Properties props = new Properties();
        props.setProperty("connection", Integer.toString(connection));
        props.setProperty("connectionBase", Long.toString(connectionBase));
        props.setProperty("seenZero", Boolean.toString(seenZero));
        props.setProperty("segmentsInConnection", Long.toString(segmentsInConnection));
        props.setProperty("maxSequence", Long.toString(maxSequence));
        props.setProperty("lastSegmentAtMillis", Long.toString(lastSegmentAtMillis));
        props.setProperty("startedSpooled", Boolean.toString(startedSpooled));
        props.setProperty("endedSpooled", Boolean.toString(endedSpooled));
        props.setProperty("bestMediaSequence", Long.toString(bestMediaSequence));
        props.setProperty("bestLastSequence", Long.toString(bestLastSequence));
        props.setProperty("bestEnded", Boolean.toString(bestEnded));
        props.setProperty("endlistSeen", Boolean.toString(endlistSeen));
        props.setProperty("endlistSequence", Long.toString(endlistSequence));
        props.setProperty("endlistAtMillis", Long.toString(endlistAtMillis));
        StringBuilder ranges = new StringBuilder();
        received.forEach((start, end) -> ranges.append(ranges.length() == 0 ? "" : ",")
                .append(start)
                .append('-')
                .append(end));
        props.setProperty("received", ranges.toString());
        durations.forEach((sequence, micros) -> props.setProperty("duration." + sequence, Long.toString(micros)));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        props.store(out, "ingest session of live " + liveId);
        return out.toByteArray();
    }

    static LiveState load(String liveId, Path file) throws IOException {
        LiveState session = new LiveState(liveId);
        if (!Files.exists(file)) {
            return session;
        }
        Properties props = new Properties();
        props.load(new StringReader(Files.readString(file, StandardCharsets.ISO_8859_1)));
        session.connection = Integer.parseInt(props.getProperty("connection", "0"));
        session.connectionBase = Long.parseLong(props.getProperty("connectionBase", "0"));
        session.seenZero = Boolean.parseBoolean(props.getProperty("seenZero"));
        session.segmentsInConnection = Long.parseLong(props.getProperty("segmentsInConnection", "0"));
        session.maxSequence = Long.parseLong(props.getProperty("maxSequence", "-1"));
        session.lastSegmentAtMillis = Long.parseLong(props.getProperty("lastSegmentAtMillis", "0"));
        session.startedSpooled = Boolean.parseBoolean(props.getProperty("startedSpooled"));
        session.endedSpooled = Boolean.parseBoolean(props.getProperty("endedSpooled"));
        session.bestMediaSequence = Long.parseLong(props.getProperty("bestMediaSequence", "-1"));
        session.bestLastSequence = Long.parseLong(props.getProperty("bestLastSequence", "-1"));
        session.bestEnded = Boolean.parseBoolean(props.getProperty("bestEnded"));
        session.endlistSeen = Boolean.parseBoolean(props.getProperty("endlistSeen"));
        session.endlistSequence = Long.parseLong(props.getProperty("endlistSequence", "-1"));
        session.endlistAtMillis = Long.parseLong(props.getProperty("endlistAtMillis", "0"));
        for (String range : props.getProperty("received", "").split(",")) {
            if (!range.isBlank()) {
                String[] bounds = range.split("-");
                session.received.put(Long.parseLong(bounds[0]), Long.parseLong(bounds[1]));
            }
        }
        for (String name : props.stringPropertyNames()) {
            if (name.startsWith("duration.")) {
                session.durations.put(
                        Long.parseLong(name.substring("duration.".length())), Long.parseLong(props.getProperty(name)));
            }
        }
        return session;
    }
}
