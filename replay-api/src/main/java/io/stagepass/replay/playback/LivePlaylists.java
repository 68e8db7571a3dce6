package io.stagepass.replay.playback;

import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentStored;
import java.math.BigDecimal;
import java.util.List;
import java.util.function.Function;

/**
 * HLS playlists of a live made from ingest's segment facts. While it runs: a sliding window of the newest segments
 * ({@code no-cache}, the player reloads it every target duration). Once it ended and until its replay is READY: every
 * segment with {@code #EXT-X-ENDLIST}, so a viewer is never shown an error while packaging runs. Gaps and reconnects
 * are discontinuities. Pure.
 */
final class LivePlaylists {
    /** Segments of the sliding window: about 12 s of a 2 s segment live, what players keep behind the live edge. */
    static final int WINDOW = 6;

    private static final long DEFAULT_DURATION_MICROS = 2_000_000;

    private LivePlaylists() {}

    /**
     * The media playlist. {@code all} is every stored segment in order; {@code ended} lists all of them and closes the
     * list, otherwise the last {@link #WINDOW}. Media sequence numbers count stored segments (so a gap in ingest's
     * numbers does not confuse players); discontinuities before the window are counted in the discontinuity sequence.
     */
    static String media(
            List<SegmentStored> all,
            boolean ended,
            Function<SegmentStored, String> url,
            Function<SegmentStored, String> initUrl) {
        int first = ended ? 0 : Math.max(0, all.size() - WINDOW);
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
        StringBuilder m3u8 = new StringBuilder("#EXTM3U\n#EXT-X-VERSION:7\n");
        m3u8.append("#EXT-X-TARGETDURATION:").append(target).append('\n');
        m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first).append('\n');
        m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:")
                .append(discontinuitiesBefore)
                .append('\n');
        if (ended) {
            m3u8.append("#EXT-X-PLAYLIST-TYPE:VOD\n");
        }
        String init = null;
        for (int i = 0; i < window.size(); i++) {
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

    /** A one-variant master playlist naming the live's media playlist, with the peak bit rate of the window. */
    static String master(List<SegmentStored> all, String mediaUrl) {
        long peak = 0;
        for (SegmentStored segment : all.subList(Math.max(0, all.size() - WINDOW), all.size())) {
            peak = Math.max(peak, segment.getByteSize() * 8 * 1_000_000 / Math.max(1, duration(segment)));
        }
        return "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=" + Math.max(peak, 1) + "\n" + mediaUrl + "\n";
    }

    static boolean discontinuity(SegmentStored previous, SegmentStored next) {
        return next.getDiscontinuity() || next.getSequence() != previous.getSequence() + 1;
    }

    private static long duration(SegmentStored segment) {
        return segment.getDurationMicros() != null ? segment.getDurationMicros() : DEFAULT_DURATION_MICROS;
    }
}
