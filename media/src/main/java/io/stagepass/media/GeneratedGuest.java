package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLT;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_make_writable;

import java.time.Duration;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A guest's camera and microphone as a browser's MediaRecorder sends them: WebM with VP8 and Opus, handed over in
 * 250 ms chunks in real time. The picture is a solid colour with a white bar that moves across it and the moment it
 * was made drawn along its bottom edge ({@link FrameClock}); the sound is a tone. For the demo and benchmarks: a stage guest without a browser.
 */
public final class GeneratedGuest {
    private static final int RATE = 48_000;
    private static final int CHUNK_MILLIS = 250;

    /** The picture's colour as Y, U, V (video range) and the tone's frequency. */
    public record Look(int y, int u, int v, int toneHz) {
        /** Blue (BT.601) with a 1000 Hz tone. */
        public static Look blue() {
            return new Look(41, 240, 110, 1000);
        }
    }

    private GeneratedGuest() {}

    /**
     * Sends {@code length} of the recording to {@code chunks}, paced by the wall clock, or until {@code stop} says so.
     */
    public static void stream(
            int width, int height, int fps, Look look, Duration length, Consumer<byte[]> chunks, BooleanSupplier stop)
            throws InterruptedException {
        FfmpegLog.install();
        AVFrame picture = av_frame_alloc();
        AVFrame sound = av_frame_alloc();
        try (Muxer muxer = Muxer.toSink("webm", "a generated guest", chunks);
                Encoder video =
                        Encoder.vp8(width, height, fps, fps * 2, 800_000).into(muxer);
                Encoder audio = Encoder.opus(RATE, 2, 64_000).into(muxer)) {
            muxer.start(Map.of());
            picture.format(AV_PIX_FMT_YUV420P).width(width).height(height);
            Av.check(av_frame_get_buffer(picture, 0), "allocate a picture");
            int samples = audio.frameSize() > 0 ? audio.frameSize() : 960;
            sound.format(AV_SAMPLE_FMT_FLT).sample_rate(RATE).nb_samples(samples);
            av_channel_layout_default(sound.ch_layout(), 2);
            Av.check(av_frame_get_buffer(sound, 0), "allocate a sound frame");
            long totalMicros = length.toNanos() / 1000;
            long start = System.nanoTime();
            long frames = 0;
            long sampled = 0;
            long flushedAt = 0;
            while (!stop.getAsBoolean()) {
                long videoMicros = frames * 1_000_000L / fps;
                long audioMicros = sampled * 1_000_000L / RATE;
                long next = Math.min(videoMicros, audioMicros);
                if (next >= totalMicros) {
                    break;
                }
                long wait = next - (System.nanoTime() - start) / 1000;
                if (wait > 0) {
                    Thread.sleep(wait / 1000, (int) (wait % 1000) * 1000);
                }
                if (videoMicros <= audioMicros) {
                    draw(picture, look, (int) (frames % (fps * 4)) * width / (fps * 4));
                    FrameClock.draw(picture, System.currentTimeMillis()); // as a camera's capture time
                    picture.pts(frames++);
                    video.encode(picture);
                } else {
                    tone(sound, look.toneHz(), sampled);
                    sound.pts(sampled);
                    sampled += samples;
                    audio.encode(sound);
                }
                if (next - flushedAt >= CHUNK_MILLIS * 1000L) {
                    muxer.flush(); // a chunk, as MediaRecorder's timeslice gives one
                    flushedAt = next;
                }
            }
            muxer.flush();
        } finally {
            av_frame_free(picture);
            av_frame_free(sound);
        }
    }

    private static void draw(AVFrame picture, Look look, int barX) {
        Av.check(av_frame_make_writable(picture), "write a picture");
        int width = picture.width();
        int height = picture.height();
        int[] values = {look.y(), look.u(), look.v()};
        for (int plane = 0; plane < 3; plane++) {
            int w = plane == 0 ? width : width / 2;
            int h = plane == 0 ? height : height / 2;
            BytePointer data = picture.data(plane);
            int stride = picture.linesize(plane);
            byte[] row = new byte[w];
            java.util.Arrays.fill(row, (byte) values[plane]);
            int bar = plane == 0 ? barX : barX / 2;
            int barWidth = plane == 0 ? 16 : 8;
            for (int i = bar; i < Math.min(w, bar + barWidth); i++) {
                row[i] = (byte) (plane == 0 ? 235 : 128); // white
            }
            for (int y = 0; y < h; y++) {
                data.position((long) y * stride).put(row, 0, w);
            }
            data.position(0);
        }
    }

    private static void tone(AVFrame sound, int hz, long first) {
        Av.check(av_frame_make_writable(sound), "write a sound frame");
        int n = sound.nb_samples();
        float[] interleaved = new float[n * 2];
        for (int i = 0; i < n; i++) {
            float value = (float) (0.3 * Math.sin(2 * Math.PI * hz * (first + i) / RATE));
            interleaved[2 * i] = value;
            interleaved[2 * i + 1] = value;
        }
        new FloatPointer(sound.data(0)).put(interleaved, 0, interleaved.length);
    }
}
