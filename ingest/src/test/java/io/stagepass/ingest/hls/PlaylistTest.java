package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PlaylistTest {
    /** As ffmpeg 5.1 writes it with -hls_time 2 (sliding window of 5). */
    private static final String FFMPEG_PLAYLIST = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:25
            #EXTINF:2.000000,
            index25.ts
            #EXTINF:2.000000,
            index26.ts
            #EXT-X-DISCONTINUITY
            #EXTINF:1.960000,
            index27.ts
            #EXT-X-ENDLIST
            """;

    @Test
    void readsSequencesDurationsDiscontinuitiesAndTheEnd() {
        Playlist playlist = Playlist.parse(FFMPEG_PLAYLIST);

        assertThat(playlist.mediaSequence()).isEqualTo(25);
        assertThat(playlist.entries())
                .containsExactly(
                        new Playlist.Entry(25, 2_000_000, false),
                        new Playlist.Entry(26, 2_000_000, false),
                        new Playlist.Entry(27, 1_960_000, true));
        assertThat(playlist.ended()).isTrue();
        assertThat(playlist.lastSequence()).isEqualTo(27);
    }

    @Test
    void keepsDurationsExactInMicroseconds() {
        assertThat(Playlist.micros("2.000000", 1)).isEqualTo(2_000_000);
        assertThat(Playlist.micros("0.04", 1)).isEqualTo(40_000);
        assertThat(Playlist.micros("10", 1)).isEqualTo(10_000_000);
        assertThat(Playlist.micros("3.1234567", 1)).isEqualTo(3_123_456);
    }

    @Test
    void fmp4PlaylistsListM4sSegmentsAfterTheirMap() {
        Playlist playlist = Playlist.parse("""
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-TARGETDURATION:2
                #EXT-X-MEDIA-SEQUENCE:0
                #EXT-X-MAP:URI="init.mp4"
                #EXTINF:2.000000,
                index0.m4s
                """);

        assertThat(playlist.entries()).containsExactly(new Playlist.Entry(0, 2_000_000, false));
        assertThat(playlist.ended()).isFalse();
    }

    @Test
    void refusesWhatIsNotAPlaylist() {
        assertThatThrownBy(() -> Playlist.parse("hello")).hasMessageContaining("#EXTM3U");
        assertThatThrownBy(() -> Playlist.parse("#EXTM3U\nindex1.ts\n")).hasMessageContaining("no #EXTINF");
        assertThatThrownBy(() -> Playlist.parse("#EXTM3U\n#EXTINF:abc,\nindex1.ts\n"))
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> Playlist.parse("#EXTM3U\n#EXTINF:2.0,\n../../etc/passwd\n"))
                .hasMessageContaining("line 3");
    }
}
