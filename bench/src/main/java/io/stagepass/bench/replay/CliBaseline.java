package io.stagepass.bench.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Baseline (a): the ffmpeg CLI making the same outputs as a user scripting it would, one run per output: the MP4 for
 * download, the HLS VOD (fMP4, single file), a poster, the thumbnail sprites. Each run reads the whole live again;
 * the sprites decode keyframes only ({@code -skip_frame nokey}), the CLI's own best.
 */
final class CliBaseline {
    /** One CLI run: what it made, how long it took, its peak resident memory (0 when /usr/bin/time is missing). */
    record Run(String output, double seconds, long maxRssKb) {}

    private CliBaseline() {}

    static List<Run> run(SourceLive source, Path out, int tileSeconds) throws IOException, InterruptedException {
        Files.createDirectories(out.resolve("hls"));
        String in = source.playlist().toString();
        long posterAt = 60;
        List<Run> runs = new ArrayList<>();
        runs.add(time(
                "download.mp4",
                out,
                List.of(
                        "-i",
                        in,
                        "-c",
                        "copy",
                        "-movflags",
                        "+faststart",
                        out.resolve("download.mp4").toString())));
        runs.add(time(
                "HLS VOD",
                out,
                List.of(
                        "-i",
                        in,
                        "-c",
                        "copy",
                        "-bsf:a",
                        "aac_adtstoasc",
                        "-f",
                        "hls",
                        "-hls_time",
                        "6",
                        "-hls_playlist_type",
                        "vod",
                        "-hls_segment_type",
                        "fmp4",
                        "-hls_flags",
                        "single_file",
                        out.resolve("hls").resolve("media.m3u8").toString())));
        runs.add(time(
                "poster.jpg",
                out,
                List.of(
                        "-ss",
                        Long.toString(posterAt),
                        "-i",
                        in,
                        "-frames:v",
                        "1",
                        "-q:v",
                        "4",
                        out.resolve("poster.jpg").toString())));
        runs.add(time(
                "sprites",
                out,
                List.of(
                        "-skip_frame",
                        "nokey",
                        "-i",
                        in,
                        "-vf",
                        "fps=1/" + tileSeconds + ",scale=160:-2,tile=10x10",
                        "-q:v",
                        "4",
                        out.resolve("sprite-%d.jpg").toString())));
        return runs;
    }

    /**
     * Peak resident memory in KB from what {@code /usr/bin/time -f %M} wrote: its last line, after any note of its own
     * ("Command exited with non-zero status 1"); 0 when it wrote nothing.
     */
    static long maxRssKb(String timeOutput) {
        return Long.parseLong(timeOutput.strip().lines().reduce((a, b) -> b).orElse("0"));
    }

    private static Run time(String output, Path out, List<String> arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        Path rss = out.resolve("rss.txt");
        boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
        if (timed) {
            command.addAll(List.of("/usr/bin/time", "-f", "%M", "-o", rss.toString()));
        }
        command.addAll(List.of("ffmpeg", "-hide_banner", "-v", "error", "-y"));
        command.addAll(arguments);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(out.resolve("ffmpeg.log").toFile())
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(
                    "ffmpeg failed making " + output + ": " + Files.readString(out.resolve("ffmpeg.log")));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long maxRss = timed ? maxRssKb(Files.readString(rss)) : 0;
        System.out.printf("  %-14s %6.1f s  peak RSS %4d MB%n", output, seconds, maxRss / 1024);
        return new Run(output, seconds, maxRss);
    }
}
