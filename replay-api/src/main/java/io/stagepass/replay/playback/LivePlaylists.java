package io.stagepass.replay.playback;

import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentStored;
import java.math.BigDecimal;
import java.util.List;
import java.util.NavigableMap;
import java.util.function.Function;

/**
 * HLS playlists of a live made from ingest's segment facts. While it runs: the whole live so far (an {@code EVENT}
 * playlist: a ticket holder scrubs back to its start) or the last minutes the creator chose, {@code no-cache}, reloaded
 * by the player every target duration; those reloads may ask for a delta update ({@code _HLS_skip=YES}), which lists
 * only the newest segments, so a four-hour live does not cost every viewer its whole playlist every 2 s. Once it ended
 * and until its replay is READY: every segment with {@code #EXT-X-ENDLIST}, so a viewer is never shown an error while
 * packaging runs. Gaps and reconnects are discontinuities. Pure.
 */
final class LivePlaylists {
    /** Segments the master playlist's peak bit rate is measured over, and the least a DVR window keeps. */
    static final int WINDOW = 6;

    /** A delta update may leave out segments this many target durations before the end (the RFC's minimum). */
    static final int SKIP_TARGETS = 6;

    private static final long DEFAULT_DURATION_MICROS = 2_000_000;

    private LivePlaylists() {}

    /** What the player may see of a running live, and whether this reload asked for a delta update. */
    record Reach(long dvrWindowMicros, boolean skip) {
        /** The whole live so far, the full playlist. */
        static final Reach WHOLE = new Reach(0, false);
    }

    /**
     * The media playlist. {@code all} is every stored segment in order; {@code ended} lists all of them and closes the
     * list; otherwise the live so far, or its last {@code dvrWindowMicros} (at least {@link #WINDOW} segments). Media
     * sequence numbers count stored segments (so a gap in ingest's numbers does not confuse players); discontinuities
     * before the first listed segment are counted in the discontinuity sequence.
     */
    static String media(
            List<SegmentStored> all,
            boolean ended,
            Reach reach,
            Function<SegmentStored, String> url,
            Function<SegmentStored, String> initUrl) {
        return media(all, ended, reach, url, initUrl, segment -> false);
    }

    /**
     * The same, for a rendition: {@code all} are the source's segments, {@code url} names the rendition's, and a
     * segment {@code gap} says has none is an {@code #EXT-X-GAP} (a player takes it from another rendition).
     */
    static String media(
            List<SegmentStored> all,
            boolean ended,
            Reach reach,
            Function<SegmentStored, String> url,
            Function<SegmentStored, String> initUrl,
            java.util.function.Predicate<SegmentStored> gap) {
        int first = ended ? 0 : first(all, reach.dvrWindowMicros());
        int discontinuitiesBefore = 0;
        for (int i = 1; i <= first && i < all.size(); i++) {
            if (discontinuity(all.get(i - 1), all.get(i))) {
                discontinuitiesBefore++;
            }
        }
        List<SegmentStored> window = all.subList(first, all.size());
        long target = 1;
        for (SegmentStored segment : window) {
            target = Math.max(target, (duration(segment) + 999_999) / 1_000_000);
        }
        int skipped = ended || !reach.skip() ? 0 : skippable(window, target * SKIP_TARGETS * 1_000_000);
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:")
                .append(ended ? 7 : 9)
                .append('\n');
        m3u8.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        if (!ended) {
            m3u8.append("#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=")
                    .append(target * SKIP_TARGETS)
                    .append('\n');
        }
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
        m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:")
                .append(discontinuitiesBefore)
                .append('\n');
        if (ended) {
            m3u8.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        } else if (first == 0 && reach.dvrWindowMicros() == 0) {
            m3u8.append("#EXT-X-PLAYLIST-TYPE:EVENT\n");
        }
        if (skipped > 0) {
            m3u8.append("#EXT-X-SKIP:SKIPPED-SEGMENTS=").append(skipped).append('\n');
        }
        String init = null; // after a skip, the first listed segment names its init section again
        for (int i = skipped; i < window.size(); i++) {
            SegmentStored segment = window.get(i);
            if (i > 0 && discontinuity(window.get(i - 1), segment)) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            if (segment.getContainer() != SegmentContainer.MPEG_TS) {
                String map = initUrl.apply(segment);
                if (map != null && !map.equals(init)) {
                    m3u8.append("#EXT-X-MAP:URI=\"").append(map).append("\"\n");
                    init = map;
                }
            }
            if (gap.test(segment)) {
                m3u8.append("#EXT-X-GAP\n");
            }
            m3u8.append("#EXTINF:")
                    .append(BigDecimal.valueOf(duration(segment), 6).toPlainString())
                    .append(",\n");
            m3u8.append(url.apply(segment)).append('\n');
        }
        if (ended) {
            m3u8.append("#EXT-X-ENDLIST\n");
        }
        return m3u8.toString();
    }

