package io.stagepass.launcher;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.jobs.replay.ReplayService;
import io.stagepass.jobs.replay.Retention;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code stagepass replay}: package a live's replay in the foreground, look at replays, expire old ones. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Replays: the on-demand package (HLS VOD, MP4, poster, thumbnails) the jobs worker builds when a live ends.",
            "Talks to Kafka (STAGEPASS_KAFKA_BOOTSTRAP) and the object store (STAGEPASS_S3_*) of a running stack."
        },
        subcommands = {
            ReplayCommand.Package.class,
            ReplayCommand.Status.class,
            ReplayCommand.ListReplays.class,
            ReplayCommand.RetentionRun.class
        })
final class ReplayCommand implements Runnable {
    private final ReplayBackend backend;

    @Spec
    CommandSpec spec;

    ReplayCommand() {
        this(new ReplayBackend.OfEnvironment());
    }

    ReplayCommand(ReplayBackend backend) {
        this.backend = backend;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "package",
            mixinStandardHelpOptions = true,
            description = {
                "Package an ended live's replay here and now, with a progress bar (the jobs worker does it on its own "
                        + "when a live ends). A live whose replay is READY for the same segments is left alone unless --new-version."
            })
    static final class Package implements Callable<Integer> {
        @ParentCommand
        ReplayCommand replay;

        @Spec
        CommandSpec spec;

        @Option(names = "--live", required = true, paramLabel = "LIVE_ID", description = "The live to package.")
        String liveId;

        @Option(
                names = "--new-version",
                description =
                        "Build a new version even if the current one is READY (it keeps being served until the new one is).")
        boolean newVersion;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            ProgressBar bar = new ProgressBar(err);
            long start = System.nanoTime();
            ReplayService.Packaged packaged;
            try {
                packaged = replay.backend.packageLive(liveId, newVersion, bar::show);
            } catch (IllegalArgumentException e) {
                err.println("stagepass: " + e.getMessage());
                return 2;
            }
            bar.done();
            ReplayStatus status = packaged.status();
            boolean stillServed = status != null && status.getType() == ReplayEventType.READY;
            if (packaged.outcome() == ReplayService.Packaged.Outcome.WINDOW_CLOSED && !stillServed) {
                err.println("stagepass: the replay window of " + liveId + " has closed; nothing to package");
                return 1;
            }
            if (packaged.outcome() != ReplayService.Packaged.Outcome.BUILT) { // READY already, or kept until retention
                out.printf(
                        "already READY: replay v%d of %s, for the same segments (--new-version builds another)%n",
                        status.getVersion(), liveId);
                Status.print(status, out);
                return 0;
            }
            if (status.getType() == ReplayEventType.FAILED) {
                err.println("stagepass: replay v" + status.getVersion() + " FAILED: " + status.getError());
                return 1;
            }
            out.printf(
                    "READY: replay v%d of %s in %.1f s%n",
                    status.getVersion(), liveId, (System.nanoTime() - start) / 1e9);
            Status.print(status, out);
            return 0;
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "Where a live's replay stands: its latest status, objects, gaps and skips.")
    static final class Status implements Callable<Integer> {
        @ParentCommand
        ReplayCommand replay;

        @Spec
        CommandSpec spec;

        @Option(names = "--live", required = true, paramLabel = "LIVE_ID", description = "The live.")
        String liveId;

        @Override
        public Integer call() {
            Optional<ReplayStatus> status = replay.backend.status(liveId);
            if (status.isEmpty()) {
                spec.commandLine()
                        .getErr()
                        .println("stagepass: no replay status for " + liveId
                                + " (has the live ended? is the jobs worker running?)");
                return 1;
            }
            print(status.get(), spec.commandLine().getOut());
            return 0;
        }

