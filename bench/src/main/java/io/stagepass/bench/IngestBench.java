package io.stagepass.bench;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.http.HttpServices;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.launcher.Stack;
import io.stagepass.launcher.StackConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * bench/ingest: N simulated encoders, each PUTting a segment every 2 s plus the playlist, against the embedded
 * stack; PUT-to-answer and PUT-to-event-in-Kafka latencies and lost segments. Baselines from the same run: the
 * same PUTs to a server that only discards the body (HTTP and transfer cost), and a plain producer-to-consumer
 * round trip through the same broker. Then a beacon load run against a plain producer's throughput.
 */
public final class IngestBench {
    private static final Duration SEGMENT_INTERVAL = Duration.ofSeconds(2);

    public static void main(String[] args) throws Exception {
        int lives = intArg(args, "--lives", 50);
        int seconds = intArg(args, "--seconds", 120);
        int segmentBytes = intArg(args, "--segment-kb", 2048) * 1024;
        int beaconSeconds = intArg(args, "--beacon-seconds", 30);
        Path dataDir = Files.createTempDirectory("stagepass-bench");
        StackConfig config = StackConfig.fromEnv(Env.of(Map.of(StackConfig.DATA_DIR, dataDir.toString(),
                StackConfig.KAFKA_PORT, "0", StackConfig.S3_PORT, "0", StackConfig.FLINK_PORT, "0",
                StackConfig.INGEST_PORT, "0", StackConfig.API_PORT, "0")));
        System.out.printf("ingest bench: %d lives, a %d KB segment every %d s each, for %d s (data in %s)%n",
                lives, segmentBytes / 1024, SEGMENT_INTERVAL.toSeconds(), seconds, dataDir);
        try (Stack stack = Stack.start(config, line -> { })) {
            byte[] segment = new byte[segmentBytes];
            Result baseline;
            try (HttpServices.Running discard = HttpServices.start("baseline", "127.0.0.1", 0, routes ->
                    routes.routes.put("/discard/{key}/{file}", ctx -> {
                        ctx.req().getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
                        ctx.status(201);
                    }))) {
                baseline = push(lives, Math.min(seconds, 30), segment, (key, file) -> "http://127.0.0.1:" + discard.port() + "/discard/" + key + "/" + file, null);
            }
            List<String> keys = scheduleLives(stack, lives);
            Latencies kafkaRoundTrip = kafkaRoundTrip(stack, 500);
            Result ingest = push(lives, seconds, segment, (key, file) -> "http://127.0.0.1:" + stack.ingestPort() + "/live/" + key + "/" + file, keys);

            System.out.println();
            System.out.println("PUT to answer     baseline (discarding server) " + baseline.answers.summary());
            System.out.println("PUT to answer     ingest (fsync'd spool)       " + ingest.answers.summary());
            System.out.printf("  ratio p99 ingest / baseline: %.2f%n", ingest.answers.percentileMillis(99) / baseline.answers.percentileMillis(99));
            System.out.println("event round trip  baseline (produce->consume)  " + kafkaRoundTrip.summary());
            System.out.println("PUT to event      ingest (S3 + Kafka, async)   " + ingest.events.summary());
            System.out.printf("  ratio p99 ingest / baseline: %.2f%n", ingest.events.percentileMillis(99) / kafkaRoundTrip.percentileMillis(99));
            System.out.printf("segments sent %d, answered 201 %d, events %d, lost %d, non-201 answers %d%n",
                    ingest.sent.get(), ingest.created.get(), ingest.events.count(), ingest.sent.get() - ingest.events.count(), ingest.failed.get());
            System.out.printf("goal: p99 PUT-to-event <= 300 ms at %d lives: %s%n", lives,
                    ingest.events.percentileMillis(99) <= 300 ? "met" : "NOT met");

            beacons(stack, beaconSeconds);
        }
        System.exit(0);
    }

    interface Url {
        String of(String key, String file);
    }

