package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import java.util.OptionalLong;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * A clock drawn into a picture, so that a delay can be measured where the picture arrives: the wall-clock millisecond a
 * frame was made, as a row of black and white blocks along its bottom edge (8 marker blocks, then 24 bits of the
 * millisecond, modulo 2^24, about 4.7 hours). Blocks are a fortieth of the picture's width, large enough to survive
 * H.264 at a low rate and a scale to half or a third (a guest's tile, a picture in a picture).
 */
public final class FrameClock {
    private static final int COLUMNS = 40;
    private static final int[] MARKER = {1, 0, 1, 1, 0, 0, 1, 0};
    private static final int BITS = 24;
    private static final long MODULUS = 1L << BITS;

    /** How a reader sees the picture: the luma (0-255) of one pixel. */
    @FunctionalInterface
    public interface Luma {
        int at(int x, int y);
    }

    private FrameClock() {}

    /** Draws {@code epochMillis} into a writable 4:2:0 picture's bottom edge. */
    public static void draw(AVFrame picture, long epochMillis) {
        if (picture.format() != AV_PIX_FMT_YUV420P) {
            throw new IllegalArgumentException("the clock is drawn into YUV 4:2:0 pictures");
        }
        int width = picture.width();
        int height = picture.height();
        if (width < 2 * COLUMNS || height < width / 10) {
            throw new IllegalArgumentException("a clock needs a picture at least 80 pixels wide and a tenth as high");
        }
        Av.check(av_frame_make_writable(picture), "write the clock into a picture");
        double block = width / (double) COLUMNS;
        // Blocks placed where the reader looks (fractions of the width), rounded to even pixels for the chroma planes.
        int top = (int) Math.round(height - 2 * block) & ~1;
        int size = (int) Math.round(block) & ~1;
        for (int column = 0; column < MARKER.length + BITS; column++) {
            boolean white = bit(column, epochMillis);
            int left = (int) Math.round((1 + column) * block) & ~1;
            fill(picture, 0, left, top, size, size, white ? 235 : 16);
            fill(picture, 1, left / 2, top / 2, size / 2, size / 2, 128);
            fill(picture, 2, left / 2, top / 2, size / 2, size / 2, 128);
        }
    }

    /**
     * The millisecond (modulo 2^24) drawn into the picture shown at {@code x, y} with {@code width x height} (a tile
     * of a composed picture, or a whole one); empty when no clock is there.
     */
    public static OptionalLong read(Luma luma, int x, int y, int width, int height) {
        double block = width / (double) COLUMNS;
        double centreY = y + height - 1.5 * block;
        long value = 0;
        for (int column = 0; column < MARKER.length + BITS; column++) {
            double centreX = x + (1.5 + column) * block;
            int reach = Math.max(0, (int) (block / 4));
            long sum = 0;
            int n = 0;
            for (int dy = -reach; dy <= reach; dy++) {
                for (int dx = -reach; dx <= reach; dx++) {
                    sum += luma.at((int) centreX + dx, (int) centreY + dy);
                    n++;
                }
            }
            int bit = sum / n > 128 ? 1 : 0;
            if (column < MARKER.length) {
                if (bit != MARKER[column]) {
                    return OptionalLong.empty();
                }
            } else {
                value = value << 1 | bit;
            }
        }
        return OptionalLong.of(value);
    }

    /** How many milliseconds {@code earlier} (a clock read back) lies before {@code later} (epoch or read back). */
    public static long millisBetween(long earlier, long later) {
        long difference = Math.floorMod(later - earlier, MODULUS);
        return difference >= MODULUS / 2 ? difference - MODULUS : difference;
    }

    private static boolean bit(int column, long epochMillis) {
        if (column < MARKER.length) {
            return MARKER[column] == 1;
        }
        return (Math.floorMod(epochMillis, MODULUS) >> (BITS - 1 - (column - MARKER.length)) & 1) == 1;
    }

    private static void fill(AVFrame picture, int plane, int x, int y, int w, int h, int value) {
        int stride = picture.linesize(plane);
        byte[] row = new byte[w];
        java.util.Arrays.fill(row, (byte) value);
        for (int line = y; line < y + h; line++) {
            picture.data(plane).position((long) line * stride + x).put(row, 0, w);
        }
        picture.data(plane).position(0);
    }
}
