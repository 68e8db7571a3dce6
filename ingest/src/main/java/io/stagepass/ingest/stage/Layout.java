package io.stagepass.ingest.stage;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the creator and the guests on stage go in the program's picture: side by side in a grid (two tiles side by
 * side, three or four in two rows), or the creator full-frame with the guests in small tiles along the bottom right.
 */
public enum Layout {
    SIDE_BY_SIDE,
    PICTURE_IN_PICTURE;

    /** A rectangle of the picture, every number even (YUV 4:2:0 chroma is halved). */
    record Cell(int x, int y, int width, int height) {
        /** The largest rectangle of {@code width:height}'s shape inside this cell, centred. */
        Cell fitted(int width, int height) {
            int[] size = TileScaler.fit(width, height, this.width, this.height);
            return new Cell(
                    x + ((this.width - size[0]) / 2 & ~1), y + ((this.height - size[1]) / 2 & ~1), size[0], size[1]);
        }
    }

    /** The creator's cell first, then one per guest in stage order, for a {@code width x height} picture. */
    List<Cell> cells(int guests, int width, int height) {
        List<Cell> cells = new ArrayList<>();
        if (this == PICTURE_IN_PICTURE || guests == 0) {
            cells.add(new Cell(0, 0, width & ~1, height & ~1));
            int w = width / 4 & ~1;
            int h = height / 4 & ~1;
            int margin = Math.max(2, width / 64 & ~1);
            for (int i = 0; i < guests; i++) {
                cells.add(new Cell(width - (i + 1) * (w + margin), height - margin - h, w, h));
            }
            return cells;
        }
        int tiles = guests + 1;
        int columns = 2;
        int rows = (tiles + columns - 1) / columns;
        int w = width / columns & ~1;
        int h = height / rows & ~1;
        for (int i = 0; i < tiles; i++) {
            int row = i / columns;
            int inRow = Math.min(columns, tiles - row * columns);
            int rowOffset = (width - inRow * w) / 2 & ~1; // a last row with one tile is centred
            cells.add(new Cell(rowOffset + (i % columns) * w, row * h, w, h));
        }
        return cells;
    }

    String wire() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static Optional<Layout> fromWire(String value) {
        for (Layout layout : values()) {
            if (layout.wire().equals(value)) {
                return Optional.of(layout);
            }
        }
        return Optional.empty();
    }
}
