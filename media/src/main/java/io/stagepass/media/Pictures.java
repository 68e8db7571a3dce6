package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_QSCALE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MJPEG;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVCOL_RANGE_JPEG;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUVJ420P;
import static org.bytedeco.ffmpeg.global.avutil.FF_QP2LAMBDA;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_image_copy_plane;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.swscale.SWS_BICUBIC;
import static org.bytedeco.ffmpeg.global.swscale.sws_freeContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_getContext;
import static org.bytedeco.ffmpeg.global.swscale.sws_scale_frame;

import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swscale.SwsContext;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.DoublePointer;

/** Still pictures: scaling a decoded frame to a size, placing it on a larger canvas, writing it as a JPEG. */
public final class Pictures {
    /** JPEG quality on FFmpeg's qscale (2 best .. 31 worst); 4 is what people use for thumbnails. */
    private static final int JPEG_QSCALE = 4;

    private Pictures() {}

    /** A blank full-range YUV 4:2:0 picture, the pixel format JPEG stores. */
    public static AVFrame canvas(int width, int height) {
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUVJ420P).width(width).height(height).color_range(AVCOL_RANGE_JPEG);
        Av.check(av_frame_get_buffer(frame, 0), "allocate a " + width + "x" + height + " picture");
        // black: Y 0, chroma at its middle
        for (int plane = 0; plane < 3; plane++) {
            int rows = plane == 0 ? height : (height + 1) / 2;
            byte value = plane == 0 ? 0 : (byte) 128;
            BytePointer data = frame.data(plane);
            for (int row = 0; row < rows; row++) {
                data.position((long) row * frame.linesize(plane)).fill(value);
            }
            data.position(0);
        }
        return frame;
    }

    public static void free(AVFrame frame) {
        av_frame_free(frame);
    }

    /** {@code source} scaled to {@code width x height} as a new full-range picture (the caller frees it). */
    public static AVFrame scaled(AVFrame source, int width, int height) {
        return scaled(source, width, height, AV_PIX_FMT_YUVJ420P);
    }

    /** {@code source} scaled to {@code width x height} in a pixel format (the caller frees it). */
    public static AVFrame scaled(AVFrame source, int width, int height, int pixelFormat) {
        AVFrame target = av_frame_alloc();
        target.format(pixelFormat).width(width).height(height);
        if (pixelFormat == AV_PIX_FMT_YUVJ420P) {
            target.color_range(AVCOL_RANGE_JPEG);
        }
        Av.check(av_frame_get_buffer(target, 0), "allocate a " + width + "x" + height + " picture");
        SwsContext scaler = sws_getContext(
                source.width(),
                source.height(),
                source.format(),
                width,
                height,
                pixelFormat, // its range too: YUVJ420P is full range, YUV420P the TV range encoders expect
                SWS_BICUBIC,
                null,
                null,
                (DoublePointer) null);
        if (scaler == null) {
            av_frame_free(target);
            throw new MediaException(
                    "FFmpeg cannot scale " + source.width() + "x" + source.height() + " to " + width + "x" + height);
        }
        try {
            Av.check(sws_scale_frame(scaler, target, source), "scale a picture");
            return target;
        } finally {
            sws_freeContext(scaler);
        }
    }

    /** Copies {@code tile} onto {@code canvas} with its top-left corner at (x, y); x and y even (4:2:0 chroma). */
    public static void place(AVFrame tile, AVFrame canvas, int x, int y) {
        for (int plane = 0; plane < 3; plane++) {
            int shift = plane == 0 ? 0 : 1;
            BytePointer to = new BytePointer(canvas.data(plane))
                    .position((long) (y >> shift) * canvas.linesize(plane) + (x >> shift));
            av_image_copy_plane(
                    to,
                    canvas.linesize(plane),
                    tile.data(plane),
                    tile.linesize(plane),
                    (tile.width() + shift) >> shift,
                    (tile.height() + shift) >> shift);
        }
    }

    /**
     * A full-range 4:2:0 picture's planes as packed bytes (Y, then U, then V, no padding): kept or stored to build the
     * same picture again with {@link #fromRaw}.
     */
    public static byte[] raw(AVFrame picture) {
        int width = picture.width();
        int height = picture.height();
        int chromaWidth = (width + 1) / 2;
        int chromaHeight = (height + 1) / 2;
        byte[] bytes = new byte[width * height + 2 * chromaWidth * chromaHeight];
        int at = 0;
        for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? width : chromaWidth;
            int h = plane == 0 ? height : chromaHeight;
            BytePointer data = picture.data(plane);
            for (int row = 0; row < h; row++) {
                data.position((long) row * picture.linesize(plane)).get(bytes, at, w);
                at += w;
            }
            data.position(0);
        }
        return bytes;
    }

    /** The picture {@link #raw} gave these bytes for (the caller frees it). */
    public static AVFrame fromRaw(byte[] bytes, int width, int height) {
        AVFrame frame = canvas(width, height);
        int chromaWidth = (width + 1) / 2;
        int chromaHeight = (height + 1) / 2;
        if (bytes.length != width * height + 2 * chromaWidth * chromaHeight) {
            free(frame);
            throw new IllegalArgumentException(bytes.length + " bytes are not a " + width + "x" + height + " picture");
        }
        int at = 0;
        for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? width : chromaWidth;
            int h = plane == 0 ? height : chromaHeight;
            BytePointer data = frame.data(plane);
            for (int row = 0; row < h; row++) {
                data.position((long) row * frame.linesize(plane)).put(bytes, at, w);
                at += w;
            }
            data.position(0);
        }
        return frame;
    }

    /** The picture as JPEG bytes (baseline, 4:2:0, full range), the same bytes for the same picture. */
    public static byte[] jpeg(AVFrame picture) {
        AVCodecContext encoder = avcodec_alloc_context3(avcodec_find_encoder(AV_CODEC_ID_MJPEG));
        AVPacket packet = av_packet_alloc();
        try {
            encoder.width(picture.width())
                    .height(picture.height())
                    .pix_fmt(AV_PIX_FMT_YUVJ420P)
                    .color_range(AVCOL_RANGE_JPEG)
                    .time_base(av_make_q(1, 25))
                    .flags(AV_CODEC_FLAG_QSCALE)
                    .global_quality(JPEG_QSCALE * FF_QP2LAMBDA);
            Av.check(avcodec_open2(encoder, encoder.codec(), (AVDictionary) null), "open the JPEG encoder");
            picture.quality(JPEG_QSCALE * FF_QP2LAMBDA);
            picture.pts(0);
            Av.check(avcodec_send_frame(encoder, picture), "encode a JPEG");
            Av.check(avcodec_send_frame(encoder, null), "encode a JPEG");
            Av.check(avcodec_receive_packet(encoder, packet), "encode a JPEG");
            byte[] bytes = new byte[packet.size()];
            packet.data().get(bytes);
            return bytes;
        } finally {
            av_packet_free(packet);
            avcodec_free_context(encoder);
        }
    }
}
