package io.stagepass.bench.rendition;

import com.sun.management.OperatingSystemMXBean;
import io.stagepass.bench.TimedProcess;
import io.stagepass.jobs.replay.Renditions;
import io.stagepass.media.GeneratedLive;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * What the 360p rendition costs the jobs worker: a generated 720p25 live in 2 s segments, each transcoded by the
 * worker's own code ({@link Renditions#transcode}, in this process, one segment after the other as they would arrive),
 * against the bundled FFmpeg's CLI making the same rendition (scale to 360 lines, libopenh264 at the same bit rate,
 * sound copied) of the same segments in one run, in the same run of this program. Prints CPU per live-hour for both,
 * their ratio, and how many lives a 2-core worker carries at once with the rendition on. Not a test: numbers vary.
 */
public final class RenditionBench {
    private static final int WARM_UP_SEGMENTS = 3;
    /** The share of a worker's cores the renditions may take: the rest is for packaging and the JVM. */
    private static final double BUDGET = 0.7;

    public static void main(String[] args) throws Exception {
        int seconds = 60;
        int cores = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--cores" -> cores = Integer.parseInt(args[++i]);
                case "--help", "-h" -> {
                    System.out.println("usage: bench/rendition [--seconds 60] [--cores 2]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see --help)");
            }
        }
        Path dir = Files.createTempDirectory("stagepass-rendition-bench");
        String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        System.out.printf(
                "bench/rendition: %d s of 720p25 H.264 + AAC in 2 s segments, made into %s at %d kb/s, in %s%n",
                seconds, Renditions.LOW, Renditions.LOW_VIDEO_BITS / 1000, dir);
        GeneratedLive.writeHls(dir, GeneratedLive.Spec.hd(Duration.ofSeconds(seconds)));
        List<Path> segments;
        try (Stream<Path> files = Files.list(dir)) {
            segments = files.filter(f -> f.getFileName().toString().matches("index\\d+\\.ts"))
                    .sorted(Comparator.comparingLong(
                            f -> Long.parseLong(f.getFileName().toString().replaceAll("\\D", ""))))
                    .toList();
        }
        double counted = 2.0 * (segments.size() - WARM_UP_SEGMENTS);

        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = 0;
        long wallStart = 0;
        for (int i = 0; i < segments.size(); i++) {
            if (i == WARM_UP_SEGMENTS) { // as in a running worker, the code is compiled by now
                cpuStart = os.getProcessCpuTime();
                wallStart = System.nanoTime();
            }
            Renditions.Made made = Renditions.transcode(
                    segments.get(i),
                    dir.resolve("ours-" + i + ".ts"),
                    Renditions.LOW_HEIGHT,
                    Renditions.LOW_VIDEO_BITS);
            if (made == null || made.height() != Renditions.LOW_HEIGHT) {
                throw new IllegalStateException("segment " + i + " gave no 360p rendition");
            }
        }
        double oursCpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        double oursWall = (System.nanoTime() - wallStart) / 1e9;

        List<String> measured = segments.subList(WARM_UP_SEGMENTS, segments.size()).stream()
                .map(Path::toString)
                .toList();
        TimedProcess.Result cli = TimedProcess.run(
                List.of(
                        ffmpeg,
                        "-hide_banner",
                        "-v",
                        "error",
                        "-y",
                        "-i",
                        "concat:" + String.join("|", measured),
                        "-vf",
                        "scale=-2:" + Renditions.LOW_HEIGHT,
                        "-c:v",
                        "libopenh264",
                        "-b:v",
                        Long.toString(Renditions.LOW_VIDEO_BITS),
                        "-g",
                        "50",
                        "-c:a",
                        "copy",
                        "-f",
                        "mpegts",
                        dir.resolve("cli.ts").toString()),
                dir,
                "cli");
        double cliCpu = cli.cpuSeconds();
        double cliWall = cli.wallSeconds();

        double oursPerHour = oursCpu * 3600 / counted;
        double cliPerHour = cliCpu * 3600 / counted;
        int lives = (int) Math.floor(cores * 3600 * BUDGET / oursPerHour);
        System.out.println("==== rendition bench report ====");
        System.out.printf(
                Locale.ROOT,
                "live measured              %.0f s (%d segments; %d more first, not counted)%n",
                counted,
                segments.size() - WARM_UP_SEGMENTS,
                WARM_UP_SEGMENTS);
        System.out.printf(
                Locale.ROOT,
                "ours (worker code)         CPU %.1f s, %.0f s per live-hour; %.1fx realtime on one segment at a time%n",
                oursCpu,
                oursPerHour,
                counted / oursWall);
        System.out.printf(
                Locale.ROOT,
                "ffmpeg CLI (one run)       CPU %.1f s, %.0f s per live-hour; %.1fx realtime%n",
                cliCpu,
                cliPerHour,
                counted / cliWall);
        System.out.printf(Locale.ROOT, "ratio ours / CLI (CPU)     %.2f%n", oursCpu / cliCpu);
        System.out.printf(
                Locale.ROOT,
                "a %d-core worker carries   %d lives at once with the rendition on (%.0f%% of its CPU)%n",
                cores,
                lives,
                BUDGET * 100);
    }
}
