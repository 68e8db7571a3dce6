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

    @Test
    void whileLiveASlidingWindowOfTheNewestSegmentsWithoutAnEnd() {
        String m3u8 = LivePlaylists.media(
                segments(0, 1, 2, 3, 4, 5, 6, 7, 8), false, s -> "seg" + s.getSequence(), s -> null);

        assertThat(m3u8)
                .contains("#EXT-X-MEDIA-SEQUENCE:3\n")
                .contains("#EXT-X-TARGETDURATION:2\n")
                .doesNotContain("#EXT-X-ENDLIST");
        assertThat(m3u8.lines().filter(l -> l.startsWith("seg")))
                .containsExactly("seg3", "seg4", "seg5", "seg6", "seg7", "seg8");
        assertThat(m3u8).contains("#EXTINF:2.000000,\nseg3");
    }

    @Test
    void onceEndedEverySegmentAndAnEndWithGapsAsDiscontinuities() {
        String m3u8 = LivePlaylists.media(segments(0, 1, 3, 4), true, s -> "seg" + s.getSequence(), s -> null);

        assertThat(m3u8)
                .contains("#EXT-X-MEDIA-SEQUENCE:0\n")
                .contains("#EXT-X-PLAYLIST-TYPE:VOD")
                .endsWith("#EXT-X-ENDLIST\n");
        assertThat(m3u8).contains("seg1\n#EXT-X-DISCONTINUITY\n#EXTINF:2.000000,\nseg3");
    }

    @Test
    void discontinuitiesBeforeTheWindowAreCountedSoPlayersStayInStep() {
        String m3u8 = LivePlaylists.media(
                segments(0, 2, 3, 5, 6, 7, 8, 9, 10), false, s -> "seg" + s.getSequence(), s -> null);

        assertThat(m3u8).contains("#EXT-X-DISCONTINUITY-SEQUENCE:2\n").contains("#EXT-X-MEDIA-SEQUENCE:3\n");
    }
}
