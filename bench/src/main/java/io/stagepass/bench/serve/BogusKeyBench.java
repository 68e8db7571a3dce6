package io.stagepass.bench.serve;

import io.stagepass.bench.Latencies;
import io.stagepass.events.ApiKeys;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.lifecycle.Directories;
import io.stagepass.replay.playback.SignedUrls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Does a flood of bogus API keys slow playback? A ticket holder's player requests (the replay's media playlist and a
 * 2 s live segment behind its signed link, alternately) go at a fixed rate through three phases of equal length: alone, with
 * a flood of creator-route requests carrying made-up well-formed keys at a fixed rate, and alone again. Latency is
 * measured from each request's scheduled time (no coordinated omission). Prints each phase's p50 and p99, the
 * flood's own latency and status codes, and the ratio of the flood phase's p99 to the mean of the two quiet ones.
 */
@Command(
        name = "bench/bogus-keys",
        mixinStandardHelpOptions = true,
        description = "Playback's p99 under a flood of bogus API keys.")
public final class BogusKeyBench implements Callable<Integer> {
    @Option(
            names = "--bogus-rate",
            paramLabel = "N",
            description = "bogus-key requests per second (default ${DEFAULT-VALUE})")
    int bogusRate = 500;

    @Option(
            names = "--playback-rate",
            paramLabel = "N",
            description = "player requests per second (default ${DEFAULT-VALUE})")
    int playbackRate = 50;

    @Option(names = "--seconds", paramLabel = "N", description = "seconds per phase (default ${DEFAULT-VALUE})")
    int seconds = 30;

