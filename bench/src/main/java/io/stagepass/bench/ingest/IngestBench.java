package io.stagepass.bench.ingest;

import io.stagepass.bench.Latencies;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.http.HttpServices;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/ingest: N simulated encoders, each PUTting a segment every 2 s plus the playlist, against the embedded
 * stack; PUT-to-answer and PUT-to-event-in-Kafka latencies and lost segments. Baselines from the same run: the
 * same PUTs to a server that only discards the body (HTTP and transfer cost), and a plain producer-to-consumer
 * round trip through the same broker. Then a beacon load run against a plain producer's throughput.
 */
@Command(
        name = "bench/ingest",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "Segment PUT-to-answer and PUT-to-event latencies and lost segments of ingest on the embedded stack,",
            "next to baselines from the same run; then a beacon load run."
        })
public final class IngestBench implements Callable<Integer> {
    @Option(names = "--lives", paramLabel = "N", description = "simulated encoders, one live each (default 50)")
    private int lives = 50;

    @Option(names = "--seconds", paramLabel = "N", description = "seconds of segment load (default 120)")
    private int seconds = 120;

    @Option(names = "--segment-kb", paramLabel = "N", description = "size of a segment in KB (default 2048)")
    private int segmentKb = 2048;

    @Option(names = "--beacon-seconds", paramLabel = "N", description = "seconds of the beacon load run (default 30)")
    private int beaconSeconds = 30;

    public static void main(String[] args) {
        System.exit(new CommandLine(new IngestBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        int segmentBytes = segmentKb * 1024;
        Path dataDir = Files.createTempDirectory("stagepass-bench");
        StackConfig config = StackConfig.onFreePorts(dataDir, Map.of());
        System.out.printf(
                "ingest bench: %d lives, a %d KB segment every %d s each, for %d s (data in %s)%n",
                lives, segmentBytes / 1024, SegmentPush.SEGMENT_INTERVAL.toSeconds(), seconds, dataDir);
        try (Stack stack = Stack.start(config, line -> {})) {
            byte[] segment = new byte[segmentBytes];
            PushResult baseline = pushToDiscardingServer(segment);
            ScheduledLives scheduled = ScheduledLives.schedule(stack, lives);
            Latencies kafkaRoundTrip = KafkaRoundTrip.measure(stack.kafka(), 500);
            PushResult ingest = SegmentPush.push(
                    scheduled.keys(),
                    seconds,
                    segment,
                    (key, file) -> "http://127.0.0.1:" + stack.ingestPort() + "/live/" + key + "/" + file,
                    new SegmentEvents(stack.kafka(), scheduled));
            printSegments(baseline, kafkaRoundTrip, ingest);
            new BeaconLoad(stack).run(beaconSeconds);
        }
        return 0;
    }

    /** The baseline of PUT-to-answer: the same PUTs, for at most 30 s, to a server that only discards the body. */
    private PushResult pushToDiscardingServer(byte[] segment) throws InterruptedException {
        List<String> keys = IntStream.range(0, lives)
                .mapToObj(live -> "baseline-key-" + live)
                .toList();
        try (HttpServices.Running discard = HttpServices.start(
                "baseline",
                "127.0.0.1",
                0,
                routes -> routes.routes.put("/discard/{key}/{file}", ctx -> {
                    ctx.req().getInputStream().transferTo(OutputStream.nullOutputStream());
                    ctx.status(201);
                }))) {
            return SegmentPush.push(
                    keys,
                    Math.min(seconds, 30),
                    segment,
                    (key, file) -> "http://127.0.0.1:" + discard.port() + "/discard/" + key + "/" + file,
                    null);
        }
    }

    private void printSegments(PushResult baseline, Latencies kafkaRoundTrip, PushResult ingest) {
        System.out.println();
        segmentLines(baseline, kafkaRoundTrip, ingest, lives).forEach(System.out::println);
    }

    /** Ingest's PUT-to-answer and PUT-to-event against their baselines, lost segments, and the goal at this many lives. */
    static List<String> segmentLines(PushResult baseline, Latencies kafkaRoundTrip, PushResult ingest, int lives) {
        return List.of(
                "PUT to answer     baseline (discarding server) " + baseline.answers.summary(),
                "PUT to answer     ingest (fsync'd spool)       " + ingest.answers.summary(),
                String.format(
                        "  ratio p99 ingest / baseline: %.2f",
                        ingest.answers.percentileMillis(99) / baseline.answers.percentileMillis(99)),
                "event round trip  baseline (produce->consume)  " + kafkaRoundTrip.summary(),
                "PUT to event      ingest (S3 + Kafka, async)   " + ingest.events.summary(),
                String.format(
                        "  ratio p99 ingest / baseline: %.2f",
                        ingest.events.percentileMillis(99) / kafkaRoundTrip.percentileMillis(99)),
                String.format(
                        "segments sent %d, answered 201 %d, events %d, lost %d, non-201 answers %d",
                        ingest.sent.get(),
                        ingest.created.get(),
                        ingest.events.count(),
                        ingest.sent.get() - ingest.events.count(),
                        ingest.failed.get()),
                String.format(
                        "goal: p99 PUT-to-event <= 300 ms at %d lives: %s",
                        lives, ingest.events.percentileMillis(99) <= 300 ? "met" : "NOT met"));
    }
}
