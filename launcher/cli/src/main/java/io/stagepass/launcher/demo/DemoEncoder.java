package io.stagepass.launcher.demo;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_FLAG_GLOBAL_HEADER;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_MPEG2VIDEO;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_alloc_context3;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_decoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_find_encoder;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_free_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_open2;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_to_context;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_frame;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_send_packet;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import org.bytedeco.ffmpeg.avcodec.AVCodec;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.global.avdevice;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacpp.PointerPointer;

/**
 * An encoder built on the FFmpeg libraries (bytedeco), so the demo needs no ffmpeg CLI: it generates a test
 * picture (lavfi testsrc2), encodes it to MPEG-2 video (the bundled LGPL libraries have no H.264 encoder) and
 * pushes it with FFmpeg's own HLS muxer over HTTP PUT in 2-second segments, exactly as
 * {@code ffmpeg -f hls -hls_time 2 -method PUT URL} does.
 */
public final class DemoEncoder {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int FPS = 25;
    private static final int SEGMENT_SECONDS = 2;

    private DemoEncoder() {
    }

    /** Pushes {@code seconds} of generated video to {@code playlistUrl}; returns when the final playlist is sent. */
    public static void push(String playlistUrl, int seconds) {
        avutil.av_log_set_level(avutil.AV_LOG_ERROR);
        avdevice.avdevice_register_all();
        AVFormatContext input = new AVFormatContext(null);
        AVFormatContext output = new AVFormatContext(null);
        AVCodecContext decoder = null;
        AVCodecContext encoder = null;
        AVPacket packet = av_packet_alloc();
        AVFrame frame = av_frame_alloc();
        try {
            AVInputFormat lavfi = av_find_input_format("lavfi");
            check(avformat_open_input(input, "testsrc2=duration=" + seconds + ":size=" + WIDTH + "x" + HEIGHT + ":rate=" + FPS
                    + ",format=yuv420p", lavfi, null), "open the test source");
            check(avformat_find_stream_info(input, (PointerPointer<?>) null), "probe the test source");
            AVStream source = input.streams(0);
            AVCodec rawDecoder = avcodec_find_decoder(source.codecpar().codec_id());
            decoder = avcodec_alloc_context3(rawDecoder);
            check(avcodec_parameters_to_context(decoder, source.codecpar()), "configure the decoder");
            check(avcodec_open2(decoder, rawDecoder, (AVDictionary) null), "open the decoder");

            check(avformat_alloc_output_context2(output, null, "hls", playlistUrl), "create the HLS muxer");
            AVCodec mpeg2 = avcodec_find_encoder(AV_CODEC_ID_MPEG2VIDEO);
            encoder = avcodec_alloc_context3(mpeg2);
            encoder.width(WIDTH).height(HEIGHT).pix_fmt(AV_PIX_FMT_YUV420P).time_base(av_make_q(1, FPS))
                    .framerate(av_make_q(FPS, 1)).gop_size(FPS * SEGMENT_SECONDS).max_b_frames(0).bit_rate(1_500_000);
            if ((output.oformat().flags() & AVFMT_GLOBALHEADER) != 0) {
                encoder.flags(encoder.flags() | AV_CODEC_FLAG_GLOBAL_HEADER);
            }
            check(avcodec_open2(encoder, mpeg2, (AVDictionary) null), "open the MPEG-2 encoder");
            AVStream stream = avformat_new_stream(output, null);
            check(avcodec_parameters_from_context(stream.codecpar(), encoder), "configure the output stream");
            stream.time_base(encoder.time_base());

            AVDictionary options = new AVDictionary(null);
            av_dict_set(options, "hls_time", Integer.toString(SEGMENT_SECONDS), 0);
            av_dict_set(options, "method", "PUT", 0);
            try {
                check(avformat_write_header(output, options), "start the HLS push to " + playlistUrl);
            } finally {
                av_dict_free(options);
            }

            long pts = 0;
            while (av_read_frame(input, packet) >= 0) {
                check(avcodec_send_packet(decoder, packet), "decode");
                av_packet_unref(packet);
                while (avcodec_receive_frame(decoder, frame) == 0) {
                    frame.pts(pts++);
                    frame.pict_type(0);
                    encode(encoder, frame, output, stream, packet);
                    av_frame_unref(frame);
                }
            }
            encode(encoder, null, output, stream, packet); // flush
            check(av_write_trailer(output), "finish the HLS push (#EXT-X-ENDLIST)");
        } finally {
            av_frame_free(frame);
            av_packet_free(packet);
            if (encoder != null) {
                avcodec_free_context(encoder);
            }
            if (decoder != null) {
                avcodec_free_context(decoder);
            }
            avformat_close_input(input);
            avformat_free_context(output);
        }
    }

    private static void encode(AVCodecContext encoder, AVFrame frame, AVFormatContext output, AVStream stream, AVPacket packet) {
        check(avcodec_send_frame(encoder, frame), "encode");
        while (true) {
            int result = avcodec_receive_packet(encoder, packet);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return;
            }
            check(result, "encode");
            packet.duration(1); // one frame, in the encoder's time base: the muxer needs it to cut segments exactly
            av_packet_rescale_ts(packet, encoder.time_base(), stream.time_base());
            packet.stream_index(stream.index());
            check(av_interleaved_write_frame(output, packet), "write a packet");
        }
    }

    private static void check(int result, String what) {
        if (result < 0) {
            byte[] message = new byte[256];
            av_strerror(result, message, message.length);
            throw new IllegalStateException("FFmpeg could not " + what + ": " + new String(message).trim().replace("\0", ""));
        }
    }
}
