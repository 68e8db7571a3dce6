package io.stagepass.jobs.replay;

import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamKeys;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a live's replay is made of, from the facts ingest wrote: its stored media segments in sequence order (each
 * once, however often its fact was delivered), the fMP4 init sections they need, and the sequence numbers that never
 * arrived; and the lower renditions the jobs worker made of them, by rendition and in sequence order. Pure: the same
 * facts in any order give the same input and the same {@link #contentHash()}.
 */
public record ReplayInput(
        String liveId,
        List<Segment> segments,
        List<Segment> inits,
        List<Gap> gaps,
        Map<String, List<Segment>> renditions,
        Map<String, List<Long>> renditionGaps) {

    /** One stored segment (or init section) and what ingest said about it. */
    public record Segment(
            long sequence,
            String objectKey,
            String sha256,
            long byteSize,
            SegmentContainer container,
            boolean discontinuity,
            Long durationMicros) {
        static Segment of(SegmentStored fact) {
            return new Segment(
                    fact.getSequence(),
                    fact.getObjectKey(),
                    fact.getSha256(),
                    fact.getByteSize(),
                    fact.getContainer(),
                    fact.getDiscontinuity(),
                    fact.getDurationMicros());
        }

        public boolean fmp4() {
            return container != SegmentContainer.MPEG_TS;
        }
    }

    /** Sequence numbers {@code sequence .. sequence + length - 1} never arrived. */
    public record Gap(long sequence, long length) {}

    public static ReplayInput of(String liveId, List<SegmentStored> facts) {
        Map<Long, Segment> media = new TreeMap<>();
        Map<String, Segment> inits = new TreeMap<>();
        TreeMap<Long, Long> gapFacts = new TreeMap<>();
        Map<String, Map<Long, Segment>> made = new TreeMap<>();
        Map<String, java.util.Set<Long>> notMade = new TreeMap<>();
        for (SegmentStored fact : facts) {
            if (!fact.getLiveId().equals(liveId)) {
                continue;
            }
            if (fact.getRendition() != null) {
                if (fact.getType() == SegmentEventType.STORED) {
                    made.computeIfAbsent(fact.getRendition(), r -> new TreeMap<>())
                            .putIfAbsent(fact.getSequence(), Segment.of(fact));
                } else {
                    notMade.computeIfAbsent(fact.getRendition(), r -> new java.util.TreeSet<>())
                            .add(fact.getSequence());
                }
            } else if (fact.getType() == SegmentEventType.GAP) {
                gapFacts.merge(fact.getSequence(), fact.getGapLength() == null ? 1 : fact.getGapLength(), Math::max);
            } else if (fact.getContainer() == SegmentContainer.FMP4_INIT) {
                inits.putIfAbsent(fact.getSha256() + "/" + fact.getSequence(), Segment.of(fact));
            } else {
                media.putIfAbsent(fact.getSequence(), Segment.of(fact)); // a redelivered fact is the same segment
            }
        }
        List<Segment> segments = List.copyOf(media.values());
        List<Segment> initList = inits.values().stream()
                .sorted(Comparator.comparingLong(Segment::sequence))
                .toList();
        Map<String, List<Segment>> renditions = new TreeMap<>();
        made.forEach((name, bySequence) -> renditions.put(name, List.copyOf(bySequence.values())));
        Map<String, List<Long>> renditionGaps = new TreeMap<>();
        notMade.forEach((name, sequences) -> renditionGaps.put(name, List.copyOf(sequences)));
        return new ReplayInput(liveId, segments, initList, gaps(segments, gapFacts), renditions, renditionGaps);
    }

    /** Gaps ingest reported, and any hole between stored sequences it did not report (counted the same way). */
    private static List<Gap> gaps(List<Segment> segments, TreeMap<Long, Long> reported) {
        TreeMap<Long, Long> missing = new TreeMap<>();
        long next = 0;
        for (Segment segment : segments) {
            if (segment.sequence() > next) {
                missing.put(next, segment.sequence() - next);
            }
            next = Math.max(next, segment.sequence() + 1);
        }
        for (Map.Entry<Long, Long> gap : reported.tailMap(next, true).entrySet()) {
            missing.put(gap.getKey(), gap.getValue()); // missing at the end: ingest knows from the ENDLIST
        }
        List<Gap> gaps = new ArrayList<>();
        missing.forEach((first, length) -> gaps.add(new Gap(first, length)));
        return List.copyOf(gaps);
    }

    /** Whether the worker made {@code rendition} of every segment. */
    public boolean whole(String rendition) {
        java.util.Set<Long> made = new java.util.HashSet<>();
        renditions.getOrDefault(rendition, List.of()).forEach(segment -> made.add(segment.sequence()));
        return !made.isEmpty() && segments.stream().allMatch(s -> made.contains(s.sequence()));
    }

    /**
     * Whether every segment has its fact in each rendition the worker makes: made, or not (a GAP of the rendition: it
     * could not read the segment). Until then the end of a live waits for the last ones.
     */
    public boolean renditionsDecided() {
        for (Map.Entry<String, List<Segment>> rendition : renditions.entrySet()) {
            java.util.Set<Long> decided =
                    new java.util.HashSet<>(renditionGaps.getOrDefault(rendition.getKey(), List.of()));
            rendition.getValue().forEach(segment -> decided.add(segment.sequence()));
            if (!segments.stream().allMatch(s -> decided.contains(s.sequence()))) {
                return false;
            }
        }
        return true;
    }

    /** The fMP4 init section a segment needs: the latest one ingest stored at or before its sequence. */
    public Segment initFor(Segment segment) {
        Segment found = null;
        for (Segment init : inits) {
            if (init.sequence() <= segment.sequence()) {
                found = init;
            }
        }
        return found;
    }

    /** The live's length as ingest measured it from the playlists (2 s per segment where it did not). */
    public long expectedDurationMicros() {
        return segments.stream()
                .mapToLong(s -> s.durationMicros() != null ? s.durationMicros() : 2_000_000L)
                .sum();
    }

    public long totalBytes() {
        return segments.stream().mapToLong(Segment::byteSize).sum();
    }

    /**
     * Hex SHA-256 of everything that decides the package: each segment's sequence, bytes (their SHA-256), container and
     * discontinuity flag, the init sections, the segments of each whole rendition, and the gaps. Equal input, equal hash: the package is made once.
     */
    public String contentHash() {
        StringBuilder text = new StringBuilder(liveId).append('\n');
        for (Segment init : inits) {
            text.append("init ")
                    .append(init.sequence())
                    .append(' ')
                    .append(init.sha256())
                    .append('\n');
        }
        for (Segment segment : segments) {
            text.append(segment.sequence())
                    .append(' ')
                    .append(segment.sha256())
                    .append(' ')
                    .append(segment.container())
                    .append(segment.discontinuity() ? " discontinuity" : "")
                    .append('\n');
        }
        renditions.forEach((name, made) -> {
            if (whole(name)) { // a rendition the replay can list; facts of a partial one change nothing
                made.forEach(segment -> text.append(name)
                        .append(' ')
                        .append(segment.sequence())
                        .append(' ')
                        .append(segment.sha256())
                        .append('\n'));
            }
        });
        for (Gap gap : gaps) {
            text.append("gap ")
                    .append(gap.sequence())
                    .append(' ')
                    .append(gap.length())
                    .append('\n');
        }
        return StreamKeys.sha256(text.toString().getBytes(StandardCharsets.UTF_8));
    }
}
