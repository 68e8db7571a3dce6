package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_frame;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_get_time_base;
import static org.bytedeco.ffmpeg.global.avfilter.av_buffersink_set_frame_size;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_get_by_name;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_alloc;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_config;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_create_filter;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_graph_free;
import static org.bytedeco.ffmpeg.global.avfilter.avfilter_link;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.av_compare_ts;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.bytedeco.ffmpeg.avfilter.AVFilterContext;
import org.bytedeco.ffmpeg.avfilter.AVFilterGraph;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * A generated live, as an encoder would send it: FFmpeg's {@code testsrc2} picture and a 440 Hz {@code sine} tone,
 * drained from a libavfilter graph (no capture device library: libavdevice needs PulseAudio, which a fresh machine
 * lacks), encoded to H.264 + AAC and written to any FFmpeg output, typically RTMP or the HLS muxer pushing to ingest.
 */
public final class GeneratedLive {
    private static final int SAMPLE_RATE = 48_000;
    private static final int CHANNELS = 2;

    /** What to generate: picture size and rate, length, keyframe spacing (= the HLS segment length) and bit rates. */
    public record Spec(
            int width,
            int height,
            int fps,
            Duration length,
            int keyframeSeconds,
            long videoBitsPerSecond,
            long audioBitsPerSecond,
            Duration pacedFrom,
            String colour) {
        public Spec(
                int width,
                int height,
                int fps,
                Duration length,
                int keyframeSeconds,
                long videoBitsPerSecond,
                long audioBitsPerSecond) {
            this(width, height, fps, length, keyframeSeconds, videoBitsPerSecond, audioBitsPerSecond, null, null);
        }

        /**
         * The same, sent at the pace of its own timestamps (as a camera does) rather than as fast as it encodes, each
         * picture with the moment it was made drawn into its bottom edge ({@link FrameClock}).
         */
        public Spec inRealTime() {
            return inRealTimeAfter(Duration.ZERO);
        }

        /**
         * The same, its first {@code head} sent as fast as it encodes and the rest at the pace of its timestamps: a live
         * that has been running for {@code head} already (what a test of scrubbing back during a live needs).
         */
        public Spec inRealTimeAfter(Duration head) {
            return new Spec(
                    width, height, fps, length, keyframeSeconds, videoBitsPerSecond, audioBitsPerSecond, head, colour);
        }

        /** Whether it is sent at the pace of its timestamps (from some point on). */
        public boolean realtime() {
            return pacedFrom != null;
        }

        /** The same with a solid picture of {@code colour} (an FFmpeg colour name) instead of the test pattern. */
        public Spec withColour(String colour) {
            return new Spec(
                    width,
                    height,
                    fps,
                    length,
                    keyframeSeconds,
                    videoBitsPerSecond,
                    audioBitsPerSecond,
                    pacedFrom,
                    colour);
        }

        /** The demo's live: 640x360 at 25 fps, a keyframe (and so an HLS segment) every 2 s. */
        public static Spec demo(Duration length) {
            return new Spec(640, 360, 25, length, 2, 1_000_000, 96_000);
        }

        /** A 720p live as a creator's encoder typically sends it. */
        public static Spec hd(Duration length) {
            return new Spec(1280, 720, 25, length, 2, 2_500_000, 128_000);
        }
    }

    private GeneratedLive() {}

    /**
     * Pushes the pattern as HLS in {@code keyframeSeconds} segments, exactly as
     * {@code ffmpeg -f hls -hls_time 2 -method PUT URL} does; returns when the final playlist (#EXT-X-ENDLIST) is sent.
     */
    public static void pushHls(String playlistUrl, Spec spec) {
        pushHls(playlistUrl, spec, () -> false);
    }

    /** The same, ending early (the final playlist sent, as an encoder that stops sends it) once {@code stop} says so. */
    public static void pushHls(String playlistUrl, Spec spec, java.util.function.BooleanSupplier stop) {
        write(
                "hls",
                playlistUrl,
                Map.of("hls_time", Integer.toString(spec.keyframeSeconds()), "method", "PUT"),
                spec,
                stop);
    }

    /**
     * Streams the pattern over RTMP as OBS does (FLV to {@code rtmp://HOST:PORT/live/STREAM_KEY}), as fast as it is
     * encoded; returns when the publisher has stopped (FCUnpublish and deleteStream sent: the live ends).
     */
    public static void pushRtmp(String url, Spec spec) {
        pushRtmp(url, spec, () -> false);
    }

    /** The same, stopping early (and ending the stream as a publisher who stops does) once {@code stop} says so. */
    public static void pushRtmp(String url, Spec spec, java.util.function.BooleanSupplier stop) {
        write("flv", url, Map.of(), spec, stop);
    }

    /**
     * Writes the pattern as a whole HLS live into {@code dir}, as an encoder would have pushed it: {@code index.m3u8}
     * listing {@code index0.ts}, {@code index1.ts}... of {@code keyframeSeconds} each; returns the playlist.
     */
    public static Path writeHls(Path dir, Spec spec) {
        Path playlist = dir.resolve("index.m3u8");
        write(
                "hls",
                playlist.toString(),
                Map.of(
                        "hls_time",
                        Integer.toString(spec.keyframeSeconds()),
                        "hls_list_size",
                        "0",
                        "hls_segment_filename",
                        dir.resolve("index%d.ts").toString()),
                spec);
        return playlist;
    }

