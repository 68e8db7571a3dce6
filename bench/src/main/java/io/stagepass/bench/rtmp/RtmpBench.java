package io.stagepass.bench.rtmp;

import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.bench.Latencies;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.EventCodec;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.ingest.IngestConfig;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.replay.creators.Catalog;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/rtmp: N publishers streaming a pre-encoded 720p H.264 + AAC clip in real time (ffmpeg {@code -re -stream_loop
 * -1 -c copy}) to ingest, which runs as its own process so that its CPU and memory are its own. For each N: over
 * RTMP, the same streams as HLS PUT, and the baseline, one {@code ffmpeg -listen 1 -i rtmp://... -c copy -f hls}
 * process per stream (the CLI as a single-publisher RTMP server). Measured the same way for each: CPU per stream
 * (user + system seconds over the push, per second, per stream), resident memory, and for ingest the delay from a
 * segment being complete in the spool (its receivedAt) to its fact seen on Kafka, and whether every pushed second
 * was stored.
 */
@Command(
        name = "bench/rtmp",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        usageHelpWidth = 120,
        description = {
            "CPU per stream, memory and segment-to-fact delay of RTMP ingest with 1, 10 and 50 publishers,",
            "next to HLS PUT and to one ffmpeg -listen process per stream, measured in the same run."
        })
public final class RtmpBench implements Callable<Integer> {
    private static final int FPS = 25;

    @Option(
            names = "--publishers",
            split = ",",
            paramLabel = "N,...",
            description = "publisher counts (default 1,10,50)")
    private List<Integer> publishers = List.of(1, 10, 50);

    @Option(names = "--seconds", paramLabel = "N", description = "seconds each publisher streams (default 40)")
    private int seconds = 40;

    @Option(names = "--kbps", paramLabel = "N", description = "video bit rate of the clip in kb/s (default 3000)")
    private int kbps = 3000;

    @Option(
            names = "--ingest-jar",
            paramLabel = "JAR",
            description = "ingest's jar (default ingest/target/stagepass-ingest.jar)")
    private Path ingestJar = Path.of("ingest/target/stagepass-ingest.jar");

    public static void main(String[] args) {
        System.exit(new CommandLine(new RtmpBench()).execute(args));
    }

    private enum Mode {
        RTMP,
        HLS
    }

    /** What one configuration measured. */
    private record Run(
            String name,
            int streams,
            double cpuPercentPerStream,
            double cpuAboveIdlePerStream,
            double rssMb,
            Latencies delays,
            double minStoredSeconds,
            long segments) {}

    /** Ingest's own CPU with nothing streaming (its Kafka clients, the catalog, the sender), in cores. */
    private double idleCores;

    @Override
    public Integer call() throws Exception {
        Path dir = Files.createTempDirectory("stagepass-bench-rtmp");
        Path clip = dir.resolve("clip.flv");
        System.out.printf(
                "rtmp bench: publishers %s, %d s each, 720p25 H.264 at %d kb/s + AAC (data in %s)%n",
                publishers, seconds, kbps, dir);
        long start = System.nanoTime();
        GeneratedLive.write(
                "flv",
                clip.toString(),
                Map.of(),
                new GeneratedLive.Spec(1280, 720, FPS, Duration.ofSeconds(20), 2, kbps * 1000L, 128_000));
        System.out.printf(
                "  encoded the clip (20 s, keyframe every 2 s, %.1f MB) in %.1f s%n",
                Files.size(clip) / 1e6, (System.nanoTime() - start) / 1e9);
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "bench-access", "bench-secret-key")) {
            int httpPort = freePort();
            int rtmpPort = freePort();
            Process ingest = startIngest(dir, kafka.settings(), s3.settings(), httpPort, rtmpPort);
            try {
                awaitListening(httpPort, ingest);
                awaitListening(rtmpPort, ingest);
                Thread.sleep(5_000); // past start-up work
                double idleCpu = ProcStat.cpuSeconds(ingest.pid());
                Thread.sleep(10_000);
                idleCores = (ProcStat.cpuSeconds(ingest.pid()) - idleCpu) / 10;
                System.out.printf(
                        "  ingest idle: %.1f%% of a core, RSS %.0f MB%n",
                        idleCores * 100, ProcStat.rssMb(ingest.pid()));
                Operator operator = new Operator(kafka.settings());
                String creator = operator.registerCreator("Bench creator", null, "EUR")
                        .creator()
                        .getCreatorId();
                IngestClient client = IngestClient.of("http://127.0.0.1:" + httpPort);
                Target target =
                        new Target(dir, ingest, kafka.settings(), operator, creator, client, httpPort, rtmpPort);
                for (int n : publishers) {
                    System.out.printf("%n%d publisher(s):%n", n);
                    List<Run> runs = new ArrayList<>();
                    runs.add(pushToIngest(Mode.RTMP, n, clip, target));
                    runs.add(pushToIngest(Mode.HLS, n, clip, target));
                    runs.add(baseline(n, clip, dir));
                    for (Run run : runs) {
                        System.out.println("  " + line(run));
                    }
                    Run rtmp = runs.get(0);
                    Run cli = runs.get(2);
                    System.out.printf(
                            "  ratio CPU per stream RTMP ingest / ffmpeg -listen: %.2f (above idle: %.2f)%n",
                            rtmp.cpuPercentPerStream() / cli.cpuPercentPerStream(),
                            rtmp.cpuAboveIdlePerStream() / cli.cpuPercentPerStream());
                    if (n == publishers.get(publishers.size() - 1)) {
                        System.out.printf(
                                "goals at %d publishers: CPU per stream <= 1.0x the CLI: %s; p99 segment-to-fact <= 1 s: %s; no frame lost: %s%n",
                                n,
                                rtmp.cpuPercentPerStream() <= cli.cpuPercentPerStream() ? "met" : "NOT met",
                                rtmp.delays().percentileMillis(99) <= 1000 ? "met" : "NOT met",
                                rtmp.minStoredSeconds() >= seconds - 1.0 / FPS ? "met" : "NOT met");
                    }
                }
            } finally {
                ingest.destroy();
                ingest.waitFor(30, TimeUnit.SECONDS);
            }
        }
        return 0;
    }

    private static String line(Run run) {
        String common = String.format(
                "%-38s CPU per stream %.2f%% of a core (%.2f%% above idle), RSS %.0f MB",
                run.name(), run.cpuPercentPerStream(), run.cpuAboveIdlePerStream(), run.rssMb());
        if (run.delays() == null) {
            return common;
        }
        return common
                + String.format(
                        ", segment-to-fact %s, %d segments, least stored per live %.2f s",
                        run.delays().summary(), run.segments(), run.minStoredSeconds());
    }

    /** Ingest under test (its own process) and what schedules lives on it and pushes to it. */
    private record Target(
            Path dir,
            Process ingest,
            KafkaSettings kafka,
            Operator operator,
            String creator,
            IngestClient client,
            int httpPort,
            int rtmpPort) {}

    private Run pushToIngest(Mode mode, int n, Path clip, Target target) throws Exception {
        Map<String, String> keyByLive = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Catalog.Scheduled live =
                    target.operator().scheduleLive(target.creator(), mode + " bench " + i, "viewer", 1500, "EUR", 30);
            keyByLive.put(live.live().getLiveId(), live.streamKey());
        }
        for (String key : keyByLive.values()) {
            target.client().awaitKnows(key, Duration.ofSeconds(30));
        }
        Facts facts = new Facts(target.kafka(), keyByLive.keySet());
        facts.start();
        List<Process> pushers = new ArrayList<>();
        double cpu0 = ProcStat.cpuSeconds(target.ingest().pid());
        long t0 = System.nanoTime();
        int i = 0;
        for (String key : keyByLive.values()) {
            String url = mode == Mode.RTMP
                    ? "rtmp://127.0.0.1:" + target.rtmpPort() + "/live/" + key
                    : "http://127.0.0.1:" + target.httpPort() + "/live/" + key + "/index.m3u8";
            pushers.add(push(
                    clip,
                    url,
                    mode == Mode.RTMP ? List.of("-f", "flv") : List.of("-f", "hls", "-hls_time", "2", "-method", "PUT"),
                    target.dir().resolve(mode + "-" + n + "-" + i++ + ".log")));
        }
        double rss = awaitAll(pushers, List.of(target.ingest().pid()));
        double cpu = ProcStat.cpuSeconds(target.ingest().pid()) - cpu0;
        double elapsed = (System.nanoTime() - t0) / 1e9;
        facts.awaitStored(seconds, Duration.ofSeconds(60));
        facts.stop();
        return new Run(
                mode == Mode.RTMP ? "RTMP to ingest" : "HLS PUT to ingest",
                n,
                cpu / elapsed / n * 100,
                (cpu / elapsed - idleCores) / n * 100,
                rss,
                facts.delays,
                facts.minStoredSeconds(),
                facts.segments());
    }

    private Run baseline(int n, Path clip, Path dir) throws Exception {
        List<Process> listeners = new ArrayList<>();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int port = freePort();
            Path out = Files.createDirectories(dir.resolve("baseline-" + n + "-" + i));
            ports.add(port);
            listeners.add(new ProcessBuilder(
                            "bash",
                            "-c",
                            "ffmpeg -hide_banner -loglevel error -listen 1 -i rtmp://127.0.0.1:" + port
                                    + "/live/bench -c copy -f hls -hls_time 2 -hls_list_size 0 "
                                    + out.resolve("index.m3u8")
                                    + "; times")
                    .redirectErrorStream(true)
                    .redirectOutput(out.resolve("listener.log").toFile())
                    .start());
        }
        Thread.sleep(1500); // ffmpeg -listen 1 takes its first connection as its one client: no probing
        List<Process> pushers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            pushers.add(push(
                    clip,
                    "rtmp://127.0.0.1:" + ports.get(i) + "/live/bench",
                    List.of("-f", "flv"),
                    dir.resolve("baseline-" + n + "-" + i).resolve("push.log")));
        }
        long t0 = System.nanoTime();
        List<Long> pids = new ArrayList<>();
        for (Process listener : listeners) {
            listener.descendants().forEach(child -> pids.add(child.pid()));
        }
        double rss = awaitAll(pushers, pids);
        double elapsed = (System.nanoTime() - t0) / 1e9;
        double cpu = 0;
        for (int i = 0; i < n; i++) {
            listeners.get(i).waitFor(60, TimeUnit.SECONDS);
            cpu += childCpuSeconds(dir.resolve("baseline-" + n + "-" + i).resolve("listener.log"));
        }
        double perStream = cpu / elapsed / n * 100;
        return new Run("ffmpeg -listen 1 per stream (baseline)", n, perStream, perStream, rss, null, 0, 0);
    }

    /** The children's user and system seconds that bash's {@code times} printed on its second line. */
    private static double childCpuSeconds(Path log) throws IOException {
        return childCpuSeconds(Files.readAllLines(log, StandardCharsets.UTF_8));
    }

    /** From bash's {@code times} output (its last line: the children's "0m1.234s 0m0.567s"), their seconds. */
    static double childCpuSeconds(List<String> lines) {
        String children = lines.get(lines.size() - 1).trim();
        double total = 0;
        for (String time : children.split("\\s+")) {
            String[] parts = time.replace("s", "").split("m");
            total += Double.parseDouble(parts[0]) * 60 + Double.parseDouble(parts[1]);
        }
        return total;
    }

    private Process push(Path clip, String target, List<String> output, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "error",
                "-nostdin",
                "-re",
                "-stream_loop",
                "-1",
                "-i",
                clip.toString(),
                "-t",
                Integer.toString(seconds),
                "-c",
                "copy"));
        command.addAll(output);
        command.add(target);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /** Waits for the pushers; returns the largest summed RSS of {@code measured}, sampled every second. */
    private double awaitAll(List<Process> pushers, List<Long> measured) throws InterruptedException {
        double maxRss = 0;
        while (pushers.stream().anyMatch(Process::isAlive)) {
            maxRss = Math.max(
                    maxRss, measured.stream().mapToDouble(ProcStat::rssMb).sum());
            Thread.sleep(1000);
        }
        for (Process pusher : pushers) {
            if (pusher.exitValue() != 0) {
                System.out.println(
                        "  a pusher exited with " + pusher.exitValue() + " (its log is in the data directory)");
            }
        }
        return maxRss;
    }

    private Process startIngest(Path dir, KafkaSettings kafka, S3Settings s3, int httpPort, int rtmpPort)
            throws IOException {
        if (!Files.exists(ingestJar)) {
            throw new IllegalStateException(ingestJar + " is missing: build with mvn -DskipTests install");
        }
        ProcessBuilder builder = new ProcessBuilder("java", "-Xmx512m", "-jar", ingestJar.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ingest.log").toFile());
        Map<String, String> env = builder.environment();
        env.put(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers());
        env.put(S3Settings.ENDPOINT, s3.endpoint().toString());
        env.put(S3Settings.ACCESS_KEY, "bench-access");
        env.put(S3Settings.SECRET_KEY, "bench-secret-key");
        env.put(IngestConfig.PORT, Integer.toString(httpPort));
        env.put(IngestConfig.RTMP_PORT, Integer.toString(rtmpPort));
        env.put(IngestConfig.SPOOL_DIR, dir.resolve("spool").toString());
        env.put(IngestConfig.RTMP_MAX_CONNECTIONS, "256");
        env.put(IngestConfig.RTMP_MAX_PER_ADDRESS, "256"); // every publisher runs on this machine
        return builder.start();
    }

    private static void awaitListening(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                throw new IllegalStateException("the process exited with " + process.exitValue());
            }
            try (Socket socket = new Socket("127.0.0.1", port)) {
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on " + port);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The segment facts of the lives under test: delays from receivedAt, stored seconds per live. */
    private static final class Facts {
        final Latencies delays = new Latencies();
        private final KafkaSettings kafka;
        private final java.util.Set<String> lives;
        private final Map<String, Long> storedMicros = new ConcurrentHashMap<>();
        private final AtomicBoolean consuming = new AtomicBoolean(true);
        private volatile long segments;
        private Thread thread;

        Facts(KafkaSettings kafka, java.util.Set<String> lives) {
            this.kafka = kafka;
            this.lives = lives;
        }

        void start() throws InterruptedException {
            java.util.concurrent.CountDownLatch positioned = new java.util.concurrent.CountDownLatch(1);
            thread = new Thread(() -> consume(positioned), "bench-facts");
            thread.setDaemon(true);
            thread.start();
            positioned.await(30, TimeUnit.SECONDS);
        }

        private void consume(java.util.concurrent.CountDownLatch positioned) {
            EventCodec<SegmentStored> codec = EventCodec.of(SegmentStored.class);
            try (KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(kafka)) {
                List<TopicPartition> partitions = KafkaClients.partitions(consumer, Topic.SEGMENTS);
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                positioned.countDown();
                while (consuming.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        SegmentStored stored = codec.decode(record.value());
                        if (!lives.contains(stored.getLiveId()) || stored.getDurationMicros() == null) {
                            continue;
                        }
                        delays.add((now - stored.getReceivedAt().toEpochMilli()) * 1000);
                        storedMicros.merge(stored.getLiveId(), stored.getDurationMicros(), Long::sum);
                        segments++;
                    }
                }
            }
        }

        void awaitStored(int seconds, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && minStoredSeconds() < seconds - 1.0 / FPS) {
                Thread.sleep(200);
            }
            Thread.sleep(1000); // stragglers
        }

        double minStoredSeconds() {
            return lives.stream()
                            .mapToLong(l -> storedMicros.getOrDefault(l, 0L))
                            .min()
                            .orElse(0)
                    / 1e6;
        }

        long segments() {
            return segments;
        }

        void stop() throws InterruptedException {
            consuming.set(false);
            thread.join(10_000);
        }
    }
}
