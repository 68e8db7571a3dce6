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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Does a flood of bogus API keys slow playback? A ticket holder's player requests (the replay's media playlist and a
 * 2 s live segment behind its signed link, alternately) go at a fixed rate through rounds of three phases: alone,
 * with a flood of creator-route requests carrying made-up well-formed keys at a fixed rate ({@link RawFlood}), and
 * with the same rate of {@code /healthz} as a control. Rounds interleave the kinds so that the stack's own drift
 * (JIT, checkpoints) hits each alike. Latency is measured from each request's scheduled time (no coordinated
 * omission). Prints each kind's p50 and p99 over all rounds, the process's CPU per flood request, and the ratio of
 * the flood's player p99 to the quiet one.
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

    @Option(
            names = "--malformed",
            description = "flood with keys of the wrong shape, refused without a lookup (to tell the lookup's cost"
                    + " from the rest of a 401's)")
    boolean malformed;

    @Option(names = "--seconds", paramLabel = "N", description = "seconds per phase (default ${DEFAULT-VALUE})")
    int seconds = 10;

    @Option(
            names = "--rounds",
            paramLabel = "N",
            description = "rounds of quiet, bogus keys, /healthz, interleaved (default ${DEFAULT-VALUE})")
    int rounds = 6;

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
            String[] player = {playlist, segment};
            warmUp(http, player, api);
            Phase quiet = new Phase();
            Phase flood = new Phase();
            Phase control = new Phase();
            for (int round = 1; round <= rounds; round++) {
                phase(http, player, api, null, quiet);
                phase(http, player, api, "/v1/creator", flood);
                phase(http, player, api, "/healthz", control);
                System.out.printf("  round %d of %d done%n", round, rounds);
            }
            report("quiet", quiet);
            report("bogus keys", flood);
            report("/healthz", control);

            double ratio = flood.player.percentileMillis(99) / quiet.player.percentileMillis(99);
            System.out.println("==== bogus-key bench report ====");
            System.out.printf(
                    "player p99: quiet %.1f ms, under %d bogus keys/s %.1f ms: ratio %.2f (goal <= 1.10: %s)%n",
                    quiet.player.percentileMillis(99),
                    bogusRate,
                    flood.player.percentileMillis(99),
                    ratio,
                    ratio <= 1.10 ? "met" : "NOT met");
            System.out.printf(
                    "control: the same rate of /healthz (no key at all) gives player p99 %.1f ms (ratio %.2f)%n",
                    control.player.percentileMillis(99),
                    control.player.percentileMillis(99) / quiet.player.percentileMillis(99));
            long floodCount = Math.max(1, flood.bogus.count());
            System.out.printf(
                    "bogus keys: %d sent, answered %s, p50 %.1f ms, p99 %.1f ms; process CPU per request beyond quiet:"
                            + " %.0f us (/healthz: %.0f us)%n",
                    flood.bogus.count(),
                    flood.statuses,
                    flood.bogus.percentileMillis(50),
                    flood.bogus.percentileMillis(99),
                    (flood.cpuNanos.get() - quiet.cpuNanos.get()) / 1e3 / floodCount,
                    (control.cpuNanos.get() - quiet.cpuNanos.get()) / 1e3 / Math.max(1, control.bogus.count()));
            return 0;
        } finally {
            playerSenders.shutdownNow();
            Directories.deleteRecursively(work);
        }
    }

    /** What the phases of one kind measured, over every round. */
    private record Phase(Latencies player, Latencies bogus, Map<Integer, AtomicLong> statuses, AtomicLong cpuNanos) {
        Phase() {
            this(new Latencies(), new Latencies(), new ConcurrentHashMap<>(), new AtomicLong());
        }
    }

    /**
     * Plays until the stack is done with its own start (JIT, the generated replay's packaging, first checkpoints):
     * until two 5-second windows in a row use about the same CPU, at most a minute.
     */
    private void warmUp(HttpClient http, String[] player, String api) throws Exception {
        System.out.println("warming up until the stack's CPU settles...");
        long previous = Long.MAX_VALUE;
        for (int window = 0; window < 12; window++) {
            Phase warm = new Phase();
            phase(http, player, api, null, warm, 5);
            long used = warm.cpuNanos.get();
            if (Math.abs(used - previous) < Math.max(used, previous) / 5) {
                System.out.printf("  settled after %d s (%.1f s CPU per 5 s)%n", (window + 1) * 5, used / 1e9);
                return;
            }
            previous = used;
        }
        System.out.println(
                "  not settled after 60 s: measuring anyway (rounds interleave, so drift hits each kind alike)");
    }

    /** CPU time of this process so far (stack, player and flood together). */
    private static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean)
                        java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    /** Connections the flood keeps open (a request waits for a free one; the wait counts in its latency). */
    private static final int FLOOD_CONNECTIONS = 8;

    /**
     * The player's blocking sends, from a fixed pool: the client's asynchronous completions would start a thread per
     * answer on a 2-core machine (CompletableFuture's default executor then runs each task on a new thread), a load
     * of the bench's own that is not the server's.
     */
    private final ExecutorService playerSenders = Executors.newFixedThreadPool(16);

    /** The answer's status; 0 when no answer came. */
    private static int send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (java.io.IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** {@code floodPath}: the route flooded at the bogus rate (with a made-up key), or null for none. */
    private void phase(HttpClient http, String[] playerUrls, String api, String floodPath, Phase into)
            throws Exception {
        phase(http, playerUrls, api, floodPath, into, seconds);
    }

    private void phase(HttpClient http, String[] playerUrls, String api, String floodPath, Phase into, int secs)
            throws Exception {
        Latencies player = into.player;
        Latencies bogus = into.bogus;
        Map<Integer, AtomicLong> statuses = into.statuses;
        String[] keys = new String[floodPath == null ? 0 : bogusRate * secs + 1]; // the attacker's work, made before
        for (int i = 0; i < keys.length; i++) {
            keys[i] = malformed ? ApiKeys.newKey().substring(0, 20) : ApiKeys.newKey();
        }
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);
        AtomicLong playerCount = new AtomicLong();
        long start = System.nanoTime();
        long cpuAtStart = cpuNanos();
        long playerEvery = 1_000_000_000L / playbackRate;
        scheduler.scheduleAtFixedRate(
                () -> {
                    long due = System.nanoTime();
                    String url = playerUrls[(int) (playerCount.getAndIncrement() % playerUrls.length)];
                    playerSenders.execute(() -> {
                        int status = send(http, HttpRequest.newBuilder(URI.create(url)));
                        if (status / 100 == 2) {
                            player.add((System.nanoTime() - due) / 1000);
                        } else {
                            statuses.computeIfAbsent(-1, k -> new AtomicLong()).incrementAndGet();
                        }
                    });
                },
                0,
                playerEvery,
                TimeUnit.NANOSECONDS);
        if (floodPath != null) {
            URI target = URI.create(api);
            new RawFlood(target.getHost(), target.getPort(), FLOOD_CONNECTIONS)
                    .run(
                            bogusRate,
                            Duration.ofSeconds(secs),
                            i -> "GET " + floodPath + " HTTP/1.1\r\nHost: " + target.getAuthority()
                                    + "\r\nAuthorization: Bearer " + keys[i % keys.length] + "\r\n\r\n",
                            bogus,
                            statuses);
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, Duration.ofSeconds(secs).toNanos() - (System.nanoTime() - start)));
        scheduler.shutdownNow();
        Thread.sleep(2000); // answers still on their way
        into.cpuNanos.addAndGet(cpuNanos() - cpuAtStart);
    }

    private static void report(String name, Phase phase) {
        System.out.printf(
                "  %-12s cpu %5.1f s; player n=%d p50 %.1f ms p99 %.1f ms%s%n",
                name,
                phase.cpuNanos.get() / 1e9,
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
