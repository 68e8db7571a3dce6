package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_find_input_format;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.io.InputStream;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;

/**
 * One FFmpeg input (a file, a {@code concat:} of files): its streams, and its packets one at a time into a packet
 * this demuxer owns (valid until the next read). Closing frees everything.
 */
public final class Demuxer implements AutoCloseable {
    private final AVFormatContext context;
    private final AVPacket packet = av_packet_alloc();
    /** FFmpeg's AVFMT_FLAG_CUSTOM_IO (avformat.h): the caller gave the I/O context and frees it. */
    private static final int AVFMT_FLAG_CUSTOM_IO = 0x0080;

    private final String url;
    private final Runnable release;

    private Demuxer(AVFormatContext context, String url) {
        this(context, url, () -> {});
    }

    private Demuxer(AVFormatContext context, String url, Runnable release) {
        this.context = context;
        this.url = url;
        this.release = release;
    }

    /**
     * Reads a container from a Java stream as it arrives (a browser's recording over a WebSocket): FFmpeg blocks in
     * {@code in.read} until bytes come, and the input ends when the stream does. Nothing can be seeked, so {@code
     * format} must name the container ({@code matroska} for WebM). {@code what} names the input in errors.
     */
    public static Demuxer read(InputStream in, String format, String what) {
        return read(in, format, what, Map.of());
    }

    /**
     * As {@link #read(InputStream, String, String)}, with FFmpeg's format options: {@code codec_whitelist} limits the
     * decoders that reading the streams' parameters may open on input from outside.
     */
    public static Demuxer read(InputStream in, String format, String what, Map<String, String> options) {
        FfmpegLog.install();
        StreamInput input = StreamInput.open(in);
        AVFormatContext context = avformat_alloc_context();
        context.pb(input.context());
        context.flags(context.flags() | AVFMT_FLAG_CUSTOM_IO);
        AVDictionary dictionary = new AVDictionary(null);
        int opened;
        try {
            options.forEach((name, value) -> av_dict_set(dictionary, name, value, 0));
            opened = avformat_open_input(context, (String) null, av_find_input_format(format), dictionary);
        } finally {
            av_dict_free(dictionary);
        }
        if (opened < 0) {
            input.close(); // avformat_open_input freed the context
            Av.check(opened, "open " + what);
        }
        Demuxer demuxer = new Demuxer(context, what, input::close);
        try {
            Av.check(avformat_find_stream_info(context, (PointerPointer<?>) null), "read the streams of " + what);
            return demuxer;
        } catch (RuntimeException e) {
            demuxer.close();
            throw e;
        }
    }

    /**
     * Opens {@code url}; {@code format} names the container ({@code mpegts}, {@code mov}) or is null to probe.
     * {@code probe} reads ahead until every stream's parameters are known: needed once, not for each segment of
     * a stream whose parameters are known already.
     */
    public static Demuxer open(String url, String format, boolean probe) {
        return open(url, format, probe, Map.of());
    }

    /**
     * As {@link #open(String, String, boolean)}, with FFmpeg's format options ({@code codec_whitelist}, {@code
     * probesize}...): for input from outside, the decoders a probe may open can be limited.
     */
    public static Demuxer open(String url, String format, boolean probe, Map<String, String> options) {
        FfmpegLog.install();
        AVFormatContext context = new AVFormatContext(null);
        AVInputFormat input = format == null ? null : av_find_input_format(format);
        AVDictionary dictionary = new AVDictionary(null);
        try {
            options.forEach((name, value) -> av_dict_set(dictionary, name, value, 0));
            Av.check(avformat_open_input(context, url, input, dictionary), "open " + url);
        } finally {
            av_dict_free(dictionary);
        }
        Demuxer demuxer = new Demuxer(context, url);
        try {
            if (probe) {
                Av.check(avformat_find_stream_info(context, (PointerPointer<?>) null), "read the streams of " + url);
            }
            return demuxer;
        } catch (RuntimeException e) {
            demuxer.close();
            throw e;
        }
    }

    /** The index of the first stream of a media type ({@code AVMEDIA_TYPE_VIDEO}, ...), or -1. */
    public int firstStream(int mediaType) {
        for (int i = 0; i < context.nb_streams(); i++) {
            if (context.streams(i).codecpar().codec_type() == mediaType) {
                return i;
            }
        }
        return -1;
    }

    public int videoStream() {
        return firstStream(AVMEDIA_TYPE_VIDEO);
    }

    public int audioStream() {
        return firstStream(AVMEDIA_TYPE_AUDIO);
    }

    public AVStream stream(int index) {
        return context.streams(index);
    }

    /** The next packet, or null at the end of the input. A read error is a {@link MediaException}. */
    public AVPacket next() {
        av_packet_unref(packet); // what the caller did not hand to a muxer
        int result = av_read_frame(context, packet);
        if (result == AVERROR_EOF) {
            return null;
        }
        Av.check(result, "read " + url);
        return packet;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        av_packet_free(packet);
        avformat_close_input(context);
        release.run();
    }
}
