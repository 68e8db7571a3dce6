package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class PlaylistsTest {
    /** What FFmpeg's HLS muxer writes for one run in a single fMP4 file. */
    private static final String MUXER_PLAYLIST = """
            #EXTM3U
            #EXT-X-VERSION:7
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:0
            #EXT-X-MAP:URI="run-0.mp4",BYTERANGE="812@0"
            #EXTINF:2.000000,
            #EXT-X-BYTERANGE:250000@812
            run-0.mp4
            #EXTINF:1.966667,
            #EXT-X-BYTERANGE:240000@250812
            run-0.mp4
            #EXT-X-ENDLIST
            """;

    @Test
    void aRunIsReadFromTheMuxersPlaylistExactlyAndRenamed() {
        Playlists.Run run = Playlists.parseRun(MUXER_PLAYLIST.replace("\n", "\r\n"), "media-0.mp4");
        assertThat(run.file()).isEqualTo("media-0.mp4");
        assertThat(run.initLength()).isEqualTo(812);
        assertThat(run.entries())
                .containsExactly(
                        new Playlists.Entry(2_000_000, 812, 250_000), new Playlists.Entry(1_966_667, 250_812, 240_000));
        assertThat(run.durationMicros()).isEqualTo(3_966_667);
    }

    @Test
    void aMuxerPlaylistWithoutItsInitSectionOrWithARangeBeforeItsDurationIsRefused() {
        assertThatThrownBy(() -> Playlists.parseRun("#EXTM3U\n#EXTINF:2.0,\n#EXT-X-BYTERANGE:10@0\n", "f.mp4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("#EXT-X-MAP");
        assertThatThrownBy(() -> Playlists.parseRun(
                        "#EXT-X-MAP:URI=\"a.mp4\",BYTERANGE=\"5@0\"\n#EXT-X-BYTERANGE:10@5\n", "f.mp4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("without #EXTINF");
    }

    @Test
    void theMediaPlaylistPutsADiscontinuityAndAMapBetweenRunsAndEndsTheList() {
        List<Playlists.Run> runs = List.of(
                new Playlists.Run("media-0.mp4", 800, List.of(new Playlists.Entry(2_000_000, 800, 1000))),
                new Playlists.Run(
                        "media-1.mp4",
                        900,
                        List.of(new Playlists.Entry(2_000_001, 900, 2000), new Playlists.Entry(500_000, 2900, 300))));
        assertThat(Playlists.media(runs)).isEqualTo("""
                        #EXTM3U
                        #EXT-X-VERSION:7
                        #EXT-X-TARGETDURATION:3
                        #EXT-X-MEDIA-SEQUENCE:0
                        #EXT-X-PLAYLIST-TYPE:VOD
                        #EXT-X-INDEPENDENT-SEGMENTS
                        #EXT-X-MAP:URI="media-0.mp4",BYTERANGE="800@0"
                        #EXTINF:2.000000,
                        #EXT-X-BYTERANGE:1000@800
                        media-0.mp4
                        #EXT-X-DISCONTINUITY
                        #EXT-X-MAP:URI="media-1.mp4",BYTERANGE="900@0"
                        #EXTINF:2.000001,
                        #EXT-X-BYTERANGE:2000@900
                        media-1.mp4
                        #EXTINF:0.500000,
                        #EXT-X-BYTERANGE:300@2900
                        media-1.mp4
                        #EXT-X-ENDLIST
                        """);
    }

    @Test
    void theTargetDurationCoversEverySegmentRoundedUpAndIsAtLeastOne() {
        assertThat(Playlists.targetDurationSeconds(List.of())).isEqualTo(1);
        assertThat(Playlists.targetDurationSeconds(List.of(new Playlists.Run(
                        "f", 1, List.of(new Playlists.Entry(2_000_000, 0, 1), new Playlists.Entry(4_000_001, 0, 1))))))
                .isEqualTo(5);
    }

    @Test
    void bandwidthIsThePeakSegmentsAndTheAverageOverTheWholeInBitsPerSecond() {
        List<Playlists.Run> runs = List.of(new Playlists.Run(
                "f",
                1,
                List.of(
                        new Playlists.Entry(2_000_000, 0, 500_000), // 2 Mb/s
                        new Playlists.Entry(2_000_000, 0, 250_000), // 1 Mb/s
                        new Playlists.Entry(0, 0, 99)))); // a zero-length segment counts for no peak
        assertThat(Playlists.peakBandwidth(runs)).isEqualTo(2_000_000);
        assertThat(Playlists.averageBandwidth(runs)).isEqualTo((500_000 + 250_000 + 99) * 8 * 1_000_000L / 4_000_000);
        assertThat(Playlists.averageBandwidth(List.of())).isZero();
    }

    @Test
    void theMasterPlaylistNamesEachRenditionsBandwidthCodecsAndSizeWhenKnown() {
        assertThat(Playlists.master(List.of(
                        new Playlists.Variant(
                                2_200_000, 1_900_000, "avc1.64001f,mp4a.40.2", 1280, 720, "30.000", "v.m3u8"),
                        new Playlists.Variant(128_000, 120_000, "mp4a.40.2", 0, 0, null, "a.m3u8"))))
                .isEqualTo("""
                        #EXTM3U
                        #EXT-X-VERSION:7
                        #EXT-X-INDEPENDENT-SEGMENTS
                        #EXT-X-STREAM-INF:BANDWIDTH=2200000,AVERAGE-BANDWIDTH=1900000,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000
                        v.m3u8
                        #EXT-X-STREAM-INF:BANDWIDTH=128000,AVERAGE-BANDWIDTH=120000,CODECS="mp4a.40.2"
                        a.m3u8
                        """);
    }

    @Test
    void theThumbnailTrackIsWebVttWithASpriteRegionPerCue() {
        assertThat(Playlists.thumbnails(List.of(
                        new Playlists.Tile(0, 10_000_000, "sprite-0.jpg", 0, 0, 160, 90),
                        new Playlists.Tile(3_599_999_000L, 3_610_000_500L, "sprite-1.jpg", 160, 90, 160, 90))))
                .isEqualTo("""
                        WEBVTT

                        00:00:00.000 --> 00:00:10.000
                        sprite-0.jpg#xywh=0,0,160,90

                        00:59:59.999 --> 01:00:10.000
                        sprite-1.jpg#xywh=160,90,160,90
                        """);
    }

    @Test
    void secondsAreWrittenWithSixExactDecimals() {
        assertThat(Playlists.seconds(2_000_000)).isEqualTo("2.000000");
        assertThat(Playlists.seconds(1_966_667)).isEqualTo("1.966667");
        assertThat(Playlists.seconds(7)).isEqualTo("0.000007");
    }
}
