package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_from_context;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_GLOBALHEADER;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_close;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_free;
import static org.bytedeco.ffmpeg.global.avutil.av_dict_set;

import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecContext;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * One FFmpeg output (a file, an HLS playlist, an HTTP PUT target): streams are added, then {@link #start} writes the
 * header, {@link #write} interleaves packets, {@link #finish} writes the trailer. Closing frees everything, finished or not.
 */
public final class Muxer implements AutoCloseable {
    private final AVFormatContext context;
    private final String url;
    private boolean ioOpened;
    private boolean started;
    private StreamOutput output;

    private Muxer(AVFormatContext context, String url) {
        this.context = context;
        this.url = url;
    }

    /**
     * An output of the named format whose bytes go to {@code sink} as they are flushed, never to a file: a fragmented
     * MP4 for a browser's Media Source Extensions, say. Nothing is seeked back to.
     */
    public static Muxer toSink(String format, String what, java.util.function.Consumer<byte[]> sink) {
        AVFormatContext context = new AVFormatContext(null);
        Av.check(
                avformat_alloc_output_context2(context, null, format, (String) null), "create a " + format + " output");
        Muxer muxer = new Muxer(context, what);
        muxer.output = StreamOutput.open(sink);
        context.pb(muxer.output.context());
        context.flags(context.flags() | 0x0080); // AVFMT_FLAG_CUSTOM_IO: the context is ours to free
        return muxer;
    }

    /**
     * Writes out what the muxer holds (a fragmented MP4's current fragment, with {@code movflags=frag_custom}) and
     * flushes it to the sink.
     */
    public void flush() {
        Av.check(av_write_frame(context, (AVPacket) null), "flush " + url);
        org.bytedeco.ffmpeg.global.avformat.avio_flush(context.pb());
    }

    /** An output of the named format ({@code hls}, {@code mp4}, {@code mpegts}, ...) at a path or URL. */
    public static Muxer create(String format, String url) {
        AVFormatContext context = new AVFormatContext(null);
        Av.check(
                avformat_alloc_output_context2(context, null, format, url),
                "create a " + format + " output for " + url);
        return new Muxer(context, url);
    }

    /** Whether encoders feeding this output must put their codec headers in extradata (AV_CODEC_FLAG_GLOBAL_HEADER). */
    public boolean needsGlobalHeader() {
        return (context.oformat().flags() & AVFMT_GLOBALHEADER) != 0;
    }

    /** A stream fed by an (opened) encoder. */
    public AVStream addStream(AVCodecContext encoder) {
        AVStream stream = newStream();
        Av.check(avcodec_parameters_from_context(stream.codecpar(), encoder), "describe an output stream");
        stream.time_base(encoder.time_base());
        return stream;
    }

    /** A stream copied from an input stream, packets unchanged. */
    public AVStream addStream(AVCodecParameters parameters, AVRational timeBase) {
        AVStream stream = newStream();
        Av.check(avcodec_parameters_copy(stream.codecpar(), parameters), "copy stream parameters");
        stream.codecpar().codec_tag(0); // the input container's tag may mean nothing in this one
        stream.time_base(timeBase);
        return stream;
    }

    private AVStream newStream() {
        AVStream stream = avformat_new_stream(context, null);
        if (stream == null) {
            throw new MediaException("FFmpeg could not add a stream to " + url);
        }
        return stream;
    }

    public AVStream stream(int index) {
        return context.streams(index);
    }

    /** Opens the target (unless the format does its own I/O) and writes the header with these muxer options. */
    public void start(Map<String, String> options) {
        if (output != null) {
            // the sink is the output: nothing to open
        } else if ((context.oformat().flags() & AVFMT_NOFILE) == 0) {
            AVIOContext io = new AVIOContext(null);
            Av.check(avio_open(io, url, AVIO_FLAG_WRITE), "open " + url + " for writing");
            context.pb(io);
            ioOpened = true;
        }
        AVDictionary dictionary = new AVDictionary(null);
        try {
            options.forEach((name, value) -> av_dict_set(dictionary, name, value, 0));
            Av.check(avformat_write_header(context, dictionary), "start writing " + url);
        } finally {
            av_dict_free(dictionary);
        }
        started = true;
    }

    /** Writes a packet whose timestamps are in its stream's time base; the muxer takes over its data. */
    public void write(AVPacket packet) {
        Av.check(av_interleaved_write_frame(context, packet), "write a packet to " + url);
    }

    /**
     * Writes a packet as it comes, without interleaving (its input is in order already: nothing is held back in
     * memory waiting for another stream); the packet is emptied after.
     */
    public void writeInOrder(AVPacket packet) {
        try {
            Av.check(av_write_frame(context, packet), "write a packet to " + url);
        } finally {
            av_packet_unref(packet);
        }
    }

    /** Flushes what is buffered and writes the trailer (an HLS muxer's #EXT-X-ENDLIST, an MP4's index). */
    public void finish() {
        Av.check(av_write_trailer(context), "finish " + url);
        started = false;
    }

    public String url() {
        return url;
    }

    @Override
    public void close() {
        if (ioOpened) {
            avio_close(context.pb());
            context.pb(null);
        }
        if (output != null) {
            context.pb(null);
        }
        avformat_free_context(context);
        if (output != null) {
            output.close();
        }
    }
}
