package io.stagepass.bench.serve;

import io.minio.DownloadObjectArgs;
import io.minio.MinioClient;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.embedded.Ports;
import io.stagepass.events.Bucket;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.Topic;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.lifecycle.Directories;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.platform.views.LatestValues;
import io.stagepass.replay.ReplayApiConfig;
import io.stagepass.replay.ReplayApiService;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.playback.SignedUrls;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/serve: how fast the replay API hands out what players ask for, against nginx serving the same file, in one run:
 * the object route streaming a segment behind a signed link, the same route in redirect mode, and a playlist.
 */
@Command(
        name = "bench/serve",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        description = "wrk against nginx and the replay API's object and playlist routes, in the same run.")
public final class ServeBench implements Callable<Integer> {
    private static final Duration DEADLINE = Duration.ofMinutes(3);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    @Option(names = "--connections", paramLabel = "N", description = "wrk connections (default ${DEFAULT-VALUE})")
    int connections = 64;

    @Option(names = "--seconds", paramLabel = "N", description = "seconds per wrk run (default ${DEFAULT-VALUE})")
    int seconds = 30;

    public static void main(String[] args) {
        System.exit(new CommandLine(new ServeBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("stagepass-serve-bench");
        StackConfig config = StackConfig.onFreePorts(work.resolve("data"), Map.of());
        System.out.printf(
                "serve bench: wrk -c%d for %d s per target; %d cores%n",
                connections, seconds, Runtime.getRuntime().availableProcessors());
        try (Stack stack = Stack.start(config, line -> {})) {
            String ticket = "cs_bench";
            String liveId = replayWithTicket(stack, ticket);
            PlaybackTokens tokens = new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS));
            String token = tokens.issue(liveId, ticket, Instant.now().plusSeconds(3600));
            String api = "http://127.0.0.1:" + stack.apiPort();
            ApiClient player = new ApiClient(api);
            Await.expect("the ticket granted", DEADLINE, () -> player.masterPlaylist(liveId, token) == 200);

            String key = SegmentKeys.media(liveId, 3, "ts");
            String segment = key.substring(key.lastIndexOf('/') + 1);
            Path root = Files.createDirectories(work.resolve("www"));
            try (MinioClient s3 = ObjectStore.client(stack.s3())) {
                s3.downloadObject(DownloadObjectArgs.builder()
                        .bucket(Bucket.SEGMENTS.bucketName())
                        .object(key)
                        .filename(root.resolve(segment).toString())
                        .build());
            }
            System.out.printf(
                    "the object: a 2 s live segment (%d KB), the same bytes for every target%n",
                    Files.size(root.resolve(segment)) / 1024);
            SignedUrls urls = new SignedUrls(stack.secret(Secret.OBJECT_LINKS), SignedUrls.MAX_TTL);
            String link =
                    urls.sign(SignedUrls.parse(liveId, "segments", segment).orElseThrow(), ticket, Instant.now());
            List<Wrk.Result> results = new ArrayList<>();
            try (Nginx nginx = Nginx.serve(root, work, Ports.free())) {
                results.add(Wrk.run(
                        "nginx, static file",
                        nginx.url("/" + segment),
                        connections,
                        seconds,
                        work.resolve("wrk-nginx.txt")));
            }
            results.add(Wrk.run(
                    "object route, streaming", api + link, connections, seconds, work.resolve("wrk-stream.txt")));
            ReplayApiConfig redirectConfig = ReplayApiConfig.fromEnv(stack.serviceEnv()
                    .with(Map.of(
                            "STAGEPASS_KAFKA_BOOTSTRAP",
                            stack.kafka().bootstrapServers(),
                            "STAGEPASS_S3_ENDPOINT",
                            stack.s3().endpoint().toString(),
                            ReplayApiConfig.PORT,
                            "0",
                            ReplayApiConfig.DELIVERY,
                            "redirect")));
            try (ReplayApiService redirecting = ReplayApiService.start(redirectConfig)) {
                results.add(Wrk.run(
                        "object route, redirect (302 only)",
                        "http://127.0.0.1:" + redirecting.port() + link,
                        connections,
                        seconds,
                        work.resolve("wrk-redirect.txt")));
            }
            results.add(Wrk.run(
                    "replay media playlist",
                    api + "/v1/lives/" + liveId + "/replay/1/media.m3u8?token=" + token + "&screen=bench-screen-01",
                    connections,
                    seconds,
                    work.resolve("wrk-playlist.txt")));
            report(results);
            return 0;
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    /** A live of a new creator with one paid ticket, streamed for 20 s and packaged: its id once the replay is READY. */
    static String replayWithTicket(Stack stack, String ticket) throws Exception {
        Operator operator = new Operator(stack.kafka());
        String creatorId =
                operator.registerCreator("Bench", null, "EUR").creator().getCreatorId();
        Catalog.Scheduled scheduled = operator.scheduleLive(creatorId, "Serve bench", "viewer", 1500, "EUR", 30);
        String liveId = scheduled.live().getLiveId();
        try (EventPublisher publisher = new EventPublisher(stack.kafka(), "serve-bench")) {
            publisher
                    .publish(
                            Topic.PAYMENTS,
                            liveId,
                            SampleEvents.payment(liveId, ticket).build())
                    .get(30, TimeUnit.SECONDS);
        }
        IngestClient ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        ingest.awaitKnows(scheduled.streamKey(), DEADLINE);
        GeneratedLive.pushHls(
                ingest.pushUrl(scheduled.streamKey(), "index.m3u8"), GeneratedLive.Spec.hd(Duration.ofSeconds(20)));
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(stack.kafka())) {
            Await.expect(
                    "the replay READY",
                    DEADLINE,
                    () -> LatestValues.read(consumer, Topic.REPLAYS, liveId, ReplayStatus.class, READ_TIMEOUT)
                            .map(status -> status.getType() == ReplayEventType.READY)
                            .orElse(false));
        }
        return liveId;
    }

    private static void report(List<Wrk.Result> results) {
        System.out.println("\n==== serve bench report ====");
        reportLines(results).forEach(System.out::println);
    }

    /** Each target's numbers and its ratio to nginx (the first), then the goals of the streaming route (the second). */
    static List<String> reportLines(List<Wrk.Result> results) {
        Wrk.Result nginx = results.get(0);
        Wrk.Result stream = results.get(1);
        List<String> lines = new ArrayList<>();
        for (Wrk.Result r : results) {
            lines.add(String.format(
                    "%-34s %9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  ratio to nginx %.2f",
                    r.name(),
                    r.requestsPerSecond(),
                    r.p50Millis(),
                    r.p99Millis(),
                    r.requestsPerSecond() / nginx.requestsPerSecond()));
        }
        lines.add(String.format(
                "goal: object route >= 0.5x nginx (%s), p99 <= 20 ms (%s)",
                stream.requestsPerSecond() >= 0.5 * nginx.requestsPerSecond() ? "met" : "NOT met",
                stream.p99Millis() <= 20 ? "met" : "NOT met"));
        return lines;
    }
}
