package io.stagepass.jobs.replay;

import io.stagepass.media.Decoder;
import io.stagepass.media.Pictures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * The poster and the scrub-bar thumbnails, cut from keyframes only (a keyframe decodes on its own, so nothing else of
 * the live is decoded): a tile at the first keyframe every {@code interval}, {@value #COLUMNS} x {@value #ROWS} tiles
 * to a JPEG sprite, and a WebVTT track pointing into the sprites.
 */
final class Thumbnails implements AutoCloseable {
    static final int TILE_WIDTH = 160;
    static final int COLUMNS = 10;
    static final int ROWS = 10;
    static final int POSTER_MAX_WIDTH = 1280;

    private final Path dir;
    private final long intervalMicros;
    private final long posterAtMicros;
    private final List<Playlists.Tile> tiles = new ArrayList<>();
    private final List<AVFrame> pending = new ArrayList<>();
    private final List<Path> sprites = new ArrayList<>();
    private final List<Long> tileStarts = new ArrayList<>();
    private Decoder decoder;
    private long nextTileAt;
    private boolean posterFinal;
    private Path poster;
    private int tileHeight;

    /** Tiles every {@code intervalMicros}; the poster is the first keyframe at or after {@code posterAtMicros}. */
    Thumbnails(Path dir, long intervalMicros, long posterAtMicros) {
        this.dir = dir;
        this.intervalMicros = intervalMicros;
        this.posterAtMicros = posterAtMicros;
    }

    /** A new stretch of the live: its pictures may differ from the last one's, so a fresh decoder. */
    void beginRun(AVCodecParameters video) {
        closeDecoder();
        decoder = Decoder.open(video);
    }

    /** Whether a keyframe at {@code atMicros} on the replay's timeline would be used. */
    boolean wants(long atMicros) {
        return atMicros >= nextTileAt || !posterFinal && (poster == null || atMicros >= posterAtMicros);
    }

    /** Uses a keyframe packet at {@code atMicros}; a picture that does not decode is passed over. */
    void keyframe(AVPacket packet, long atMicros) throws IOException {
        AVFrame picture = decoder.decodeKeyframe(packet);
        if (picture == null) {
            return;
        }
        if (!posterFinal && (poster == null || atMicros >= posterAtMicros)) {
            writePoster(picture);
            posterFinal = atMicros >= posterAtMicros;
        }
        if (atMicros >= nextTileAt) {
            if (tileHeight == 0) {
                tileHeight = even(TILE_WIDTH * (long) picture.height() / picture.width());
            }
            pending.add(Pictures.scaled(picture, TILE_WIDTH, tileHeight));
            tileStarts.add(atMicros);
            nextTileAt = nextTileAt(atMicros, intervalMicros);
            if (pending.size() == COLUMNS * ROWS) {
                flushSprite();
            }
        }
    }

    private void writePoster(AVFrame picture) throws IOException {
        int width = Math.min(POSTER_MAX_WIDTH, picture.width());
        int height = even((long) width * picture.height() / picture.width());
        AVFrame scaled = Pictures.scaled(picture, even(width), height);
        try {
            poster = dir.resolve("poster.jpg");
            Files.write(poster, Pictures.jpeg(scaled));
        } finally {
            Pictures.free(scaled);
        }
    }

    private void flushSprite() throws IOException {
        if (pending.isEmpty()) {
            return;
        }
        int rows = (pending.size() + COLUMNS - 1) / COLUMNS;
        int columns = Math.min(COLUMNS, pending.size());
        String name = "sprite-" + sprites.size() + ".jpg";
        AVFrame canvas = Pictures.canvas(columns * TILE_WIDTH, rows * tileHeight);
        try {
            for (int i = 0; i < pending.size(); i++) {
                int x = i % COLUMNS * TILE_WIDTH;
                int y = i / COLUMNS * tileHeight;
                Pictures.place(pending.get(i), canvas, x, y);
                tiles.add(new Playlists.Tile(0, 0, name, x, y, TILE_WIDTH, tileHeight));
            }
            Path sprite = dir.resolve(name);
            Files.write(sprite, Pictures.jpeg(canvas));
            sprites.add(sprite);
        } finally {
            Pictures.free(canvas);
            pending.forEach(Pictures::free);
            pending.clear();
        }
    }

    /** Writes the last sprite; the cues then cover 0 to {@code durationMicros} without a hole. */
    List<Playlists.Tile> finish(long durationMicros) throws IOException {
        flushSprite();
        return cues(tiles, tileStarts, durationMicros);
    }

    /**
     * When the next tile is due after one taken at {@code atMicros}: the next point of the grid, so that a keyframe
     * that came late does not shift every later tile.
     */
    static long nextTileAt(long atMicros, long intervalMicros) {
        return (atMicros / intervalMicros + 1) * intervalMicros;
    }

    /**
     * The scrub bar's cues: tile {@code i} from the keyframe it was cut from ({@code starts}; the first from 0) to the
     * next tile's, the last to {@code durationMicros}, so that every moment of the replay has a picture.
     */
    static List<Playlists.Tile> cues(List<Playlists.Tile> tiles, List<Long> starts, long durationMicros) {
        List<Playlists.Tile> cues = new ArrayList<>();
        for (int i = 0; i < tiles.size(); i++) {
            Playlists.Tile tile = tiles.get(i);
            long start = i == 0 ? 0 : starts.get(i);
            long end = i + 1 < tiles.size() ? starts.get(i + 1) : durationMicros;
            cues.add(new Playlists.Tile(
                    start, Math.max(start, end), tile.sprite(), tile.x(), tile.y(), tile.width(), tile.height()));
        }
        return cues;
    }

    List<Path> sprites() {
        return sprites;
    }

    Path poster() {
        return poster;
    }

    private static int even(long value) {
        return (int) Math.max(2, value / 2 * 2);
    }

    private void closeDecoder() {
        if (decoder != null) {
            decoder.close();
            decoder = null;
        }
    }

    @Override
    public void close() {
        closeDecoder();
        pending.forEach(Pictures::free);
        pending.clear();
    }
}
