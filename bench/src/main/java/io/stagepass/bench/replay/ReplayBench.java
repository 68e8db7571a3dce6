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
 * bench/replay: how long a replay takes to package, against the ffmpeg CLI making the same outputs in the same run.
 * Prints the ratio (goal: at most 1.0), the speed against realtime (goal: at least 500x), the time from ENDED to READY
 * (goal: at most 60 s for a 1-hour live), peak memory, and what a 360p rendition would add. Not a test.
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
            description = "length of the generated live (default ${DEFAULT-VALUE})")
    int minutes = 60;

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

    public static void main(String[] args) {
        System.exit(new CommandLine(new ReplayBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (minutes < 1) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--minutes must be at least 1");
        }
        SourceLive source = new SourceLive(cache, minutes);
        List<Path> segments = source.segments();
        System.out.printf(
                "replay bench: a %d min live, %d segments, %.0f MB; %d cores%n",
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

            System.out.println(
                    "\n[b] our packager (jobs worker process; segments from the S3 server, package back to it):");
            PackagerRun.Result ours = PackagerRun.run(segments, work.resolve("ours"), fetchers);
            System.out.printf(
                    "  PACKAGING to READY  %6.1f s  (%d objects, %.0f MB)%n",
                    ours.packagingSeconds(),
                    ours.ready().getObjects().size(),
                    ours.ready().getSizeBytes() / 1e6);
            System.out.printf("  ENDED to READY      %6.1f s%n", ours.endedToReadySeconds());
            System.out.printf("  worker peak RSS     %6d MB%n", ours.peakRssKb() / 1024);

            RenditionCost.Result rendition =
                    renditionSample > 0 ? RenditionCost.measure(segments, renditionSample) : null;
            long cliPeak =
                    cli.stream().mapToLong(CliBaseline.Run::maxRssKb).max().orElse(0);
            System.out.println("\n==== replay bench report ====");
            new ReplayReport(minutes, segments.size(), cliSeconds, cliPeak, ours, rendition)
                    .lines()
                    .forEach(System.out::println);
            return 0;
        } finally {
            Directories.deleteRecursively(work);
        }
    }
}