    static final class Result {
        final Latencies answers = new Latencies();
        final Latencies events = new Latencies();
        final Map<String, Long> putStartNanos = new ConcurrentHashMap<>();
        final AtomicLong sent = new AtomicLong();
        final AtomicLong created = new AtomicLong();
        final AtomicLong failed = new AtomicLong();
    }

    private static Result push(int lives, int seconds, byte[] segment, Url url, List<String> keys) throws Exception {
        Result result = new Result();
        HttpClient http = HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16)).build();
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        java.util.concurrent.atomic.AtomicBoolean consuming = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread consumer = keys == null ? null : startEventConsumer(result, consuming);
        int segments = (int) (seconds / SEGMENT_INTERVAL.toSeconds());
        for (int live = 0; live < lives; live++) {
            String key = keys == null ? "baseline-key-" + live : keys.get(live);
            long offset = SEGMENT_INTERVAL.toMillis() * live / lives; // spread the encoders over the interval
            for (int i = 0; i < segments; i++) {
                int sequence = i;
                scheduler.schedule(() -> putSegment(http, url, key, sequence, segment, result),
                        offset + i * SEGMENT_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
        scheduler.shutdown();
        scheduler.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (result.created.get() + result.failed.get() < result.sent.get() && System.nanoTime() < deadline) {
            sleep(100);
        }
        if (consumer != null) {
            long eventsDeadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (result.events.count() < result.created.get() && System.nanoTime() < eventsDeadline) {
                sleep(200);
            }
            consuming.set(false);
            consumer.join(10_000);
        }
        return result;
    }

    private static void putSegment(HttpClient http, Url url, String key, int sequence, byte[] segment, Result result) {
        long start = System.nanoTime();
        result.putStartNanos.put(key + "/" + sequence, start);
        result.sent.incrementAndGet();
        http.sendAsync(HttpRequest.newBuilder(URI.create(url.of(key, "index" + sequence + ".ts")))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(segment)).build(), HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    result.answers.add((System.nanoTime() - start) / 1000);
                    if (error == null && response.statusCode() == 201) {
                        result.created.incrementAndGet();
                    } else {
                        result.failed.incrementAndGet();
                    }
                    String playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:" + sequence
                            + "\n#EXTINF:2.000000,\nindex" + sequence + ".ts\n";
                    http.sendAsync(HttpRequest.newBuilder(URI.create(url.of(key, "index.m3u8")))
                            .PUT(HttpRequest.BodyPublishers.ofString(playlist)).build(), HttpResponse.BodyHandlers.discarding());
                });
    }

    private static Thread startEventConsumer(Result result, java.util.concurrent.atomic.AtomicBoolean consuming) {
        Thread thread = new Thread(() -> {
            EventCodec<SegmentStored> codec = EventCodec.of(SegmentStored.class);
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProps())) {
                List<TopicPartition> partitions = consumer.partitionsFor(Topic.SEGMENTS.topicName()).stream()
                        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(consumer::position);
                while (consuming.get()) {
                    for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        SegmentStored stored = codec.decode(record.value());
                        Long start = result.putStartNanos.get(KEY_BY_LIVE.get(stored.getLiveId()) + "/" + stored.getSequence());
                        if (start != null) {
                            result.events.add((now - start) / 1000);
                        }
                    }
                }
            }
        }, "bench-events");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private static String bootstrap;

    private static Properties readerProps() {
        Properties props = KafkaClients.committedReader(new io.stagepass.platform.config.KafkaSettings(bootstrap), "unused");
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return props;
    }

    private static List<String> scheduleLives(Stack stack, int lives) throws Exception {
        bootstrap = stack.kafka().bootstrapServers();
        List<String> keys = new ArrayList<>();
        try (EventPublisher publisher = new EventPublisher(stack.kafka(), "bench")) {
            for (int i = 0; i < lives; i++) {
                String liveId = Ids.newId("live");
                String key = StreamKeys.newKey();
                publisher.publish(Topic.LIVES, liveId, SampleEvents.live(liveId, "creator_bench")
                        .setStreamKeySha256(StreamKeys.sha256(key)).build()).get(30, TimeUnit.SECONDS);
                keys.add(key);
                KEY_BY_LIVE.put(liveId, key);
            }
        }
        sleep(2000); // ingest's catalog view picks the keys up
        return keys;
    }

    private static final Map<String, String> KEY_BY_LIVE = new ConcurrentHashMap<>();

    private static Latencies kafkaRoundTrip(Stack stack, int count) throws Exception {
        Latencies latencies = new Latencies();
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                KafkaClients.durableProducer(stack.kafka(), "bench-baseline"));
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(readerProps())) {
            TopicPartition partition = new TopicPartition(Topic.DEAD_LETTERS.topicName(), 0);
            consumer.assign(List.of(partition));
            consumer.seekToEnd(List.of(partition));
            consumer.position(partition);
            for (int i = 0; i < count; i++) {
                long start = System.nanoTime();
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(partition.topic(), 0, "bench", new byte[200]));
                while (consumer.poll(Duration.ofMillis(5)).isEmpty()) {
                    // wait for it
                }
                latencies.add((System.nanoTime() - start) / 1000);
            }
        }
        return latencies;
    }

    private static void beacons(Stack stack, int seconds) throws Exception {
        PlaybackTokens tokens = new PlaybackTokens(PlaybackTokens.EMBEDDED_SECRET);
        HttpClient http = HttpClient.newHttpClient();
        Latencies latencies = new Latencies();
        AtomicLong accepted = new AtomicLong();
        int senders = 8;
        int batch = 20;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
            int sender = s;
            Thread thread = new Thread(() -> {
                int session = 0;
                while (System.nanoTime() < end) {
                    // A fresh session per request: the per-session rate limit is not what is measured here.
                    String sessionId = "bench-" + sender + "-" + session++;
                    StringBuilder body = new StringBuilder("[");
                    for (int i = 0; i < batch; i++) {
                        body.append(i == 0 ? "" : ",").append("{\"type\":\"heartbeat\",\"sessionId\":\"").append(sessionId)
                                .append("\",\"mode\":\"live\",\"positionMs\":").append(i * 10_000).append('}');
                    }
                    body.append(']');
                    String token = tokens.issue("live_bench", "cs_" + sender, Instant.now().plusSeconds(3600));
                    long start = System.nanoTime();
                    try {
                        HttpResponse<Void> response = http.send(HttpRequest.newBuilder(
                                        URI.create("http://127.0.0.1:" + stack.ingestPort() + "/v1/beacons"))
                                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                                HttpResponse.BodyHandlers.discarding());
                        latencies.add((System.nanoTime() - start) / 1000);
                        if (response.statusCode() == 202) {
                            accepted.addAndGet(batch);
                        }
                    } catch (Exception e) {
                        return;
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double beaconRate = accepted.get() / (double) seconds;
        double producerRate = producerThroughput(stack, seconds / 3 + 1);
        System.out.println();
        System.out.printf("beacons: %d senders x %d events per request for %d s: %.0f events/s accepted, request %s%n",
                senders, batch, seconds, beaconRate, latencies.summary());
        System.out.printf("baseline: a plain durable producer writing beacons: %.0f events/s; ratio %.2f%n",
                producerRate, beaconRate / producerRate);
    }

    private static double producerThroughput(Stack stack, int seconds) throws Exception {
        byte[] value = EventCodec.of(io.stagepass.events.Beacon.class).encode(SampleEvents.beacon("live_bench", "bench-session").build());
        long count = 0;
        long end = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        try (org.apache.kafka.clients.producer.KafkaProducer<String, byte[]> producer = new org.apache.kafka.clients.producer.KafkaProducer<>(
                KafkaClients.durableProducer(stack.kafka(), "bench-producer"))) {
            while (System.nanoTime() < end) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topic.BEACONS.topicName(), "live_bench", value));
                count++;
            }
            producer.flush();
        }
        return count / (double) seconds;
    }

    private static int intArg(String[] args, String name, int defaultValue) {
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals(name)) {
                return Integer.parseInt(args[i + 1]);
            }
        }
        return defaultValue;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
