package io.stagepass.acceptance.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaylistTest {
    private static final String WRITTEN = """
            #EXTM3U
            #EXT-X-VERSION:3
            #EXT-X-TARGETDURATION:2
            #EXT-X-MEDIA-SEQUENCE:7
            #EXTINF:2.000000,
            index7.ts
            #EXTINF:2.000000,
            index8.ts
            #EXTINF:1.480000,
            index9.ts
            #EXT-X-ENDLIST
            """;

    @Test
    void replaysTheLivePlaylistSegmentBySegment(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("index.m3u8");
        Files.writeString(file, WRITTEN);

        Playlist playlist = Playlist.read(file);

        assertThat(playlist.segments())
                .extracting(Playlist.Segment::file, Playlist.Segment::sequence, Playlist.Segment::startSeconds)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("index7.ts", 7L, 0.0),
                        org.assertj.core.groups.Tuple.tuple("index8.ts", 8L, 2.0),
                        org.assertj.core.groups.Tuple.tuple("index9.ts", 9L, 4.0));
        assertThat(playlist.upTo(1, false))
                .isEqualTo("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:7\n"
                        + "#EXTINF:2.000000,\nindex7.ts\n");
        assertThat(playlist.upTo(3, true)).isEqualTo(WRITTEN);
    }

    @Test
    void aPlaylistWithoutSegmentsIsAnError(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("index.m3u8");
        Files.writeString(file, "#EXTM3U\n#EXT-X-ENDLIST\n");

        assertThatThrownBy(() -> Playlist.read(file)).hasMessageContaining("no segments");
    }
}
