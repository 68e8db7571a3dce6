package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_inv_q;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * An opened encoder writing into one stream of a {@link Muxer}: the codecs every browser plays, H.264 through
 * {@code libopenh264} (the bundled LGPL build has no x264) and FFmpeg's native AAC.
 */
public final class Encoder implements AutoCloseable {
    private final AVCodecContext context;
    private final AVPacket packet = av_packet_alloc();
    private Muxer muxer;
    private AVStream stream;

    private Encoder(AVCodecContext context) {
        this.context = context;
    }

    /**
     * Constrained Baseline H.264 at a constant frame rate with a keyframe every {@code keyframeInterval} frames (an
     * HLS muxer cuts segments only at keyframes). {@code globalHeader}: see {@link Muxer#needsGlobalHeader()}.
     */
    public static Encoder h264(
            int width, int height, int fps, int keyframeInterval, long bitsPerSecond, boolean globalHeader) {
        return h264(width, height, av_make_q(fps, 1), av_make_q(1, fps), keyframeInterval, bitsPerSecond, globalHeader);
    }

    /**
     * The same, its frames timed in {@code timeBase} (a source stream's: re-encoded pictures keep their timestamps
     * exactly) at the nominal {@code frameRate}.
     */
    public static Encoder h264(
            int width,
            int height,
            AVRational frameRate,
            AVRational timeBase,
            int keyframeInterval,
            long bitsPerSecond,
            boolean globalHeader) {
        AVCodec codec = avcodec_find_encoder_by_name("libopenh264");
        if (codec == null) {
            throw new MediaException("the bundled FFmpeg has no libopenh264 encoder");
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        context.width(width)
                .height(height)
                .pix_fmt(AV_PIX_FMT_YUV420P)
                .time_base(av_make_q(timeBase.num(), timeBase.den()))
                .framerate(av_make_q(frameRate.num(), frameRate.den()))
                .gop_size(keyframeInterval)
                .max_b_frames(0)
                .bit_rate(bitsPerSecond);
        return open(context, codec, globalHeader, "open the H.264 encoder (libopenh264)");
    }

    /** AAC-LC, planar float input in frames of {@link #frameSize()} samples. */
    public static Encoder aac(int sampleRate, int channels, long bitsPerSecond, boolean globalHeader) {
        AVCodec codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
        AVCodecContext context = avcodec_alloc_context3(codec);
        context.sample_fmt(AV_SAMPLE_FMT_FLTP)
                .sample_rate(sampleRate)
                .time_base(av_make_q(1, sampleRate))
                .bit_rate(bitsPerSecond);
        av_channel_layout_default(context.ch_layout(), channels);
        return open(context, codec, globalHeader, "open the AAC encoder");
    }

    /**
     * VP8 (libvpx) as a browser's MediaRecorder records a camera: real-time speed, a keyframe every {@code
     * keyframeInterval} frames.
     */
    public static Encoder vp8(int width, int height, int fps, int keyframeInterval, long bitsPerSecond) {
        AVCodec codec = avcodec_find_encoder_by_name("libvpx");
        if (codec == null) {
            throw new MediaException("the bundled FFmpeg has no libvpx encoder");
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        context.width(width)
                .height(height)
                .pix_fmt(AV_PIX_FMT_YUV420P)
                .time_base(av_make_q(1, fps))
                .framerate(av_make_q(fps, 1))
                .gop_size(keyframeInterval)
                .bit_rate(bitsPerSecond);
        org.bytedeco.ffmpeg.global.avutil.av_opt_set(context.priv_data(), "deadline", "realtime", 0);
        org.bytedeco.ffmpeg.global.avutil.av_opt_set(context.priv_data(), "cpu-used", "8", 0);
        return open(context, codec, false, "open the VP8 encoder (libvpx)");
    }

    /** Opus (libopus) as a browser records a microphone: interleaved float input in 20 ms frames. */
    public static Encoder opus(int sampleRate, int channels, long bitsPerSecond) {
        AVCodec codec = avcodec_find_encoder_by_name("libopus");
        if (codec == null) {
            throw new MediaException("the bundled FFmpeg has no libopus encoder");
        }
        AVCodecContext context = avcodec_alloc_context3(codec);
        context.sample_fmt(org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT)
                .sample_rate(sampleRate)
                .time_base(av_make_q(1, sampleRate))
                .bit_rate(bitsPerSecond);
        av_channel_layout_default(context.ch_layout(), channels);
        return open(context, codec, false, "open the Opus encoder (libopus)");
    }

    private static Encoder open(AVCodecContext context, AVCodec codec, boolean globalHeader, String what) {
        if (globalHeader) {
            context.flags(context.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
        }
        Encoder encoder = new Encoder(context);
        try {
            Av.check(avcodec_open2(context, codec, (AVDictionary) null), what);
            return encoder;
        } catch (RuntimeException e) {
            encoder.close();
            throw e;
        }
    }

    /** Adds this encoder's stream to {@code muxer}; packets go there from now on. */
    public Encoder into(Muxer muxer) {
        this.muxer = muxer;
        this.stream = muxer.addStream(context);
        return this;
    }

    public AVCodecContext context() {
        return context;
    }

    /** Samples per audio frame the encoder expects (1024 for AAC). */
    public int frameSize() {
        return context.frame_size();
    }

    /** Encodes one frame (timestamps in this encoder's time base), or flushes with {@code null}; writes what comes out. */
    public void encode(AVFrame frame) {
        Av.check(avcodec_send_frame(context, frame), "encode a frame");
        while (true) {
            int result = avcodec_receive_packet(context, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return;
            }
            Av.check(result, "encode a frame");
            if (packet.duration() == 0 && context.framerate().num() > 0) {
                // one video frame: the HLS muxer needs it to cut segments exactly
                packet.duration(Math.max(1, av_rescale_q(1, av_inv_q(context.framerate()), context.time_base())));
            }
            av_packet_rescale_ts(packet, context.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            muxer.write(packet);
        }
    }

    @Override
    public void close() {
        av_packet_free(packet);
        avcodec_free_context(context);
    }
}