    /** Encodes the pattern into the output {@code url} of {@code format} with these muxer options. */
    public static void write(String format, String url, Map<String, String> muxerOptions, Spec spec) {
        write(format, url, muxerOptions, spec, () -> false);
    }

    private static void write(
            String format,
            String url,
            Map<String, String> muxerOptions,
            Spec spec,
            java.util.function.BooleanSupplier stop) {
        FfmpegLog.install();
        AVFilterGraph graph = avfilter_graph_alloc();
        AVFrame videoFrame = av_frame_alloc();
        AVFrame audioFrame = av_frame_alloc();
        try (Muxer muxer = Muxer.create(format, url);
                Encoder video = Encoder.h264(
                                spec.width(),
                                spec.height(),
                                spec.fps(),
                                spec.fps() * spec.keyframeSeconds(),
                                spec.videoBitsPerSecond(),
                                muxer.needsGlobalHeader())
                        .into(muxer);
                Encoder audio = Encoder.aac(SAMPLE_RATE, CHANNELS, spec.audioBitsPerSecond(), muxer.needsGlobalHeader())
                        .into(muxer)) {
            double seconds = spec.length().toMillis() / 1000.0;
            AVFilterContext pictures = chain(
                    graph,
                    "video",
                    "buffersink",
                    new String[] {
                        spec.colour() == null ? "testsrc2" : "color",
                        (spec.colour() == null ? "" : "color=" + spec.colour() + ":") + "size=" + spec.width() + "x"
                                + spec.height() + ":rate=" + spec.fps() + ":duration=" + seconds
                    },
                    new String[] {"format", "pix_fmts=yuv420p"});
            AVFilterContext tone = chain(
                    graph,
                    "audio",
                    "abuffersink",
                    new String[] {"sine", "frequency=440:sample_rate=" + SAMPLE_RATE + ":duration=" + seconds},
                    new String[] {"aformat", "sample_fmts=fltp:channel_layouts=stereo"});
            Av.check(avfilter_graph_config(graph, null), "configure the test pattern's filter graph");
            av_buffersink_set_frame_size(tone, audio.frameSize());
            muxer.start(muxerOptions);

            Source picture = new Source(pictures, videoFrame, video);
            Source sound = new Source(tone, audioFrame, audio);
            picture.next();
            sound.next();
            // In time order, so the muxer interleaves without buffering much.
            long started = System.nanoTime();
            while ((!picture.ended || !sound.ended) && !stop.getAsBoolean()) {
                Source earlier = sound.ended || !picture.ended && picture.before(sound) ? picture : sound;
                if (spec.realtime()) { // at the pace of a camera, with the moment each picture is made drawn into it
                    long dueNanos = av_rescale_q(earlier.frame.pts(), earlier.timeBase, av_make_q(1, 1_000_000)) * 1000
                            - spec.pacedFrom().toNanos();
                    long wait = dueNanos - (System.nanoTime() - started);
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            break;
                        }
                    }
                }
                if (spec.realtime() && earlier == picture) {
                    FrameClock.draw(picture.frame, System.currentTimeMillis());
                }
                earlier.encode();
                earlier.next();
            }
            video.encode(null);
            audio.encode(null);
            muxer.finish();
        } finally {
            av_frame_free(videoFrame);
            av_frame_free(audioFrame);
            avfilter_graph_free(graph);
        }
    }

    /** One filter chain of the graph ({name, args} each), ending in the given sink; returns the sink. */
    private static AVFilterContext chain(AVFilterGraph graph, String label, String sinkName, String[]... filters) {
        AVFilterContext previous = null;
        for (String[] filter : filters) {
            AVFilterContext context = create(graph, filter[0], label + "-" + filter[0], filter[1]);
            if (previous != null) {
                Av.check(avfilter_link(previous, 0, context, 0), "link " + filter[0]);
            }
            previous = context;
        }
        AVFilterContext sink = create(graph, sinkName, label + "-out", null);
        Av.check(avfilter_link(previous, 0, sink, 0), "link " + sinkName);
        return sink;
    }

    private static AVFilterContext create(AVFilterGraph graph, String filter, String name, String args) {
        AVFilterContext context = new AVFilterContext(null);
        Av.check(
                avfilter_graph_create_filter(context, avfilter_get_by_name(filter), name, args, null, graph),
                "create the " + filter + " filter" + (args == null ? "" : " (" + args + ")"));
        return context;
    }

    /** A sink's next frame, held until its turn to be encoded. */
    private static final class Source {
        final AVFilterContext sink;
        final AVFrame frame;
        final Encoder encoder;
        final AVRational timeBase;
        boolean ended;

        Source(AVFilterContext sink, AVFrame frame, Encoder encoder) {
            this.sink = sink;
            this.frame = frame;
            this.encoder = encoder;
            this.timeBase = av_buffersink_get_time_base(sink);
        }

        void next() {
            int result = av_buffersink_get_frame(sink, frame);
            if (result == AVERROR_EOF) {
                ended = true;
                return;
            }
            Av.check(result, "generate the test pattern");
        }

        boolean before(Source other) {
            return av_compare_ts(frame.pts(), timeBase, other.frame.pts(), other.timeBase) <= 0;
        }

        void encode() {
            frame.pts(av_rescale_q(frame.pts(), timeBase, encoder.context().time_base()));
            frame.pict_type(AV_PICTURE_TYPE_NONE); // the encoder places keyframes
            encoder.encode(frame);
            av_frame_unref(frame);
        }
    }
}
