package io.stagepass.ingest.stage;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BILINEAR;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getCachedContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale;

import io.stagepass.media.Av;
import io.stagepass.media.MediaException;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Scales pictures for the stage: to a new YUV 4:2:0 picture, or straight into a rectangle of a larger one (the
 * program's canvas), reusing FFmpeg's scaler while the sizes stay the same.
 */
final class TileScaler implements AutoCloseable {
    private SwsContext context;

    /** The largest even size with {@code width:height}'s shape that fits {@code maxWidth x maxHeight}. */
    static int[] fit(int width, int height, int maxWidth, int maxHeight) {
        double scale = Math.min((double) maxWidth / width, (double) maxHeight / height);
        int w = Math.max(2, (int) Math.floor(width * scale) & ~1);
        int h = Math.max(2, (int) Math.floor(height * scale) & ~1);
        return new int[] {Math.min(w, maxWidth & ~1), Math.min(h, maxHeight & ~1)};
    }

    /** {@code source} scaled to a new {@code width x height} YUV 4:2:0 picture, which the caller frees. */
    AVFrame scaled(AVFrame source, int width, int height) {
        AVFrame target = av_frame_alloc();
        target.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        try {
            Av.check(av_frame_get_buffer(target, 0), "allocate a " + width + "x" + height + " picture");
            into(source, target, 0, 0, width, height);
            return target;
        } catch (RuntimeException e) {
            av_frame_free(target);
            throw e;
        }
    }

    /** Scales {@code source} into the rectangle (x, y, width, height) of {@code canvas} (YUV 4:2:0; x, y even). */
    void into(AVFrame source, AVFrame canvas, int x, int y, int width, int height) {
        context = sws_getCachedContext(
                context,
                source.width(),
                source.height(),
                source.format(),
                width,
                height,
                AV_PIX_FMT_YUV420P,
                SWS_BILINEAR,
                null,
                null,
                (DoublePointer) null);
        if (context == null) {
            throw new MediaException(
                    "FFmpeg cannot scale " + source.width() + "x" + source.height() + " to " + width + "x" + height);
        }
        try (PointerPointer<BytePointer> planes = new PointerPointer<>(4);
                IntPointer strides = new IntPointer(4)) {
            for (int plane = 0; plane < 3; plane++) {
                int shift = plane == 0 ? 0 : 1;
                long offset = (long) (y >> shift) * canvas.linesize(plane) + (x >> shift);
                planes.put(plane, new BytePointer(canvas.data(plane)).position(offset));
                strides.put(plane, canvas.linesize(plane));
            }
            Av.check(
                    sws_scale(context, source.data(), source.linesize(), 0, source.height(), planes, strides),
                    "scale a picture");
        }
    }

    @Override
    public void close() {
        if (context != null) {
            sws_freeContext(context);
            context = null;
        }
    }
}
