package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The thumbnail grid and the scrub bar's cues, without pictures. */
class ThumbnailsTest {
    @Test
    void tilesStayOnTheGridWhenAKeyframeComesLate() {
        assertThat(Thumbnails.nextTileAt(0, 5_000_000)).isEqualTo(5_000_000);
        assertThat(Thumbnails.nextTileAt(5_400_000, 5_000_000))
                .as("a keyframe 0.4 s late")
                .isEqualTo(10_000_000);
        assertThat(Thumbnails.nextTileAt(9_999_999, 5_000_000)).isEqualTo(10_000_000);
        assertThat(Thumbnails.nextTileAt(31_000_000, 10_000_000)).isEqualTo(40_000_000);
    }

    @Test
    void cuesCoverTheWholeReplayFromZeroToItsEndWithoutAHole() {
        List<Playlists.Tile> tiles = List.of(
                new Playlists.Tile(0, 0, "sprite-0.jpg", 0, 0, 160, 90),
                new Playlists.Tile(0, 0, "sprite-0.jpg", 160, 0, 160, 90),
                new Playlists.Tile(0, 0, "sprite-0.jpg", 320, 0, 160, 90));
        List<Playlists.Tile> cues = Thumbnails.cues(tiles, List.of(80_000L, 5_040_000L, 10_000_000L), 12_345_000);

        assertThat(cues).extracting(Playlists.Tile::startMicros).containsExactly(0L, 5_040_000L, 10_000_000L);
        assertThat(cues).extracting(Playlists.Tile::endMicros).containsExactly(5_040_000L, 10_000_000L, 12_345_000L);
        assertThat(cues).extracting(Playlists.Tile::x).containsExactly(0, 160, 320);
        assertThat(Thumbnails.cues(tiles.subList(0, 1), List.of(0L), 0))
                .as("a replay shorter than its first keyframe's time: an empty cue, not a negative one")
                .extracting(Playlists.Tile::endMicros)
                .containsExactly(0L);
    }
}
