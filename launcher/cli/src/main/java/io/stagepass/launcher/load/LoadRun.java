package io.stagepass.launcher.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.model.checkout.Session;
import io.minio.MinioClient;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.stagepass.events.Beacon;
import io.stagepass.events.Bucket;
import io.stagepass.events.Entitlement;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.jobs.media.GeneratedLive;
import io.stagepass.launcher.demo.DemoTraffic;
import io.stagepass.launcher.demo.LiveScheduler;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.creators.Catalog;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * A sustained load on a deployment, kept as ground truth, then compared with what the deployment made of it: one live
 * whose encoder pushes HLS segments at the pace of real time, viewers whose players send beacons every second, and
 * buyers going through Stripe Checkout (the sandbox), one ticket in {@code refundEvery} refunded. Every request that
 * fails is retried as its real client would (the encoder and the player on the next ingest instance, Stripe's webhooks
 * by the sandbox), so that a failure of one part of the deployment shows as an interruption, not as lost data.
 *
 * <p>Afterwards: the revenue job's total equals the tickets paid and refunded (Stripe's fees from its balance
 * transactions) to the cent, every paid ticket has its entitlement (revoked for the refunded), every beacon and
 * segment ingest answered 2xx is on its topic (and every segment in the object store, byte for byte in size), and the
 * ended live's replay is READY.
 */
public final class LoadRun {
    /** How the load is shaped. */
    public record Shape(
            Duration length, int viewers, int beaconsPerRequest, double ticketsPerSecond, int refundEvery) {}

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration RETRY = Duration.ofMillis(500);
    /** A client gives up on a request after this long (ffmpeg and players give up sooner). */
    private static final Duration GIVE_UP = Duration.ofSeconds(120);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** How often one player reports. */
    static final int EVERY_SECONDS = 5;

    private final KafkaSettings kafka;
    private final S3Settings s3;
    private final List<String> ingest;
    private final String apiUrl;
    private final StripeClient stripe;
    private final PlaybackTokens tokens;
    private final Shape shape;
    private final PrintStream out;
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final AtomicBoolean stopping = new AtomicBoolean();

    private final Set<String> ackedBeacons = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> ackedSegments = new ConcurrentHashMap<>();
    private final List<String> tickets = new CopyOnWriteArrayList<>();
    private final Set<String> refunded = ConcurrentHashMap.newKeySet();
    private final Map<String, Interruptions> interruptions = new ConcurrentHashMap<>();
    private final AtomicInteger givenUp = new AtomicInteger();

    public LoadRun(
            KafkaSettings kafka,
            S3Settings s3,
            List<String> ingest,
            String apiUrl,
            String stripeApiBase,
            PlaybackTokens tokens,
            Shape shape,
            PrintStream out) {
        this.kafka = kafka;
        this.s3 = s3;
        this.ingest = List.copyOf(ingest);
        this.apiUrl = apiUrl;
        this.stripe = DemoTraffic.sandboxClient(stripeApiBase);
        this.tokens = tokens;
        this.shape = shape;
        this.out = out;
    }

