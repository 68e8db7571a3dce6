package io.stagepass.jobs.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Media for stage tests, made and measured by the real ffmpeg CLI: colours and tones that a mix must keep apart. */
public final class StageMedia {
    private StageMedia() {}

    public static void ffmpeg(Path log, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "error", "-y"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
        assertThat(process.exitValue()).as("ffmpeg: %s", Files.readString(log)).isZero();
    }

    /** A creator's stream: 2 s MPEG-TS segments of a solid colour (1280x720, 30 fps, H.264) with a tone (AAC). */
    public static List<Path> creatorSegments(Path dir, String colour, int toneHz, int seconds) throws Exception {
        Files.createDirectories(dir);
        ffmpeg(
                dir.resolve("creator.log"),
                "-f",
                "lavfi",
                "-i",
                "color=c=" + colour + ":s=1280x720:r=30",
                "-f",
                "lavfi",
                "-i",
                "sine=f=" + toneHz + ":r=48000",
                "-t",
                Integer.toString(seconds),
                "-c:v",
                "libx264",
                "-g",
                "60",
                "-keyint_min",
                "60",
                "-sc_threshold",
                "0",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-ar",
                "48000",
                "-f",
                "segment",
                "-segment_time",
                "2",
                "-segment_format",
                "mpegts",
                dir.resolve("seg%03d.ts").toString());
        List<Path> segments = new ArrayList<>();
        for (int i = 0; Files.exists(dir.resolve(String.format("seg%03d.ts", i))); i++) {
            segments.add(dir.resolve(String.format("seg%03d.ts", i)));
        }
        return segments;
    }

    /** A guest's camera as a browser records it: WebM, VP8 and Opus, of a solid colour (640x360) with a tone. */
    public static byte[] guestRecording(Path dir, String colour, int toneHz, int seconds) throws Exception {
        Files.createDirectories(dir);
        Path out = dir.resolve("guest-" + colour + ".webm");
        ffmpeg(
                dir.resolve("guest.log"),
                "-f",
                "lavfi",
                "-i",
                "color=c=" + colour + ":s=640x360:r=30",
                "-f",
                "lavfi",
                "-i",
                "sine=f=" + toneHz + ":r=48000",
                "-t",
                Integer.toString(seconds),
                "-c:v",
                "libvpx",
                "-deadline",
                "realtime",
                "-b:v",
                "800k",
                "-c:a",
                "libopus",
                "-f",
                "webm",
                out.toString());
        return Files.readAllBytes(out);
    }

    /** Frame {@code n} of a video file as RGB bytes. */
    public static byte[] rgbFrame(Path file, int n, Path log) throws Exception {
        Path raw = log.resolveSibling(file.getFileName() + "." + n + ".rgb");
        ffmpeg(
                log,
                "-i",
                file.toString(),
                "-vf",
                "select=eq(n\\," + n + ")",
                "-frames:v",
                "1",
                "-f",
                "rawvideo",
                "-pix_fmt",
                "rgb24",
                raw.toString());
        return Files.readAllBytes(raw);
    }

    /** The colour at (x, y) of an RGB frame of the given width, as {r, g, b}. */
    public static int[] pixel(byte[] rgb, int width, int x, int y) {
        int at = (y * width + x) * 3;
        return new int[] {rgb[at] & 0xff, rgb[at + 1] & 0xff, rgb[at + 2] & 0xff};
    }

    /** A file's sound as 48 kHz mono samples. */
    public static float[] sound(Path file, Path log) throws Exception {
        Path raw = log.resolveSibling(file.getFileName() + ".f32");
        ffmpeg(log, "-i", file.toString(), "-vn", "-ac", "1", "-ar", "48000", "-f", "f32le", raw.toString());
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(raw)).order(ByteOrder.LITTLE_ENDIAN);
        float[] samples = new float[bytes.remaining() / 4];
        bytes.asFloatBuffer().get(samples);
        return samples;
    }

    /** The strength of one frequency in samples (Goertzel), relative to the signal's power: about 0.5 for a pure tone. */
    public static double share(float[] samples, int hz) {
        double w = 2 * Math.PI * hz / 48000.0;
        double coefficient = 2 * Math.cos(w);
        double s1 = 0;
        double s2 = 0;
        double power = 0;
        for (float x : samples) {
            double s0 = x + coefficient * s1 - s2;
            s2 = s1;
            s1 = s0;
            power += x * x;
        }
        double magnitude = s1 * s1 + s2 * s2 - coefficient * s1 * s2;
        return power == 0 ? 0 : 2 * magnitude / (samples.length * power);
    }

    public static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        parts.forEach(out::writeBytes);
        return out.toByteArray();
    }
}