    public static void main(String[] args) {
        System.exit(new CommandLine(new BogusKeyBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("stagepass-bogus-key-bench");
        System.out.printf(
                "bogus-key bench: %d player requests/s; %d bogus-key requests/s in the middle phase; %d s per phase; %d cores%n",
                playbackRate, bogusRate, seconds, Runtime.getRuntime().availableProcessors());
        try (Stack stack = Stack.start(StackConfig.onFreePorts(work.resolve("data"), Map.of()), line -> {})) {
            String ticket = "cs_bench";
            String liveId = ServeBench.replayWithTicket(stack, ticket);
            String api = "http://127.0.0.1:" + stack.apiPort();
            String token = new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS))
                    .issue(liveId, ticket, Instant.now().plusSeconds(3600));
            String playlist =
                    api + "/v1/lives/" + liveId + "/replay/1/media.m3u8?token=" + token + "&screen=bench-screen-01";
            String segment = api
                    + new SignedUrls(stack.secret(Secret.OBJECT_LINKS), SignedUrls.MAX_TTL)
                            .sign(
                                    SignedUrls.parse(liveId, "segments", "00000003.ts")
                                            .orElseThrow(),
                                    ticket,
                                    Instant.now());
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            check(http, playlist);
            check(http, segment);
            System.out.println("warming up for 10 s...");
            phase(http, new String[] {playlist, segment}, api, 10, null);

            Phase quiet1 = phase(http, new String[] {playlist, segment}, api, seconds, null);
            report("quiet", quiet1);
            Phase flood = phase(http, new String[] {playlist, segment}, api, seconds, "/v1/creator");
            report("bogus keys", flood);
            Phase control = phase(http, new String[] {playlist, segment}, api, seconds, "/healthz");
            report("/healthz", control);
            Phase quiet2 = phase(http, new String[] {playlist, segment}, api, seconds, null);
            report("quiet again", quiet2);

            double baseline = (quiet1.player.percentileMillis(99) + quiet2.player.percentileMillis(99)) / 2;
            double ratio = flood.player.percentileMillis(99) / baseline;
            System.out.println("==== bogus-key bench report ====");
            System.out.printf(
                    "player p99: quiet %.1f ms / %.1f ms, under %d bogus keys/s %.1f ms: ratio %.2f (goal <= 1.10: %s)%n",
                    quiet1.player.percentileMillis(99),
                    quiet2.player.percentileMillis(99),
                    bogusRate,
                    flood.player.percentileMillis(99),
                    ratio,
                    ratio <= 1.10 ? "met" : "NOT met");
            System.out.printf(
                    "control: the same rate of /healthz (no key at all) gives player p99 %.1f ms: bogus keys cost %.2fx "
                            + "what any request at that rate costs here%n",
                    control.player.percentileMillis(99),
                    flood.player.percentileMillis(99) / control.player.percentileMillis(99));
            System.out.printf(
                    "bogus keys: %d sent, answered %s, p50 %.1f ms, p99 %.1f ms%n",
                    flood.bogus.count(),
                    flood.statuses,
                    flood.bogus.percentileMillis(50),
                    flood.bogus.percentileMillis(99));
            return 0;
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    private record Phase(Latencies player, Latencies bogus, Map<Integer, AtomicLong> statuses) {}

    /** The flood's own client and threads: the player's requests do not queue behind it in this process. */
    private final HttpClient attacker =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** {@code floodPath}: the route flooded at the bogus rate (with a made-up key), or null for none. */
    private Phase phase(HttpClient http, String[] playerUrls, String api, int secs, String floodPath) throws Exception {
        Latencies player = new Latencies();
        Latencies bogus = new Latencies();
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        ScheduledExecutorService flood = Executors.newScheduledThreadPool(1);
        AtomicLong playerCount = new AtomicLong();
        long start = System.nanoTime();
        long playerEvery = 1_000_000_000L / playbackRate;
        scheduler.scheduleAtFixedRate(
                () -> {
                    long due = System.nanoTime();
                    String url = playerUrls[(int) (playerCount.getAndIncrement() % playerUrls.length)];
                    http.sendAsync(
                                    HttpRequest.newBuilder(URI.create(url)).build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .whenComplete((response, error) -> {
                                if (error == null && response.statusCode() / 100 == 2) {
                                    player.add((System.nanoTime() - due) / 1000);
                                } else {
                                    statuses.computeIfAbsent(-1, k -> new AtomicLong())
                                            .incrementAndGet();
                                }
                            });
                },
                0,
                playerEvery,
                TimeUnit.NANOSECONDS);
        if (floodPath != null) {
            flood.scheduleAtFixedRate(
                    () -> {
                        long due = System.nanoTime();
                        attacker.sendAsync(
                                        HttpRequest.newBuilder(URI.create(api + floodPath))
                                                .header("Authorization", "Bearer " + ApiKeys.newKey())
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .whenComplete((response, error) -> {
                                    int status = error == null ? response.statusCode() : 0;
                                    statuses.computeIfAbsent(status, k -> new AtomicLong())
                                            .incrementAndGet();
                                    bogus.add((System.nanoTime() - due) / 1000);
                                });
                    },
                    0,
                    1_000_000_000L / bogusRate,
                    TimeUnit.NANOSECONDS);
        }
        TimeUnit.NANOSECONDS.sleep(Duration.ofSeconds(secs).toNanos() - (System.nanoTime() - start));
        scheduler.shutdownNow();
        flood.shutdownNow();
        Thread.sleep(2000); // answers still on their way
        return new Phase(player, bogus, statuses);
    }

    private static void report(String name, Phase phase) {
        System.out.printf(
                "  %-12s player n=%d p50 %.1f ms p99 %.1f ms%s%n",
                name,
                phase.player.count(),
                phase.player.percentileMillis(50),
                phase.player.percentileMillis(99),
                phase.bogus.count() > 0
                        ? String.format(
                                "; bogus keys n=%d p50 %.1f ms p99 %.1f ms %s",
                                phase.bogus.count(),
                                phase.bogus.percentileMillis(50),
                                phase.bogus.percentileMillis(99),
                                phase.statuses)
                        : "");
    }

    private static void check(HttpClient http, String url) throws Exception {
        int status = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
        if (status != 200) {
            throw new IllegalStateException(url + " answered " + status);
        }
    }
}