    /** Runs the load, then the comparison; true when the deployment's results equal the ground truth. */
    public boolean run(Duration wait) throws Exception {
        Map<Topic, Map<TopicPartition, Long>> marks = new EnumMap<>(Topic.class);
        try (TopicReader reader = new TopicReader(kafka)) {
            for (Topic topic :
                    List.of(Topic.BEACONS, Topic.SEGMENTS, Topic.REVENUE_METRICS, Topic.ENTITLEMENTS, Topic.REPLAYS)) {
                marks.put(topic, reader.endOffsets(topic));
            }
        }
        Catalog.Account creator;
        try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-load")) {
            creator = new Catalog(publisher, Clock.systemUTC()).register("Load test", "load@example.com", "EUR");
        }
        JsonNode live = DemoTraffic.scheduleLive(
                http,
                apiUrl,
                creator.apiKey(),
                "Load test",
                "A sustained load of segments, beacons and payments, compared with its ground truth.");
        String liveId = live.get("liveId").asText();
        String streamKey = live.get("streamKey").asText();
        for (String instance : ingest) {
            LiveScheduler.awaitIngestKnows(instance, streamKey, Duration.ofSeconds(30));
        }
        Path hls = Files.createTempDirectory("stagepass-load-hls");
        long encodeStart = System.nanoTime();
        GeneratedLive.write(
                "hls",
                hls.resolve("index.m3u8").toString(),
                Map.of("hls_time", "2", "hls_list_size", "0"),
                GeneratedLive.Spec.demo(shape.length()));
        Playlist playlist = Playlist.read(hls.resolve("index.m3u8"));
        out.printf(
                "%s load on live %s for %d s: %d viewers sending %d beacons every 5 s, %.1f tickets/s (1 in %d refunded), %d HLS segments"
                        + " (encoded in %.1f s) pushed in real time; ingest %s%n",
                clock(),
                liveId,
                shape.length().toSeconds(),
                shape.viewers(),
                shape.beaconsPerRequest(),
                shape.ticketsPerSecond(),
                shape.refundEvery(),
                playlist.segments().size(),
                (System.nanoTime() - encodeStart) / 1e9,
                ingest);