    /** The first segment a running live lists: 0 for the whole live, else the oldest within the DVR window. */
    static int first(List<SegmentStored> all, long dvrWindowMicros) {
        if (dvrWindowMicros <= 0) {
            return 0;
        }
        int first = all.size();
        long covered = 0;
        while (first > 0 && covered + duration(all.get(first - 1)) <= dvrWindowMicros) {
            covered += duration(all.get(--first));
        }
        return Math.min(first, Math.max(0, all.size() - WINDOW));
    }

    /** How many leading segments a delta update leaves out: those that end more than {@code untilMicros} from the end. */
    static int skippable(List<SegmentStored> window, long untilMicros) {
        long fromEnd = 0;
        int kept = 0;
        for (int i = window.size() - 1; i >= 0 && fromEnd < untilMicros; i--) {
            fromEnd += duration(window.get(i));
            kept++;
        }
        return window.size() - kept;
    }

    /** One lower rendition of a live: its segments by source sequence, and its media playlist's URL. */
    record Rendition(String name, NavigableMap<Long, SegmentStored> segments, String mediaUrl) {}

    /**
     * The master playlist: the source (the peak bit rate of its newest segments, and its {@code sourceResolution} as
     * ingest measured it), then each lower rendition that has segments, with its peak bit rate, {@code RESOLUTION} and
     * {@code CODECS} as the worker that made it read them. While the source's resolution is not known, the source alone:
     * players drop a variant without resolution or codecs as audio-only once another one has them.
     */
    static String master(
            List<SegmentStored> all, String mediaUrl, String sourceResolution, List<Rendition> renditions) {
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n");
        m3u8.append("#EXT-X-STREAM-INF:BANDWIDTH=").append(peak(all));
        if (sourceResolution != null) {
            m3u8.append(",RESOLUTION=").append(sourceResolution);
        }
        m3u8.append('\n').append(mediaUrl).append('\n');
        for (Rendition rendition : renditions) {
            if (rendition.segments().isEmpty() || sourceResolution == null) {
                continue;
            }
            SegmentStored latest = rendition.segments().lastEntry().getValue();
            m3u8.append("#EXT-X-STREAM-INF:BANDWIDTH=")
                    .append(peak(List.copyOf(rendition.segments().values())));
            if (latest.getWidth() != null && latest.getHeight() != null) {
                m3u8.append(",RESOLUTION=")
                        .append(latest.getWidth())
                        .append('x')
                        .append(latest.getHeight());
            }
            if (latest.getCodecs() != null) {
                m3u8.append(",CODECS=\"").append(latest.getCodecs()).append('"');
            }
            m3u8.append('\n').append(rendition.mediaUrl()).append('\n');
        }
        return m3u8.toString();
    }

    /** A one-variant master playlist naming the live's media playlist. */
    static String master(List<SegmentStored> all, String mediaUrl) {
        return master(all, mediaUrl, null, List.of());
    }

    /** Peak bits per second over the newest {@link #WINDOW} segments (at least 1). */
    private static long peak(List<SegmentStored> all) {
        long peak = 0;
        for (SegmentStored segment : all.subList(Math.max(0, all.size() - WINDOW), all.size())) {
            peak = Math.max(peak, segment.getByteSize() * 8 * 1_000_000 / Math.max(1, duration(segment)));
        }
        return Math.max(peak, 1);
    }

    /**
     * The source segments a rendition's playlist lists: up to the newest one the rendition has (the worker makes each a
     * moment after ingest stored it), so that both playlists count the same segments by the same media sequence.
     */
    static List<SegmentStored> renditionSlots(
            List<SegmentStored> all, NavigableMap<Long, SegmentStored> made, boolean ended) {
        if (ended || made.isEmpty()) {
            return ended ? all : List.of();
        }
        long newest = made.lastKey();
        int end = 0;
        while (end < all.size() && all.get(end).getSequence() <= newest) {
            end++;
        }
        return all.subList(0, end);
    }

    static boolean discontinuity(SegmentStored previous, SegmentStored next) {
        return next.getDiscontinuity() || next.getSequence() != previous.getSequence() + 1;
    }

    private static long duration(SegmentStored segment) {
        return segment.getDurationMicros() != null ? segment.getDurationMicros() : DEFAULT_DURATION_MICROS;
    }
}
