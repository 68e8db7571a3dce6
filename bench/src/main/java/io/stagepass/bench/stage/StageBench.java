package io.stagepass.bench.stage;

import com.sun.management.OperatingSystemMXBean;
import io.stagepass.bench.TimedProcess;
import io.stagepass.ingest.stage.GuestFeed;
import io.stagepass.ingest.stage.Layout;
import io.stagepass.ingest.stage.ProgramMixer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The stage mixer at 720p30 with 1, 2 and 3 guests on this machine, against one ffmpeg CLI process making the same
 * composition from the same files (-filter_complex overlay + amix, libopenh264 + aac: the bundled FFmpeg's own CLI,
 * the same encoders). Ours runs as in ingest: the guests' WebM recordings arrive in real time in 250 ms chunks and
 * are decoded on their own threads, and a creator's 2 s segment comes every 2 s; its speed is a segment's length over
 * the time to mix it, and its CPU is the process's over the run (guest decoding included, as the CLI decodes its
 * inputs too); the first three segments are mixed but not counted (the JVM compiles the mixer's code meanwhile, as it
 * has long since in a running ingest). Not a test: numbers vary run to run; the ratios are measured in the same run.
 */
public final class StageBench {
    private static final int SECONDS = 60;
    /** Mixed first and not counted: the JVM compiles the mixer's code meanwhile, as it has in a running ingest. */
    private static final int WARM_UP_SEGMENTS = 3;

    private static final String[] GUEST_COLOURS = {"blue", "green", "yellow"};
    private static final int[] GUEST_TONES = {1000, 660, 880};

