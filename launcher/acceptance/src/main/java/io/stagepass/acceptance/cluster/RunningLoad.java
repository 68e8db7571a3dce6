package io.stagepass.acceptance.cluster;

import io.stagepass.acceptance.facts.LiveOutputs;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.acceptance.load.LoadReport;
import io.stagepass.acceptance.load.LoadRun;
import io.stagepass.acceptance.load.LoadShape;
import io.stagepass.platform.lifecycle.Await;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A {@link LoadRun} going on in the background while a scenario strikes, its output in the cluster's
 * {@code logs/load-NAME.log}.
 */
final class RunningLoad {
    private static final Duration WAIT_FOR_RESULTS = Duration.ofMinutes(5);
    private static final Duration LIVE_WAIT = Duration.ofMinutes(2);
    /** Stored segments and counted tickets of the live before a scenario strikes: there is state to lose. */
    private static final int UNDER_WAY = 10;

    private static final Duration UNDER_WAY_WAIT = Duration.ofMinutes(2);

    private final Cluster cluster;
    private final String log;
    private final Marks marks;
    private final CompletableFuture<LoadReport> report = new CompletableFuture<>();
    private final String liveId;

    private RunningLoad(Cluster cluster, String name, Duration length) throws Exception {
        this.cluster = cluster;
        this.log = "logs/load-" + name + ".log";
        this.marks = Marks.now(cluster.deployment().kafka());
        Path file = cluster.processes().dir().resolve(log);
        Files.createDirectories(file.getParent());
        PrintStream out = new PrintStream(new FileOutputStream(file.toFile()), true, StandardCharsets.UTF_8);
        LoadRun run = new LoadRun(cluster.deployment(), new LoadShape(length, 50, 5, 1, 4), out);
        Thread thread = new Thread(
                () -> {
                    try (out) {
                        report.complete(run.run(WAIT_FOR_RESULTS));
                    } catch (Throwable e) {
                        e.printStackTrace(out);
                        report.completeExceptionally(e);
                    }
                },
                "load-" + name);
        thread.setDaemon(true);
        thread.start();
        try {
            this.liveId = run.live().get(LIVE_WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("the load did not start (" + log + "): " + e.getCause(), e);
        }
    }

    /** Starts the standard load (50 viewers, 1 ticket a second, 1 in 4 refunded) for {@code length}. */
    static RunningLoad start(Cluster cluster, String name, Duration length) throws Exception {
        RunningLoad load = new RunningLoad(cluster, name, length);
        cluster.log("load running on " + load.liveId + " (log: " + load.log + ")");
        return load;
    }

    String liveId() {
        return liveId;
    }

    Marks marks() {
        return marks;
    }

    /**
     * Waits until the deployment stored {@value #UNDER_WAY} segments of the live and its revenue job counted as many of
     * its tickets: the stream and the pipeline's state are what a failure now can lose.
     */
    void awaitUnderWay() throws Exception {
        boolean underWay = LiveOutputs.await(
                        cluster.deployment().kafka(),
                        liveId,
                        marks,
                        UNDER_WAY_WAIT,
                        Await.DEFAULT_POLL,
                        outputs -> outputs.segments().size() >= UNDER_WAY
                                && outputs.revenueTotal(LoadRun.CURRENCY)
                                        .map(total -> total.getTicketsSold() >= UNDER_WAY)
                                        .orElse(false),
                        Boolean.TRUE::equals)
                .met();
        if (!underWay) {
            throw new ScenarioFailure("the load on " + liveId + " did not get under way within "
                    + UNDER_WAY_WAIT.toSeconds() + " s (" + log + ")");
        }
    }

    /** Waits for the load and its comparison; prints its summary under the scenario; whether it was all equal. */
    boolean finish(String scenario) throws Exception {
        LoadReport result;
        try {
            result = report.get();
        } catch (ExecutionException e) {
            cluster.log(scenario + ": the load failed (log: " + log + "): " + e.getCause());
            return false;
        }
        result.summary().forEach(line -> cluster.out().println("    " + line));
        if (!result.equal()) {
            cluster.log(scenario + ": the ground truth was NOT met (log: " + log + ")");
        }
        return result.equal();
    }
}