        static void print(ReplayStatus s, PrintWriter out) {
            out.printf("live:          %s (creator %s)%n", s.getLiveId(), s.getCreatorId());
            out.printf(
                    "status:        %s v%d%s at %s%n",
                    s.getType(),
                    s.getVersion(),
                    s.getType() == ReplayEventType.PROGRESS
                            ? " " + s.getStage() + " " + s.getProgressPercent() + "%"
                            : "",
                    s.getOccurredAt());
            out.printf("served:        %s%n", s.getServedVersion() == 0 ? "nothing yet" : "v" + s.getServedVersion());
            if (s.getError() != null) {
                out.printf("error:         %s%n", s.getError());
            }
            if (s.getType() == ReplayEventType.READY) {
                out.printf(
                        "duration:      %.1f s, %d segments, %.1f MB%n",
                        s.getDurationMillis() / 1000.0, s.getSegments(), s.getSizeBytes() / 1e6);
                s.getRenditions()
                        .forEach(r -> out.printf(
                                "rendition:     %s %dx%d %s, %d kb/s peak, %d kb/s average%n",
                                r.getName(),
                                r.getWidth(),
                                r.getHeight(),
                                r.getCodecs(),
                                r.getBandwidth() / 1000,
                                r.getAverageBandwidth() / 1000));
                out.printf("master:        replays/%s%n", s.getPlaylistKey());
                out.printf("download:      replays/%s%n", s.getMp4Key());
                out.printf("package hash:  %s%n", s.getPackageHash());
            }
            s.getGaps()
                    .forEach(g ->
                            out.printf("gap:           sequence %d (%d missing)%n", g.getSequence(), g.getLength()));
            s.getSkipped().forEach(k -> out.printf("skipped:       sequence %d: %s%n", k.getSequence(), k.getReason()));
            if (!s.getDiscontinuities().isEmpty()) {
                out.printf("discontinuity: at sequence %s%n", s.getDiscontinuities());
            }
            if (s.getExpiresAt() != null) {
                out.printf("expires:       %s%n", s.getExpiresAt());
            }
        }
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "Every live's replay: status, version, length, size, expiry.")
    static final class ListReplays implements Callable<Integer> {
        @ParentCommand
        ReplayCommand replay;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, ReplayStatus> latest = replay.backend.statuses();
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-38s %-9s %4s %9s %9s  %s%n", "LIVE", "STATUS", "VER", "LENGTH", "SIZE", "EXPIRES");
            for (ReplayStatus s : latest.values()) {
                out.printf(
                        "%-38s %-9s %4s %9s %9s  %s%n",
                        s.getLiveId(),
                        s.getType(),
                        "v" + s.getVersion(),
                        s.getDurationMillis() == null ? "-" : String.format("%.1f s", s.getDurationMillis() / 1000.0),
                        s.getSizeBytes() == null ? "-" : String.format("%.1f MB", s.getSizeBytes() / 1e6),
                        s.getExpiresAt() == null ? "-" : s.getExpiresAt());
            }
            out.printf("(%d replay%s)%n", latest.size(), latest.size() == 1 ? "" : "s");
            return 0;
        }
    }

    @Command(
            name = "retention",
            mixinStandardHelpOptions = true,
            description = {
                "Delete the replays (every version) and source segments of lives whose replay window has closed, and "
                        + "publish EXPIRED for each. The jobs worker runs this every STAGEPASS_JOBS_RETENTION_INTERVAL (1h)."
            })
    static final class RetentionRun implements Callable<Integer> {
        @ParentCommand
        ReplayCommand replay;

        @Spec
        CommandSpec spec;

        @Option(names = "--dry-run", description = "Only list what would be deleted.")
        boolean dryRun;

        @Override
        public Integer call() throws Exception {
            List<Retention.Expired> expired = replay.backend.expire(Instant.now(), dryRun);
            PrintWriter out = spec.commandLine().getOut();
            for (Retention.Expired e : expired) {
                out.printf(
                        "%s %s: window closed %s; %d replay objects, %d segment objects%n",
                        dryRun ? "would expire" : "expired",
                        e.liveId(),
                        e.expiredAt(),
                        e.replayObjects(),
                        e.segmentObjects());
            }
            out.printf(
                    "%d live%s %s%n",
                    expired.size(),
                    expired.size() == 1 ? "" : "s",
                    dryRun ? "would expire (dry run: nothing deleted)" : "expired");
            return 0;
        }
    }

    /** A one-line progress bar on a terminal: {@code [#########.........] 45% remuxing}. */
    static final class ProgressBar {
        private static final int WIDTH = 30;
        private final PrintWriter out;
        private String last = "";

        ProgressBar(PrintWriter out) {
            this.out = out;
        }

        synchronized void show(String stage, int percent) {
            int filled = WIDTH * Math.max(0, Math.min(100, percent)) / 100;
            String line = "[" + "#".repeat(filled) + ".".repeat(WIDTH - filled) + "] "
                    + String.format("%3d%% %-10s", percent, stage);
            if (!line.equals(last)) {
                out.print("\r" + line);
                out.flush();
                last = line;
            }
        }

        synchronized void done() {
            if (!last.isEmpty()) {
                out.println();
            }
        }
    }
}
