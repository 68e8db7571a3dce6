package io.stagepass.replay.playback;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LivePlaylistsTest {
    private static List<SegmentStored> segments(long... sequences) {
        List<SegmentStored> list = new ArrayList<>();
        for (long sequence : sequences) {
            list.add(SampleEvents.segment("live_1", sequence).build());
        }
        return list;
    }

    private static String media(List<SegmentStored> all, boolean ended, LivePlaylists.Reach reach) {
        return LivePlaylists.media(all, ended, reach, s -> "seg" + s.getSequence(), s -> null);
    }

    private static List<String> listed(String m3u8) {
        return m3u8.lines().filter(l -> l.startsWith("seg")).toList();
    }

    @Test
    void whileLiveTheWholeLiveSoFarAsAnEventPlaylistWithoutAnEnd() {
        String m3u8 = media(segments(0, 1, 2, 3, 4, 5, 6, 7, 8), false, LivePlaylists.Reach.WHOLE);

        assertThat(m3u8)
                .contains("#EXT-X-MEDIA-SEQUENCE:0\n")
                .contains("#EXT-X-PLAYLIST-TYPE:EVENT\n")
                .contains("#EXT-X-TARGETDURATION:2\n")
                .contains("#EXT-X-SERVER-CONTROL:CAN-SKIP-UNTIL=12\n")
                .doesNotContain("#EXT-X-ENDLIST");
        assertThat(listed(m3u8)).hasSize(9).startsWith("seg0").endsWith("seg8");
        assertThat(m3u8).contains("#EXTINF:2.000000,\nseg0");
    }

    @Test
    void aDvrWindowSlidesOverTheLastMinutesButKeepsAtLeastSixSegments() {
        List<SegmentStored> all = new ArrayList<>();
        for (long i = 0; i < 100; i++) {
            all.add(SampleEvents.segment("live_1", i).build()); // 2 s each: 200 s
        }
        String m3u8 = media(all, false, new LivePlaylists.Reach(60_000_000, false));

        assertThat(listed(m3u8)).hasSize(30).startsWith("seg70").endsWith("seg99");
        assertThat(m3u8).contains("#EXT-X-MEDIA-SEQUENCE:70\n").doesNotContain("PLAYLIST-TYPE");
        assertThat(listed(media(all, false, new LivePlaylists.Reach(3_000_000, false))))
                .containsExactly("seg94", "seg95", "seg96", "seg97", "seg98", "seg99");
    }

    @Test
    void aDeltaUpdateLeavesOutWhatLiesBeyondTheSkipBoundaryAndCountsIt() {
        List<SegmentStored> all = new ArrayList<>(segments(0, 1, 2, 3));
        for (long i = 5; i < 40; i++) { // a gap at 4: a discontinuity the client already has
            all.add(SampleEvents.segment("live_1", i).build());
        }
        String full = media(all, false, LivePlaylists.Reach.WHOLE);
        String delta = media(all, false, new LivePlaylists.Reach(0, true));

        // 12 s from the end (6 target durations of 2 s) is 6 segments: the other 33 are left out.
        assertThat(delta)
                .contains("#EXT-X-VERSION:9\n")
                .contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=33\n")
                .contains("#EXT-X-MEDIA-SEQUENCE:0\n")
                .doesNotContain("#EXT-X-DISCONTINUITY\n");
        assertThat(listed(delta)).containsExactly("seg34", "seg35", "seg36", "seg37", "seg38", "seg39");
        assertThat(listed(full)).hasSize(39);
        assertThat(full).contains("seg3\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\nseg5");
        assertThat(delta.length()).isLessThan(full.length() / 2);
        // Once the live ended, the player gets everything whatever it asked.
        assertThat(media(all, true, new LivePlaylists.Reach(0, true)))
                .doesNotContain("#EXT-X-SKIP")
                .doesNotContain("SERVER-CONTROL")
                .endsWith("#EXT-X-ENDLIST\n");
    }

    @Test
    void aDeltaUpdateOfAnFmp4LiveNamesTheInitSectionOfItsFirstListedSegmentAgain() {
        List<SegmentStored> all = new ArrayList<>();
        for (long i = 0; i < 20; i++) {
            all.add(SampleEvents.segment("live_1", i)
                    .setContainer(io.stagepass.events.SegmentContainer.FMP4)
                    .build());
        }
        String delta = LivePlaylists.media(
                all, false, new LivePlaylists.Reach(0, true), s -> "seg" + s.getSequence(), s -> "init-a.mp4");

        assertThat(delta)
                .contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=14\n#EXT-X-MAP:URI=\"init-a.mp4\"\n#EXTINF:2.000000,\nseg14");
        assertThat(delta.split("#EXT-X-MAP", -1)).hasSize(2);
    }

    @Test
    void onceEndedEverySegmentAndAnEndWithGapsAsDiscontinuities() {
        String m3u8 = media(segments(0, 1, 3, 4), true, new LivePlaylists.Reach(60_000_000, false));

        assertThat(m3u8)
                .contains("#EXT-X-MEDIA-SEQUENCE:0\n")
                .contains("#EXT-X-PLAYLIST-TYPE:VOD")
                .endsWith("#EXT-X-ENDLIST\n");
        assertThat(m3u8).contains("seg1\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\nseg3");
    }

    @Test
    void discontinuitiesBeforeTheWindowAreCountedSoPlayersStayInStep() {
        String m3u8 = media(segments(0, 2, 3, 5, 6, 7, 8, 9, 10), false, new LivePlaylists.Reach(12_000_000, false));

        assertThat(m3u8).contains("#EXT-X-DISCONTINUITY-SEQUENCE:2\n").contains("#EXT-X-MEDIA-SEQUENCE:3\n");
    }

    @Test
    void aRenditionListsTheSourcesSegmentsUpToItsNewestWithAGapWhereItHasNone() {
        List<SegmentStored> all = segments(0, 1, 2, 3, 4, 5);
        java.util.TreeMap<Long, SegmentStored> made = new java.util.TreeMap<>();
        for (long sequence : new long[] {0, 1, 3}) {
            made.put(
                    sequence,
                    SampleEvents.segment("live_1", sequence)
                            .setRendition("360p")
                            .setObjectKey("live_1/360p/" + sequence)
                            .setWidth(640)
                            .setHeight(360)
                            .setCodecs("avc1.42c01e,mp4a.40.2")
                            .build());
        }
        List<SegmentStored> slots = LivePlaylists.renditionSlots(all, made, false);
        String m3u8 = LivePlaylists.media(
                slots,
                false,
                LivePlaylists.Reach.WHOLE,
                s -> made.containsKey(s.getSequence()) ? "low" + s.getSequence() : "seg" + s.getSequence(),
                s -> null,
                s -> !made.containsKey(s.getSequence()));

        // Up to 3, the newest it has (4 and 5 are still being made); 2 is a gap, taken from another rendition.
        assertThat(m3u8.lines().filter(l -> l.startsWith("low") || l.startsWith("seg")))
                .containsExactly("low0", "low1", "seg2", "low3");
        assertThat(m3u8).contains("#EXT-X-GAP\n#EXTINF:2.000000,\nseg2\n").contains("#EXT-X-MEDIA-SEQUENCE:0\n");
        assertThat(LivePlaylists.renditionSlots(all, made, true)).hasSize(6);
        assertThat(LivePlaylists.renditionSlots(all, new java.util.TreeMap<>(), false))
                .isEmpty();

        List<LivePlaylists.Rendition> renditions =
                List.of(new LivePlaylists.Rendition("360p", made, "/live.m3u8?rendition=360p"));
        assertThat(LivePlaylists.master(all, "/live.m3u8", null, renditions))
                .as("the source's resolution unknown yet: the source alone")
                .isEqualTo("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-STREAM-INF:BANDWIDTH=752000\n/live.m3u8\n");
        String master = LivePlaylists.master(all, "/live.m3u8", "1280x720", renditions);
        assertThat(master)
                .isEqualTo("#EXTM3U\n#EXT-X-VERSION:7\n"
                        + "#EXT-X-STREAM-INF:BANDWIDTH=752000,RESOLUTION=1280x720\n/live.m3u8\n"
                        + "#EXT-X-STREAM-INF:BANDWIDTH=752000,RESOLUTION=640x360,CODECS=\"avc1.42c01e,mp4a.40.2\"\n"
                        + "/live.m3u8?rendition=360p\n");
    }
}