        long start = System.nanoTime();
        Thread segments = started("load-segments", () -> pushSegments(hls, playlist, streamKey));
        Thread beacons = started("load-beacons", () -> sendBeacons(liveId));
        Thread buyers = started("load-buyers", () -> buyTickets(liveId));
        while (segments.isAlive()) {
            segments.join(10_000);
            out.printf(
                    "%s t=%3d s: %d segments, %d beacons, %d tickets (%d refunded) acknowledged%s%n",
                    clock(),
                    (System.nanoTime() - start) / 1_000_000_000,
                    ackedSegments.size(),
                    ackedBeacons.size(),
                    tickets.size(),
                    refunded.size(),
                    interruptionsNow());
        }
        stopping.set(true);
        beacons.join();
        buyers.join();
        out.printf(
                "%s load done: %d segments (live ended), %d beacons, %d tickets (%d refunded) acknowledged; %d requests"
                        + " given up%n",
                clock(), ackedSegments.size(), ackedBeacons.size(), tickets.size(), refunded.size(), givenUp.get());
        interruptions.forEach((kind, i) -> {
            if (i.failures() > 0) {
                out.printf(
                        "  longest interruption seen by %s: %.1f s (%d failed attempts, retried)%n",
                        kind, i.longestMillis() / 1000.0, i.failures());
            }
        });
        if (interruptions.values().stream().allMatch(i -> i.failures() == 0)) {
            out.println("  no client saw a failed request");
        }
        return compare(liveId, marks, wait);
    }

    // --- the traffic -------------------------------------------------------------------------------------------

    private static Thread started(String name, Runnable work) {
        Thread thread = new Thread(work, name);
        thread.start();
        return thread;
    }

    /** An encoder: each segment, then the playlist listing it, at the pace of real time; ENDLIST at the end. */
    private void pushSegments(Path hls, Playlist playlist, String streamKey) {
        long start = System.nanoTime();
        try {
            List<Playlist.Segment> all = playlist.segments();
            for (int i = 0; i < all.size(); i++) {
                Playlist.Segment segment = all.get(i);
                long due = start + (long) (segment.startSeconds() * 1e9);
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                byte[] bytes = Files.readAllBytes(hls.resolve(segment.file()));
                HttpResponse<String> stored = put("segments", streamKey, segment.file(), bytes);
                if (stored != null) {
                    ackedSegments.put(
                            JSON.readTree(stored.body()).get("sequence").asLong(), (long) bytes.length);
                }
                put(
                        "segments",
                        streamKey,
                        "index.m3u8",
                        playlist.upTo(i + 1, i == all.size() - 1).getBytes());
            }
        } catch (Exception e) {
            out.println("the encoder stopped: " + e);
        }
    }

    /** A PUT retried on the next ingest instance until 2xx; null when given up. */
    private HttpResponse<String> put(String kind, String streamKey, String file, byte[] body) throws Exception {
        return retried(
                kind,
                instance -> HttpRequest.newBuilder(URI.create(instance + "/live/" + streamKey + "/" + file))
                        .timeout(Duration.ofSeconds(15))
                        .PUT(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build());
    }

    /**
     * Players: each viewer sends a batch of heartbeats with ids (a resent batch is the same facts) every
     * {@link #EVERY_SECONDS} s, within ingest's per-session rate; the viewers take turns, so requests go every second.
     */
    private void sendBeacons(String liveId) {
        List<String> viewerTokens = new ArrayList<>();
        for (int v = 0; v < shape.viewers(); v++) {
            viewerTokens.add(
                    tokens.issue(liveId, "cs_load_viewer_" + v, Instant.now().plus(Duration.ofHours(6))));
        }
        long start = System.nanoTime();
        try {
            for (int second = 0; !stopping.get(); second++) {
                long due = start + second * 1_000_000_000L;
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                for (int v = second % EVERY_SECONDS; v < shape.viewers() && !stopping.get(); v += EVERY_SECONDS) {
                    String session = "load-viewer-" + v;
                    List<String> events = new ArrayList<>();
                    List<String> ids = new ArrayList<>();
                    for (int b = 0; b < shape.beaconsPerRequest(); b++) {
                        String id = String.format("hb-%06d-%02d", second, b);
                        ids.add(Ids.derivedEventId("beacon", liveId + "/" + session + "/" + id));
                        events.add(String.format(
                                "{\"type\": \"%s\", \"sessionId\": \"%s\", \"mode\": \"live\", \"positionMs\": %d,"
                                        + " \"id\": \"%s\"}",
                                second < EVERY_SECONDS && b == 0 ? "view_start" : "heartbeat",
                                session,
                                second * 1000L + b,
                                id));
                    }
                    String token = viewerTokens.get(v);
                    String body = "[" + String.join(",", events) + "]";
                    int first = v;
                    if (retried(
                                    "beacons",
                                    first,
                                    instance -> HttpRequest.newBuilder(URI.create(instance + "/v1/beacons"))
                                            .timeout(Duration.ofSeconds(10))
                                            .header("Authorization", "Bearer " + token)
                                            .POST(HttpRequest.BodyPublishers.ofString(body))
                                            .build())
                            != null) {
                        ackedBeacons.addAll(ids);
                    }
                }
            }
        } catch (Exception e) {
            out.println("the players stopped: " + e);
        }
    }

    /** Buyers: the ticket page's checkout, paid on Stripe's hosted page; one in refundEvery refunded at once. */
    private void buyTickets(String liveId) {
        long start = System.nanoTime();
        try {
            for (int n = 0; !stopping.get(); n++) {
                long due = start + (long) (n / shape.ticketsPerSecond() * 1e9);
                Thread.sleep(Math.max(0, (due - System.nanoTime()) / 1_000_000));
                String email = "buyer" + n + "@example.com";
                String session;
                try {
                    HttpResponse<String> checkout = DemoTraffic.checkout(http, apiUrl, liveId, email);
                    session = JSON.readTree(checkout.body()).get("sessionId").asText();
                    DemoTraffic.payOnHostedPage(http, checkout, email);
                    interruption("checkout").succeeded();
                } catch (Exception e) {
                    interruption("checkout").failed(e.toString());
                    continue; // not paid: no ticket (the comparison asks Stripe which sessions were paid)
                }
                tickets.add(session);
                if (n % shape.refundEvery() == shape.refundEvery() - 1) {
                    DemoTraffic.refund(stripe, session);
                    refunded.add(session);
                }
            }
        } catch (Exception e) {
            out.println("the buyers stopped: " + e);
        }
    }

    @FunctionalInterface
    private interface RequestTo {
        HttpRequest to(String instance);
    }

    private HttpResponse<String> retried(String kind, RequestTo request) throws InterruptedException {
        return retried(kind, 0, request);
    }

    /** Sends to instance {@code first}, then on every failure to the next one, until 2xx or {@link #GIVE_UP}. */
    private HttpResponse<String> retried(String kind, int first, RequestTo request) throws InterruptedException {
        long deadline = System.nanoTime() + GIVE_UP.toNanos();
        for (int attempt = 0; System.nanoTime() - deadline < 0; attempt++) {
            String instance = ingest.get((first + attempt) % ingest.size());
            try {
                HttpResponse<String> answer = http.send(request.to(instance), HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() / 100 == 2) {
                    interruption(kind).succeeded();
                    return answer;
                }
                if (answer.statusCode() / 100 == 4 && answer.statusCode() != 429 && answer.statusCode() != 409) {
                    out.printf("%s %s refused for good: %d %s%n", clock(), kind, answer.statusCode(), answer.body());
                    givenUp.incrementAndGet();
                    return null;
                }
                interruption(kind).failed(instance + " answered " + answer.statusCode());
            } catch (java.io.IOException e) {
                interruption(kind).failed(instance + ": " + e); // refused or reset: the instance is away
            }
            Thread.sleep(RETRY.toMillis());
        }
        givenUp.incrementAndGet();
        return null;
    }

    private Interruptions interruption(String kind) {
        return interruptions.computeIfAbsent(kind, k -> new Interruptions());
    }

    private String interruptionsNow() {
        StringBuilder s = new StringBuilder();
        interruptions.forEach((kind, i) -> {
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

    /** Failed attempts of one kind of client, and the longest time from a first failure to the next success. */
    private static final class Interruptions {
        private long failingSince = -1;
        private long longest;
        private int failures;
        private String lastReason;

        synchronized void failed(String reason) {
            failures++;
            lastReason = reason;
            if (failingSince < 0) {
                failingSince = System.nanoTime();
            }
        }

        synchronized void succeeded() {
            if (failingSince >= 0) {
                longest = Math.max(longest, (System.nanoTime() - failingSince) / 1_000_000);
                failingSince = -1;
            }
        }

        synchronized long longestMillis() {
            return failingSince < 0 ? longest : Math.max(longest, (System.nanoTime() - failingSince) / 1_000_000);
        }

        synchronized String lastReason() {
            return lastReason;
        }

        synchronized int failures() {
            return failures;
        }
    }

    // --- the comparison ----------------------------------------------------------------------------------------

    private boolean compare(String liveId, Map<Topic, Map<TopicPartition, Long>> marks, Duration wait)
            throws Exception {
        out.println(clock() + " comparing with the ground truth (waiting up to " + wait.toSeconds() + " s)...");
        // Stripe's record of what was paid, and its fees, is the ground truth for money.
        long price = DemoTraffic.TICKET_PRICE_MINOR;
        long fees = 0;
        List<String> paid = new ArrayList<>();
        for (String session : tickets) {
            Session checkout = stripe.checkout().sessions().retrieve(session);
            if ("paid".equals(checkout.getPaymentStatus())) {
                paid.add(session);
                fees += DemoTraffic.fee(stripe, checkout);
            }
        }
        long gross = paid.size() * price;
        long refunds = refunded.size() * price;
        String expected = money(gross, fees, refunds, gross - fees - refunds, paid.size(), refunded.size());
        Map<String, String> expectedVerdicts = new TreeMap<>();
        for (String session : paid) {
            expectedVerdicts.put(session, refunded.contains(session) ? "REVOKED" : "GRANTED");
        }

        Observed seen = new Observed();
        long started = System.nanoTime();
        try (TopicReader reader = new TopicReader(kafka);
                MinioClient s3Client = ObjectStore.client(s3)) {
            Await.until(
                            wait,
                            Duration.ofSeconds(2),
                            () -> {
                                seen.read(reader, liveId, marks);
                                return seen.revenue().equals(expected)
                                        && seen.verdicts.equals(expectedVerdicts)
                                        && seen.beacons.containsAll(ackedBeacons)
                                        && seen.segments.keySet().containsAll(ackedSegments.keySet())
                                        && seen.readyAt != null;
                            },
                            Boolean.TRUE::equals)
                    .met();
            boolean revenueOk = seen.revenue().equals(expected);
            out.printf(
                    "  revenue (gross fees refunds net sold refunded, EUR cents): pipeline %s, ground truth %s: %s%n",
                    seen.revenue(), expected, revenueOk ? "EQUAL to the cent" : "DIFFERENT");
            boolean entitlementsOk = seen.verdicts.equals(expectedVerdicts);
            long granted =
                    expectedVerdicts.values().stream().filter("GRANTED"::equals).count();
            out.printf(
                    "  entitlements: %d granted and %d revoked expected, %d verdicts seen: %s%n",
                    granted,
                    expectedVerdicts.size() - granted,
                    seen.verdicts.size(),
                    entitlementsOk ? "EQUAL" : "DIFFERENT " + difference(expectedVerdicts, seen.verdicts));
            Set<String> lostBeacons = new HashSet<>(ackedBeacons);
            lostBeacons.removeAll(seen.beacons);
            out.printf(
                    "  beacons: %d acknowledged with 202, %d on the topic (%d resent duplicates, deduplicated downstream):"
                            + " %d lost%n",
                    ackedBeacons.size(), seen.beacons.size(), seen.beaconDuplicates, lostBeacons.size());
            List<String> segmentProblems = segmentProblems(s3Client, seen);
            out.printf(
                    "  segments: %d acknowledged with 201, %d stored facts, every one in the object store with its size:"
                            + " %s%n",
                    ackedSegments.size(), seen.segments.size(), segmentProblems.isEmpty() ? "0 lost" : segmentProblems);
            out.printf(
                    "  replay: %s%n",
                    seen.readyAt == null
                            ? "NOT READY (statuses " + seen.replayStatuses + ")"
                            : "READY at " + seen.readyAt + " (" + seen.replayStatuses + ")");
            boolean ok = revenueOk
                    && entitlementsOk
                    && lostBeacons.isEmpty()
                    && segmentProblems.isEmpty()
                    && seen.readyAt != null
                    && givenUp.get() == 0;
            out.printf(
                    "%s ground truth %s (compared %.1f s after the load ended)%n",
                    clock(), ok ? "EQUAL" : "NOT EQUAL", (System.nanoTime() - started) / 1e9);
            return ok;
        }
    }

    private List<String> segmentProblems(MinioClient client, Observed seen) throws Exception {
        List<String> problems = new ArrayList<>();
        for (Map.Entry<Long, Long> acked : new TreeMap<>(ackedSegments).entrySet()) {
            SegmentStored fact = seen.segments.get(acked.getKey());
            if (fact == null) {
                problems.add("segment " + acked.getKey() + " has no stored fact");
                continue;
            }
            StatObjectResponse stat = client.statObject(StatObjectArgs.builder()
                    .bucket(Bucket.SEGMENTS.bucketName())
                    .object(fact.getObjectKey())
                    .build());
            if (stat.size() != acked.getValue() || fact.getByteSize() != acked.getValue()) {
                problems.add("segment " + acked.getKey() + ": " + stat.size() + " bytes stored, " + acked.getValue()
                        + " pushed");
            }
        }
        return problems;
    }

    private static String difference(Map<String, String> expected, Map<String, String> seen) {
        Map<String, String> diff = new TreeMap<>();
        expected.forEach((k, v) -> {
            if (!v.equals(seen.get(k))) {
                diff.put(k, v + " expected, " + seen.get(k) + " seen");
            }
        });
        seen.keySet().stream().filter(k -> !expected.containsKey(k)).forEach(k -> diff.put(k, "unexpected"));
        return diff.toString();
    }

    private static String money(long gross, long fees, long refunds, long net, long sold, long refundedCount) {
        return gross + " " + fees + " " + refunds + " " + net + " " + sold + " " + refundedCount;
    }

    /** What the deployment made of the load, read from its topics since the load began. */
    private static final class Observed {
        private final EventCodec<Beacon> beaconCodec = EventCodec.of(Beacon.class);
        private final EventCodec<SegmentStored> segmentCodec = EventCodec.of(SegmentStored.class);
        private final EventCodec<RevenueMetric> revenueCodec = EventCodec.of(RevenueMetric.class);
        private final EventCodec<Entitlement> entitlementCodec = EventCodec.of(Entitlement.class);
        private final EventCodec<ReplayStatus> replayCodec = EventCodec.of(ReplayStatus.class);
        private final Map<Topic, Map<TopicPartition, Long>> next = new HashMap<>();
        final Set<String> beacons = new HashSet<>();
        int beaconDuplicates;
        final Map<Long, SegmentStored> segments = new HashMap<>();
        RevenueMetric total;
        final Map<String, String> verdicts = new TreeMap<>();
        final List<String> replayStatuses = new ArrayList<>();
        Instant readyAt;

        String revenue() {
            return total == null
                    ? "none"
                    : money(
                            total.getGrossMinor(),
                            total.getFeesMinor(),
                            total.getRefundsMinor(),
                            total.getNetMinor(),
                            total.getTicketsSold(),
                            total.getTicketsRefunded());
        }

        /** Reads what arrived since the last call (the first from the marks). */
        void read(TopicReader reader, String liveId, Map<Topic, Map<TopicPartition, Long>> marks) {
            for (Topic topic : marks.keySet()) {
                Map<TopicPartition, Long> from = next.computeIfAbsent(topic, t -> new HashMap<>(marks.get(t)));
                for (ConsumerRecord<String, byte[]> record : reader.readFrom(topic, from, READ_TIMEOUT)) {
                    from.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
                    handle(topic, record, liveId);
                }
            }
        }

        private void handle(Topic topic, ConsumerRecord<String, byte[]> record, String liveId) {
            switch (topic) {
                case BEACONS -> {
                    Beacon beacon = beaconCodec.decode(record.value());
                    if (beacon.getLiveId().equals(liveId) && !beacons.add(beacon.getEventId())) {
                        beaconDuplicates++;
                    }
                }
                case SEGMENTS -> {
                    SegmentStored segment = segmentCodec.decode(record.value());
                    if (segment.getLiveId().equals(liveId) && segment.getType() == SegmentEventType.STORED) {
                        segments.put(segment.getSequence(), segment);
                    }
                }
                case REVENUE_METRICS -> {
                    RevenueMetric metric = revenueCodec.decode(record.value());
                    if (metric.getLiveId().equals(liveId)
                            && metric.getType() == RevenueMetricType.TOTAL
                            && metric.getTier() == null) {
                        total = metric;
                    }
                }
                case ENTITLEMENTS -> {
                    Entitlement entitlement = entitlementCodec.decode(record.value());
                    if (entitlement.getLiveId().equals(liveId)) {
                        verdicts.put(
                                entitlement.getTicketId(), entitlement.getType().name());
                    }
                }
                case REPLAYS -> {
                    ReplayStatus status = replayCodec.decode(record.value());
                    if (status.getLiveId().equals(liveId)) {
                        String type = status.getType().name();
                        if (replayStatuses.isEmpty()
                                || !replayStatuses
                                        .get(replayStatuses.size() - 1)
                                        .equals(type)) {
                            replayStatuses.add(type);
                        }
                        if (status.getType() == ReplayEventType.READY && readyAt == null) {
                            readyAt = Instant.ofEpochMilli(record.timestamp()).truncatedTo(ChronoUnit.MILLIS);
                        }
                    }
                }
                default -> {}
            }
        }
    }

    private static String clock() {
        return LocalTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
