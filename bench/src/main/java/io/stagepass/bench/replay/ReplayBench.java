package io.stagepass.bench.replay;

import io.stagepass.platform.lifecycle.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/replay: a replay built while its live streams. Prints the work left after the live's ENDED against the ffmpeg
 * CLI making the same outputs from the same files in the same run (goal: at most 0.05x), the time from ENDED to READY
 * (goal: at most 10 s), the worker's CPU per live-hour with and without the 360p rendition, and its peak memory. Not a
 * test.
 */
@Command(
        name = "bench/replay",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        description =
                "Replay packaging of a generated 720p live against the ffmpeg CLI making the same outputs, in one run.")
public final class ReplayBench implements Callable<Integer> {
    @Option(
            names = "--minutes",
            paramLabel = "N",
            split = ",",
            description = "length of each live, in one run (default ${DEFAULT-VALUE}; whole hours beyond one are the "
                    + "generated hour played again)")
    List<Integer> lengths = List.of(60, 240);

    @Option(
            names = "--cache",
            paramLabel = "DIR",
            description = "where the generated live is kept between runs (default ${DEFAULT-VALUE})")
    Path cache = Path.of("bench", ".cache");

    @Option(
            names = "--fetchers",
            paramLabel = "N",
            description = "the packager's parallel segment fetches (default ${DEFAULT-VALUE})")
    int fetchers = 4;

    @Option(
            names = "--rendition-sample",
            paramLabel = "SEGMENTS",
            description =
                    "segments re-encoded to measure a 360p rendition's cost (default ${DEFAULT-VALUE}; 0 skips it)")
    int renditionSample = 30;

    @Option(
            names = "--without-rendition",
            negatable = true,
            description = "also measure a live without the 360p rendition (default ${DEFAULT-VALUE})")
    boolean withoutRendition = true;

    private static void print(PackagerRun.Result run) {
        System.out.printf(
                "  after ENDED (PACKAGING to READY) %6.1f s  (%d objects named by READY, %.0f MB)%n",
                run.packagingSeconds(),
                run.ready().getObjects().size(),
                run.ready().getSizeBytes() / 1e6);
        System.out.printf("  ENDED to READY                   %6.1f s%n", run.endedToReadySeconds());
        System.out.printf("  worker peak RSS                  %6d MB%n", run.peakRssKb() / 1024);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplayBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (lengths.isEmpty() || lengths.stream().anyMatch(m -> m < 1)) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--minutes must be at least 1");
        }
        RenditionCost.Result rendition = null;
        List<String> report = new java.util.ArrayList<>();
        for (int minutes : lengths) {
            SourceLive source = new SourceLive(cache, minutes);
            List<Path> segments = source.segments();
            System.out.printf(
                    "%nreplay bench: a %d min live, %d segments, %.0f MB; %d cores%n",
                    minutes,
                    segments.size(),
                    source.bytes() / 1e6,
                    Runtime.getRuntime().availableProcessors());
            Path work = Files.createTempDirectory("stagepass-replay-bench");
            try {
                System.out.println("\n[a] the ffmpeg CLI, one run per output (local files in, local files out):");
                List<CliBaseline.Run> cli = CliBaseline.run(source, work.resolve("cli"), minutes > 30 ? 10 : 5);
                double cliSeconds =
                        cli.stream().mapToDouble(CliBaseline.Run::seconds).sum();
                System.out.printf("  %-14s %6.1f s%n", "all outputs", cliSeconds);
                Directories.deleteRecursively(work.resolve("cli"));

                System.out.println("\n[b] our jobs worker (its own process; segments from the S3 server, package back"
                        + " to it), the replay built while the live streams, with the 360p rendition:");
                PackagerRun.Result ours = PackagerRun.run(segments, work.resolve("ours"), fetchers, true);
                print(ours);
                Directories.deleteRecursively(work.resolve("ours"));
                PackagerRun.Result without = null;
                if (withoutRendition) {
                    System.out.println("\n[c] the same without the 360p rendition:");
                    without = PackagerRun.run(segments, work.resolve("ours-source-only"), fetchers, false);
                    print(without);
                }
                if (rendition == null && renditionSample > 0) {
                    rendition = RenditionCost.measure(segments, renditionSample);
                }
                long cliPeak =
                        cli.stream().mapToLong(CliBaseline.Run::maxRssKb).max().orElse(0);
                report.add("");
                report.addAll(new ReplayReport(minutes, segments.size(), cliSeconds, cliPeak, ours, without, rendition)
                        .lines());
            } finally {
                Directories.deleteRecursively(work);
            }
        }
        System.out.println("\n==== replay bench report ====");
        report.forEach(System.out::println);
        return 0;
    }
}
