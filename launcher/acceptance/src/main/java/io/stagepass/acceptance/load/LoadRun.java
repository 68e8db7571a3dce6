package io.stagepass.acceptance.load;

import io.stagepass.acceptance.TimeOfDay;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Interruptions;
import io.stagepass.acceptance.client.LiveRequest;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lifecycle.Directories;
import io.stagepass.platform.lifecycle.Retry;
import io.stagepass.replay.creators.Catalog;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A sustained load on a deployment, kept as ground truth, then compared with what the deployment made of it: one live
 * whose encoder pushes HLS segments at the pace of real time, viewers whose players send beacons, and buyers going
 * through Stripe Checkout (the sandbox), one ticket in {@code refundEvery} refunded ({@link LoadTraffic}). Every
 * request that fails is retried as its real client would (the encoder and the player on the next ingest instance,
 * Stripe's webhooks by the sandbox), so that a failure of one part of the deployment shows as an interruption, not as
 * lost data. Afterwards, {@link LoadComparison}.
 */
public final class LoadRun {
    public static final String CURRENCY = "EUR";
    static final long TICKET_PRICE_MINOR = 1500;
    /** A client gives up on a request after this long (ffmpeg and players give up sooner). */
    private static final Duration GIVE_UP = Duration.ofSeconds(120);
    /** How long a client waits before sending a failed request again. */
    private static final Duration RETRY = Duration.ofMillis(500);

    private static final Duration KEY_WAIT = Duration.ofSeconds(30);
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /** Where the load runs: the deployment's Kafka and S3 (for the comparison), its services, its beacon secret. */
    public record Deployment(
            KafkaSettings kafka,
            S3Settings s3,
            List<String> ingest,
            String apiUrl,
            String stripeApiBase,
            PlaybackTokens beaconTokens) {}

    private final Deployment deployment;
    private final LoadShape shape;
    private final PrintStream out;
    private final CompletableFuture<String> live = new CompletableFuture<>();

    public LoadRun(Deployment deployment, LoadShape shape, PrintStream out) {
        this.deployment = deployment;
        this.shape = shape;
        this.out = out;
    }

    /** The live the load runs on, once it is scheduled (a failure scenario waits for it before striking). */
    public CompletableFuture<String> live() {
        return live;
    }

    /** Runs the load, then the comparison. */
    public LoadReport run(Duration wait) throws Exception {
        try {
            return load(wait);
        } finally {
            live.completeExceptionally(new IllegalStateException("the load ended before its live was scheduled"));
        }
    }

    private LoadReport load(Duration wait) throws Exception {
        Marks marks = Marks.now(deployment.kafka());
        ApiClient api = new ApiClient(deployment.apiUrl());
        StripeSandboxClient stripe = new StripeSandboxClient(deployment.stripeApiBase());
        Interruptions interruptions = new Interruptions();
        IngestClient ingest =
                IngestClient.failingOver(deployment.ingest(), Retry.forDuration(GIVE_UP, RETRY), interruptions);
        Catalog.Account creator =
                new Operator(deployment.kafka()).registerCreator("Load test", "load@example.com", CURRENCY);
        api.setUpPayouts(creator.apiKey(), stripe, KEY_WAIT);
        ApiClient.ScheduledLive scheduled = api.scheduleLive(
                creator.apiKey(),
                LiveRequest.viewerTier("Load test", CURRENCY, TICKET_PRICE_MINOR)
                        .describedAs("A sustained load of segments, beacons and payments, compared with its ground"
                                + " truth.")
                        .startingNow()
                        .withTier("guest", 3 * TICKET_PRICE_MINOR)
                        .withReplayWindowDays(30));
        String liveId = scheduled.liveId();
        ingest.awaitKnows(scheduled.streamKey(), KEY_WAIT);
        Path hls = Files.createTempDirectory("stagepass-load-hls");
        try {
            long encodeStart = System.nanoTime();
            Playlist playlist = Playlist.read(GeneratedLive.writeHls(hls, GeneratedLive.Spec.demo(shape.length())));
            out.printf(
                    "%s load on live %s for %d s: %d viewers sending %d beacons every 5 s, %.1f tickets/s (1 in %d"
                            + " refunded), %d HLS segments (encoded in %.1f s) pushed in real time; ingest %s%n",
                    clock(),
                    liveId,
                    shape.length().toSeconds(),
                    shape.viewers(),
                    shape.beaconsPerRequest(),
                    shape.ticketsPerSecond(),
                    shape.refundEvery(),
                    playlist.segments().size(),
                    (System.nanoTime() - encodeStart) / 1e9,
                    ingest.instances());
            live.complete(liveId);
            GroundTruth truth = new GroundTruth();
            LoadTraffic traffic = new LoadTraffic(
                    new LoadTraffic.Clients(api, ingest, stripe, deployment.beaconTokens()),
                    shape,
                    interruptions,
                    truth,
                    out);
            drive(traffic, hls, playlist, scheduled.streamKey(), liveId, truth, interruptions);
            List<String> summary = new ArrayList<>();
            summary.add(String.format(
                    "%s load done: %d segments (live ended), %d beacons, %d tickets (%d refunded) acknowledged; %d"
                            + " requests given up",
                    clock(),
                    truth.segments().size(),
                    truth.beacons().size(),
                    truth.tickets().size(),
                    truth.refundedCount(),
                    truth.givenUp()));
            summary.addAll(interruptionLines(interruptions));
            summary.add(clock() + " comparing with the ground truth (waiting up to " + wait.toSeconds() + " s)...");
            summary.forEach(out::println);
            long compared = System.nanoTime();
            List<CheckResult> comparison =
                    new LoadComparison(deployment.kafka(), deployment.s3(), stripe, liveId, marks, truth).compare(wait);
            comparison.forEach(result -> result.lines().forEach(line -> {
                out.println(line);
                summary.add(line);
            }));
            boolean equal = new LoadReport(liveId, comparison, truth.givenUp(), summary).equal();
            String verdict = String.format(
                    "%s ground truth %s (compared %.1f s after the load ended)",
                    clock(), equal ? "EQUAL" : "NOT EQUAL", (System.nanoTime() - compared) / 1e9);
            out.println(verdict);
            summary.add(verdict);
            return new LoadReport(liveId, comparison, truth.givenUp(), summary);
        } finally {
            Directories.deleteRecursively(hls);
        }
    }

    /** Starts the three kinds of client, prints progress every 10 s until the encoder is done, then stops the rest. */
    private void drive(
            LoadTraffic traffic,
            Path hls,
            Playlist playlist,
            String streamKey,
            String liveId,
            GroundTruth truth,
            Interruptions interruptions)
            throws InterruptedException {
        long start = System.nanoTime();
        Thread segments = started("load-segments", () -> traffic.pushSegments(hls, playlist, streamKey));
        Thread beacons = started("load-beacons", () -> traffic.sendBeacons(liveId));
        Thread buyers = started("load-buyers", () -> traffic.buyTickets(liveId));
        while (segments.isAlive()) {
            segments.join(PROGRESS_EVERY.toMillis());
            out.printf(
                    "%s t=%3d s: %d segments, %d beacons, %d tickets (%d refunded) acknowledged%s%n",
                    clock(),
                    (System.nanoTime() - start) / 1_000_000_000,
                    truth.segments().size(),
                    truth.beacons().size(),
                    truth.tickets().size(),
                    truth.refundedCount(),
                    failuresNow(interruptions));
        }
        traffic.stop();
        beacons.join();
        buyers.join();
    }

    private static Thread started(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.start();
        return thread;
    }

    private static String failuresNow(Interruptions interruptions) {
        StringBuilder s = new StringBuilder();
        interruptions.summary().forEach((kind, i) -> {
            if (i.failures() > 0) {
                s.append("; ")
                        .append(kind)
                        .append(": ")
                        .append(i.failures())
                        .append(" failed attempts (last: ")
                        .append(i.lastReason())
                        .append(')');
            }
        });
        return s.toString();
    }

    private static List<String> interruptionLines(Interruptions interruptions) {
        if (!interruptions.any()) {
            return List.of("  no client saw a failed request");
        }
        List<String> lines = new ArrayList<>();
        interruptions.summary().forEach((kind, i) -> {
            if (i.failures() > 0) {
                lines.add(String.format(
                        "  longest interruption seen by %s: %.1f s (%d failed attempts, retried)",
                        kind, i.longestMillis() / 1000.0, i.failures()));
            }
        });
        return lines;
    }

    static String clock() {
        return TimeOfDay.now();
    }
}
