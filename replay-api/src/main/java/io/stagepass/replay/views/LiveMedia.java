package io.stagepass.replay.views;

import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * What ingest has stored of one live so far: its media segments by sequence, its fMP4 init sections, its gaps; and the
 * lower renditions the jobs worker made of its segments, by rendition and sequence.
 */
public final class LiveMedia {
    private final TreeMap<Long, SegmentStored> segments = new TreeMap<>();
    private final TreeMap<Long, SegmentStored> inits = new TreeMap<>();
    private final TreeMap<Long, Long> gaps = new TreeMap<>();
    private final TreeMap<String, TreeMap<Long, SegmentStored>> renditions = new TreeMap<>();

    synchronized void add(SegmentStored fact) {
        if (fact.getRendition() != null) {
            if (fact.getType() == SegmentEventType.STORED) {
                renditions
                        .computeIfAbsent(fact.getRendition(), r -> new TreeMap<>())
                        .putIfAbsent(fact.getSequence(), fact);
            }
        } else if (fact.getType() == SegmentEventType.GAP) {
            gaps.put(fact.getSequence(), fact.getGapLength() == null ? 1 : fact.getGapLength());
        } else if (fact.getContainer() == SegmentContainer.FMP4_INIT) {
            inits.put(fact.getSequence(), fact);
        } else {
            segments.putIfAbsent(fact.getSequence(), fact);
        }
    }

    /** The stored segments in order, the newest {@code last} of them only when {@code last > 0}. */
    public synchronized List<SegmentStored> segments(int last) {
        List<SegmentStored> all = new ArrayList<>(segments.values());
        return last > 0 && all.size() > last
                ? List.copyOf(all.subList(all.size() - last, all.size()))
                : List.copyOf(all);
    }

    /** The init section a segment needs (the latest stored at or before its sequence), or null for MPEG-TS. */
    public synchronized SegmentStored initFor(SegmentStored segment) {
        Map.Entry<Long, SegmentStored> init = inits.floorEntry(segment.getSequence());
        return segment.getContainer() == SegmentContainer.MPEG_TS || init == null ? null : init.getValue();
    }

    /** The segments of a lower rendition made so far, by the sequence of the source segment each was made from. */
    public synchronized NavigableMap<Long, SegmentStored> rendition(String rendition) {
        TreeMap<Long, SegmentStored> made = renditions.get(rendition);
        return made == null ? new TreeMap<>() : new TreeMap<>(made);
    }

    /** The names of the lower renditions this live has ({@code 360p}). */
    public synchronized List<String> renditions() {
        return List.copyOf(renditions.keySet());
    }

    public synchronized SegmentStored segment(long sequence) {
        return segments.get(sequence);
    }

    /**
     * How much media is stored so far, in microseconds: every segment's length one after the other (2 s where its
     * playlist has not said yet), gaps taking no time. The replay's timeline, on which clips are marked.
     */
    public synchronized long storedMicros() {
        long total = 0;
        for (SegmentStored segment : segments.values()) {
            total += segment.getDurationMicros() != null ? segment.getDurationMicros() : 2_000_000L;
        }
        return total;
    }

    /** The segments of the live, whether in order and where the media sequence numbers jump. */
    public synchronized boolean isEmpty() {
        return segments.isEmpty();
    }
}
