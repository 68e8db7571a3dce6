package io.stagepass.replay.playback;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayPlaylistsTest {
    @Test
    void everyUriOfTheMediaPlaylistBecomesALinkAndTheByteRangesStay() {
        String media = """
                #EXTM3U
                #EXT-X-VERSION:7
                #EXT-X-MAP:URI="media-0.mp4",BYTERANGE="1308@0"
                #EXTINF:6.000000,
                #EXT-X-BYTERANGE:826971@1308
                media-0.mp4
                #EXT-X-DISCONTINUITY
                #EXT-X-MAP:URI="media-1.mp4",BYTERANGE="900@0"
                #EXTINF:2.000000,
                #EXT-X-BYTERANGE:276826@900
                media-1.mp4
                #EXT-X-ENDLIST
                """;

        String rewritten = ReplayPlaylists.rewrite(media, uri -> "/signed/" + uri + "?s=x");

        assertThat(rewritten)
                .contains("#EXT-X-MAP:URI=\"/signed/media-0.mp4?s=x\",BYTERANGE=\"1308@0\"")
                .contains("#EXT-X-BYTERANGE:826971@1308\n/signed/media-0.mp4?s=x\n")
                .contains("#EXT-X-MAP:URI=\"/signed/media-1.mp4?s=x\",BYTERANGE=\"900@0\"")
                .contains("#EXT-X-DISCONTINUITY")
                .endsWith("#EXT-X-ENDLIST\n");
    }

    @Test
    void theThumbnailCuesPointAtSignedSprites() {
        String vtt =
                "WEBVTT\n\n00:00:00.000 --> 00:00:05.000\nsprite-0.jpg#xywh=0,0,160,90\n\n00:00:05.000 --> 00:00:10.000\nsprite-0.jpg#xywh=160,0,160,90\n";

        assertThat(ReplayPlaylists.thumbnails(vtt, image -> "/signed/" + image + "?s=y"))
                .contains("/signed/sprite-0.jpg?s=y#xywh=0,0,160,90")
                .contains("/signed/sprite-0.jpg?s=y#xywh=160,0,160,90")
                .startsWith("WEBVTT\n\n00:00:00.000 --> 00:00:05.000\n");
    }
}