    public static void main(String[] args) throws Exception {
        int seconds = SECONDS;
        List<Integer> counts = List.of(1, 2, 3);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--guests" ->
                    counts = Arrays.stream(args[++i].split(","))
                            .map(Integer::parseInt)
                            .toList();
                case "--help", "-h" -> {
                    System.out.println("usage: bench/stage [--seconds 60] [--guests 1,2,3]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (see --help)");
            }
        }
        Path dir = Files.createTempDirectory("stagepass-stage-bench");
        String ffmpeg = org.bytedeco.javacpp.Loader.load(org.bytedeco.ffmpeg.ffmpeg.class);
        System.out.printf("bench/stage: %d s of 720p30 creator + 640x360 guests, in %s%n", seconds, dir);
        Inputs inputs = Inputs.make(ffmpeg, dir, seconds);
        List<String> lines = new ArrayList<>();
        for (int guests : counts) {
            Ours ours = ours(inputs, guests);
            Cli cli = cli(ffmpeg, inputs, guests, dir);
            String line = String.format(
                    Locale.ROOT,
                    "%d guest%s: ours %.2fx realtime (slowest segment %.2fx), CPU %.1f s per stage-minute, RSS %d MB,"
                            + " adds %.0f ms to the live's delay (max %.0f) |"
                            + " CLI %.2fx realtime, CPU %.1f s per stage-minute, peak RSS %d MB | CPU ours/CLI %.2f",
                    guests,
                    guests == 1 ? " " : "s",
                    ours.speed,
                    ours.slowest,
                    ours.cpuPerMinute,
                    ours.rssMb,
                    ours.addedP50,
                    ours.addedMax,
                    cli.speed,
                    cli.cpuPerMinute,
                    cli.peakRssMb,
                    ours.cpuPerMinute / cli.cpuPerMinute);
            System.out.println(line);
            lines.add(line);
        }
        System.out.println();
        System.out.println("Summary (goals: >= 1.5x realtime with 3 guests; CPU <= 1.1x the CLI's):");
        lines.forEach(System.out::println);
    }

    /** The inputs: the creator's 2 s MPEG-TS segments and the whole as one file, the guests' WebM recordings. */
    record Inputs(List<Path> segments, Path creator, List<byte[]> guests, List<Path> guestFiles, int seconds) {
        static Inputs make(String ffmpeg, Path dir, int seconds) throws Exception {
            run(
                    ffmpeg,
                    dir.resolve("creator.log"),
                    "-f",
                    "lavfi",
                    "-i",
                    "testsrc2=s=1280x720:r=30",
                    "-f",
                    "lavfi",
                    "-i",
                    "sine=f=440:r=48000",
                    "-t",
                    Integer.toString(seconds),
                    "-c:v",
                    "libopenh264",
                    "-b:v",
                    "3M",
                    "-g",
                    "60",
                    "-pix_fmt",
                    "yuv420p",
                    "-c:a",
                    "aac",
                    "-f",
                    "mpegts",
                    dir.resolve("creator.ts").toString());
            run(
                    ffmpeg,
                    dir.resolve("segments.log"),
                    "-i",
                    dir.resolve("creator.ts").toString(),
                    "-c",
                    "copy",
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
            List<byte[]> guests = new ArrayList<>();
            List<Path> files = new ArrayList<>();
            for (int g = 0; g < GUEST_COLOURS.length; g++) {
                Path file = dir.resolve("guest" + g + ".webm");
                run(
                        ffmpeg,
                        dir.resolve("guest.log"),
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc=s=640x360:r=30",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=f=" + GUEST_TONES[g] + ":r=48000",
                        "-t",
                        Integer.toString(seconds + 6),
                        "-c:v",
                        "libvpx",
                        "-deadline",
                        "realtime",
                        "-b:v",
                        "1M",
                        "-c:a",
                        "libopus",
                        "-f",
                        "webm",
                        file.toString());
                guests.add(Files.readAllBytes(file));
                files.add(file);
            }
            return new Inputs(segments, dir.resolve("creator.ts"), guests, files, seconds);
        }
    }

    /** Our run: speed, slowest segment, CPU, RSS, and what the stage adds to the live's delay (wait + mix, ms). */
    record Ours(double speed, double slowest, double cpuPerMinute, long rssMb, double addedP50, double addedMax) {}

    static Ours ours(Inputs inputs, int count) throws Exception {
        Clock clock = Clock.systemUTC();
        List<GuestFeed> feeds = new ArrayList<>();
        List<Thread> senders = new ArrayList<>();
        for (int g = 0; g < count; g++) {
            GuestFeed feed = new GuestFeed("guest" + g, clock).start();
            feeds.add(feed);
            byte[] recording = inputs.guests().get(g);
            Thread sender = new Thread(() -> send(feed, recording, inputs.seconds() + 6));
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        Thread.sleep(2500); // the guests' first seconds arrive before they come on
        List<ProgramMixer.OnStage> onStage =
                feeds.stream().map(f -> new ProgramMixer.OnStage(f, false)).toList();
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpuStart = 0;
        double mixing = 0;
        double slowest = Double.MAX_VALUE;
        double media = 0;
        List<Double> added = new ArrayList<>();
        try (ProgramMixer mixer = new ProgramMixer()) {
            long next = System.nanoTime();
            int index = 0;
            for (Path segment : inputs.segments()) {
                boolean counted = index++ >= WARM_UP_SEGMENTS; // as in a running ingest, the mixer's code is compiled
                if (index == WARM_UP_SEGMENTS + 1) {
                    cpuStart = os.getProcessCpuTime();
                }
                long durationMicros = 2_000_000;
                Instant now = clock.instant();
                long endWall = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
                Path out = segment.resolveSibling("mixed-" + segment.getFileName());
                long cut = System.nanoTime();
                // As ingest's program line: wait (at most 1.2 s) for the guests' media to reach the segment's end.
                long deadline = cut + TimeUnit.MILLISECONDS.toNanos(1200);
                for (GuestFeed feed : feeds) {
                    while (feed.mediaUntilMicros() < endWall && System.nanoTime() < deadline) {
                        Thread.sleep(5);
                    }
                }
                long start = System.nanoTime();
                mixer.mix(segment, durationMicros, endWall, onStage, Layout.SIDE_BY_SIDE, out);
                long done = System.nanoTime();
                double took = (done - start) / 1e9;
                if (counted) {
                    added.add((done - cut) / 1e6);
                    mixing += took;
                    media += durationMicros / 1e6;
                    slowest = Math.min(slowest, (durationMicros / 1e6) / took);
                }
                Files.deleteIfExists(out);
                next += TimeUnit.MICROSECONDS.toNanos(durationMicros);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
        }
        double cpu = (os.getProcessCpuTime() - cpuStart) / 1e9;
        long rss = rssKb() / 1024;
        senders.forEach(Thread::interrupt);
        feeds.forEach(GuestFeed::close);
        added.sort(Double::compare);
        return new Ours(
                media / mixing,
                slowest,
                cpu * 60 / media,
                rss,
                added.get(added.size() / 2),
                added.get(added.size() - 1));
    }

    /** A recording sent as a browser does: evenly over its length, in 250 ms chunks. */
    private static void send(GuestFeed feed, byte[] recording, int seconds) {
        int chunks = seconds * 4;
        int size = recording.length / chunks + 1;
        for (int at = 0; at < recording.length; at += size) {
            feed.offer(Arrays.copyOfRange(recording, at, Math.min(recording.length, at + size)));
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long rssKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return 0;
    }

    record Cli(double speed, double cpuPerMinute, long peakRssMb) {}

    /** The same composition by one ffmpeg process: overlay on a black canvas, amix without normalising. */
    static Cli cli(String ffmpeg, Inputs inputs, int count, Path dir) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                ffmpeg,
                "-hide_banner",
                "-v",
                "error",
                "-y",
                "-i",
                inputs.creator().toString()));
        for (int g = 0; g < count; g++) {
            command.addAll(List.of("-i", inputs.guestFiles().get(g).toString()));
        }
        // The cells ProgramMixer uses for side by side: two columns, the last row centred.
        int[][] cells = count == 1
                ? new int[][] {{0, 180}, {640, 180}}
                : count == 2
                        ? new int[][] {{0, 0}, {640, 0}, {320, 360}}
                        : new int[][] {{0, 0}, {640, 0}, {0, 360}, {640, 360}};
        StringBuilder graph = new StringBuilder("color=c=black:s=1280x720:r=30[base0];");
        graph.append("[0:v]scale=640:360[t0];");
        for (int g = 0; g < count; g++) {
            graph.append("[")
                    .append(g + 1)
                    .append(":v]scale=640:360[t")
                    .append(g + 1)
                    .append("];");
        }
        for (int t = 0; t <= count; t++) {
            graph.append("[base")
                    .append(t)
                    .append("][t")
                    .append(t)
                    .append("]overlay=")
                    .append(cells[t][0])
                    .append(":")
                    .append(cells[t][1])
                    .append(t == count ? ":shortest=1" : "")
                    .append("[base")
                    .append(t + 1)
                    .append("];");
        }
        for (int a = 0; a <= count; a++) {
            graph.append("[").append(a).append(":a]");
        }
        graph.append("amix=inputs=").append(count + 1).append(":normalize=0:duration=first[a]");
        command.addAll(List.of(
                "-filter_complex",
                graph.toString(),
                "-map",
                "[base" + (count + 1) + "]",
                "-map",
                "[a]",
                "-t",
                Integer.toString(inputs.seconds()),
                "-c:v",
                "libopenh264",
                "-b:v",
                "3M",
                "-c:a",
                "aac",
                "-b:a",
                "128k",
                "-f",
                "mpegts",
                dir.resolve("cli-" + count + ".ts").toString()));
        TimedProcess.Result run = TimedProcess.run(command, dir, "cli");
        return new Cli(
                inputs.seconds() / run.wallSeconds(), run.cpuSeconds() * 60 / inputs.seconds(), run.peakRssKb() / 1024);
    }

    private static void run(String ffmpeg, Path log, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ffmpeg, "-hide_banner", "-v", "error", "-y"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException("ffmpeg failed: " + Files.readString(log));
        }
    }

    private StageBench() {}
}
