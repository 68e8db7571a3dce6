package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_flush_buffers;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/** A video decoder for single pictures: each keyframe is decoded on its own, so nothing else needs decoding. */
public final class Decoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVFrame frame = av_frame_alloc();

    private Decoder(AVCodecContext context) {
        this.context = context;
    }

    /** A decoder for single keyframes: one thread, no delay. */
    public static Decoder open(AVCodecParameters parameters) {
        return open(parameters, 1);
    }

    /** A decoder with {@code threads} threads (0: as many as FFmpeg likes), for a continuous stream. */
    public static Decoder open(AVCodecParameters parameters, int threads) {
        return open(parameters, threads, 0);
    }

    /**
     * The same, refusing pictures of more than {@code maxPixels} (0: FFmpeg's own bound) before it allocates them: a
     * stream whose size changes midway (a new H.264 configuration) cannot make it allocate more than that.
     */
    public static Decoder open(AVCodecParameters parameters, int threads, long maxPixels) {
        AVCodec codec = avcodec_find_decoder(parameters.codec_id());
        if (codec == null) {
            throw new MediaException("the bundled FFmpeg cannot decode codec id " + parameters.codec_id());
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        Decoder decoder = new Decoder(context);
        try {
            Av.check(avcodec_parameters_to_context(context, parameters), "configure the decoder");
            context.thread_count(threads); // one for single pictures: frame threads would only add delay
            if (maxPixels > 0) {
                context.max_pixels(maxPixels);
            }
            Av.check(avcodec_open2(context, codec, (AVDictionary) null), "open the decoder");
            return decoder;
        } catch (RuntimeException e) {
            decoder.close();
            throw e;
        }
    }

    /** Decodes a packet of a continuous stream ({@code null} drains it) and hands every picture that comes out to {@code out}. */
    public void decode(AVPacket packet, Consumer<AVFrame> out) {
        Av.check(avcodec_send_packet(context, packet), "decode a packet");
        while (avcodec_receive_frame(context, frame) == 0) {
            out.accept(frame);
            av_frame_unref(frame);
        }
    }

    /**
     * The picture of one keyframe packet (valid until the next call), or null when it does not decode. The decoder is
     * drained and reset after it, so pictures of keyframes far apart never wait on each other.
     */
    public AVFrame decodeKeyframe(AVPacket keyframe) {
        av_frame_unref(frame);
        try {
            if (avcodec_send_packet(context, keyframe) < 0 || avcodec_send_packet(context, null) < 0) {
                return null;
            }
            return avcodec_receive_frame(context, frame) == 0 ? frame : null; // the first picture is the keyframe's
        } finally {
            avcodec_flush_buffers(context);
        }
    }

    @Override
    public void close() {
        av_frame_free(frame);
        avcodec_free_context(context);
    }
}
