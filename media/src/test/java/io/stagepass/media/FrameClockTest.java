package io.stagepass.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;

import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.junit.jupiter.api.Test;

class FrameClockTest {
    private static final long NOW = 1_796_000_123_456L;

    @Test
    void theClockDrawnIntoAPictureIsReadBackWholeAndFromAPictureScaledToHalf() {
        AVFrame picture = av_frame_alloc();
        try {
            picture.format(AV_PIX_FMT_YUV420P).width(640).height(360);
            Av.check(av_frame_get_buffer(picture, 0), "allocate");
            FrameClock.draw(picture, NOW);
            FrameClock.Luma luma = (x, y) -> picture.data(0).get((long) y * picture.linesize(0) + x) & 0xff;
            assertThat(FrameClock.read(luma, 0, 0, 640, 360)).hasValue(NOW % (1 << 24));
            // the same picture as a 320x180 tile at (100, 50) of a larger one
            FrameClock.Luma tile = (x, y) -> luma.at((x - 100) * 2, (y - 50) * 2);
            assertThat(FrameClock.read(tile, 100, 50, 320, 180)).hasValue(NOW % (1 << 24));
            assertThat(FrameClock.read((x, y) -> 128, 0, 0, 640, 360))
                    .as("no clock drawn")
                    .isEmpty();
        } finally {
            av_frame_free(picture);
        }
    }

    @Test
    void pictureWidthsThatAreNoMultipleOfEightyReadBackToo() {
        for (int[] size : new int[][] {{854, 480}, {426, 240}, {360, 640}}) {
            AVFrame picture = av_frame_alloc();
            try {
                picture.format(AV_PIX_FMT_YUV420P).width(size[0]).height(size[1]);
                Av.check(av_frame_get_buffer(picture, 0), "allocate");
                FrameClock.draw(picture, NOW);
                assertThat(FrameClock.read(
                                (x, y) -> picture.data(0).get((long) y * picture.linesize(0) + x) & 0xff,
                                0,
                                0,
                                size[0],
                                size[1]))
                        .as("%dx%d", size[0], size[1])
                        .hasValue(NOW % (1 << 24));
            } finally {
                av_frame_free(picture);
            }
        }
    }

    @Test
    void theTimeBetweenTwoReadingsHoldsAcrossTheClocksWrap() {
        long read = NOW % (1 << 24);
        assertThat(FrameClock.millisBetween(read, NOW + 250)).isEqualTo(250);
        assertThat(FrameClock.millisBetween((1 << 24) - 100, 150)).isEqualTo(250);
        assertThat(FrameClock.millisBetween(read, NOW - 40)).isEqualTo(-40);
    }
}
