package io.stagepass.launcher;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.jobs.media.GeneratedLive;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.events.kafka.EventPublisher;
import io.stagepass.events.kafka.TopicReader;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.activity.TopicActivityJob;
import io.minio.MinioClient;
import io.stagepass.events.s3.ObjectStore;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo's scripted scenario against a running stack: a creator schedules a live and streams it through
 * ingest with an encoder built on the FFmpeg libraries, viewers report through ingest's beacon endpoint, tickets
 * are bought and one is refunded. Then it checks that every event arrived on its topic (segments in the object
 * store, a start and an end from ingest) and that the pipeline counted them.
 */
final class DemoScenario {
    /** Long enough for a 10 s activity window to close and a checkpoint to commit it. */
    static final Duration PIPELINE_WAIT = Duration.ofSeconds(90);
    /** Length of the demo's generated live. */
    static final int LIVE_SECONDS = 20;
    private static final Duration KEY_WAIT = Duration.ofSeconds(15);
    /** Ingest delivers segments in the background; their facts follow within moments. */
    private static final Duration INGEST_WAIT = Duration.ofSeconds(30);

    /** The demo is short: the lake publishes a partition-hour after 3 quiet seconds instead of minutes. */
    static final Map<String, String> STACK_DEFAULTS = Map.of(
            PipelineConfig.LAKE_CLOSE_AFTER, "3s", PipelineConfig.LAKE_CHECKPOINT_INTERVAL, "2s");
    private static final int VIEWERS = 4;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Stack stack;
    private final PrintStream out;
    private String liveId;
    private long viewersStartedAt;

    DemoScenario(Stack stack, PrintStream out) {
        this.stack = stack;
        this.out = out;
    }

    /** Runs the scenario; returns true when every event arrived and was counted by the pipeline. */
    boolean run() throws Exception {
        Map<Topic, Map<TopicPartition, Long>> before = new EnumMap<>(Topic.class);
        Map<Topic, Map<TopicPartition, Long>> activityStart = new EnumMap<>(Topic.class);
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            for (Topic topic : Topic.values()) {
                before.put(topic, reader.endOffsets(topic));
            }
        }
        activityStart.put(Topic.TOPIC_ACTIVITY, before.get(Topic.TOPIC_ACTIVITY));
        Map<Topic, Integer> sent = produce();

        out.println("Reading every topic back (read_committed):");
        boolean allArrived = true;
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            for (Map.Entry<Topic, Integer> entry : sent.entrySet()) {
                Topic topic = entry.getKey();
                List<ConsumerRecord<String, byte[]>> records = awaitRecords(reader, topic, before.get(topic), entry.getValue());
                EventCodec<?> codec = EventCodec.of(topic.valueType());
                records.forEach(record -> codec.decode(record.value()));
                boolean ok = records.size() == entry.getValue();
                allArrived &= ok;
                out.printf("  %-32s sent %3d  read back %3d  %s%n", topic.topicName(), entry.getValue(), records.size(), ok ? "ok" : "MISSING");
            }
        }
        boolean counted = awaitActivity(sent, before.get(Topic.TOPIC_ACTIVITY));
        boolean money = awaitRevenueAndEntitlements();
        boolean audience = awaitAudience();
        return allArrived & counted & money & audience & awaitLake(sent);
    }

    private Map<Topic, Integer> produce() throws Exception {
        Map<Topic, Integer> sent = new EnumMap<>(Topic.class);
        try (EventPublisher publisher = new EventPublisher(stack.kafka(), "stagepass-demo")) {
            LiveScheduler.Scheduled live = LiveScheduler.schedule(publisher, null, "Ada's Yoga", "Sunrise flow", "standard",
                    SampleEvents.TICKET_PRICE_MINOR, SampleEvents.CURRENCY);
            sent.put(Topic.CREATORS, 1);
            out.println("Demo live " + live.liveId() + " by " + live.creatorId() + " (scheduled, stream key issued)");
            String ingest = "http://127.0.0.1:" + stack.ingestPort();
            awaitKeyKnown(ingest, live.streamKey());

            int beacons = startViewers(ingest, live.liveId());
            long start = System.nanoTime();
            GeneratedLive.pushHls(ingest + "/live/" + live.streamKey() + "/index.m3u8",
                    GeneratedLive.Spec.demo(Duration.ofSeconds(LIVE_SECONDS)));
            out.printf("  pushed %d s of generated video through ingest as HLS (FFmpeg libraries: H.264 + AAC, 2 s segments) in %.1f s%n",
                    LIVE_SECONDS, (System.nanoTime() - start) / 1e9);
            sent.put(Topic.SEGMENTS, LIVE_SECONDS / 2);
            sent.put(Topic.LIVES, 3); // scheduled by the demo, started and ended by ingest


            // Stripe's API cannot be reached from here, so the demo writes the payment facts ingest derives from
            // Stripe's webhooks (docs/ingest.md shows the webhook itself).
            List<CompletableFuture<?>> acks = new ArrayList<>();
            List<String> tickets = List.of(Ids.newId("cs"), Ids.newId("cs"), Ids.newId("cs"));
            for (String ticket : tickets) {
                acks.add(publisher.publish(Topic.PAYMENTS, live.liveId(), SampleEvents.payment(live.liveId(), ticket).build()));
            }
            acks.add(publisher.publish(Topic.PAYMENTS, live.liveId(), SampleEvents.payment(live.liveId(), tickets.get(0))
                    .setType(PaymentEventType.CHARGE_REFUNDED).setFullyRefunded(true).setFeeMinor(null).setNetMinor(null)
                    .setRefundedTotalMinor(SampleEvents.TICKET_PRICE_MINOR).build()));
            liveId = live.liveId();
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            sent.put(Topic.PAYMENTS, 4);
            out.printf("  3 tickets sold at %d EUR cents, the first refunded (payment facts as ingest writes them from Stripe)%n",
                    SampleEvents.TICKET_PRICE_MINOR);
            sent.put(Topic.BEACONS, beacons + stopViewers(ingest, live.liveId()));
            out.printf("  %d viewers through ingest's beacon endpoint: page view and start before the stream, heartbeat and end after it%n",
                    VIEWERS);
        }
        return sent;
    }

    /** Ingest learns new stream keys from the catalog within moments; a DELETE answers 204 once it knows one. */
    private static void awaitKeyKnown(String ingest, String streamKey) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + KEY_WAIT.toNanos();
        while (http.send(HttpRequest.newBuilder(URI.create(ingest + "/live/" + streamKey + "/index0.ts")).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() != 204) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ingest did not learn the new stream key within " + KEY_WAIT.toSeconds() + " s");
            }
            Thread.sleep(100);
        }
    }

    /** Sends the viewers' beacons through ingest; returns how many events were accepted. */
    /** Four viewers open the page and start watching; {@link #stopViewers} ends their sessions. */
    private int startViewers(String ingest, String liveId) throws Exception {
        int events = 0;
        for (int viewer = 0; viewer < VIEWERS; viewer++) {
            String session = "demo-session-" + viewer;
            events += beacons(ingest, token(liveId, null), List.of(beacon("page_view", session, "page", 0)));
            events += beacons(ingest, token(liveId, "cs_demo_" + viewer), List.of(beacon("view_start", session, "live", 0)));
        }
        viewersStartedAt = System.currentTimeMillis();
        return events;
    }

    private int stopViewers(String ingest, String liveId) throws Exception {
        // Concurrency is sampled every 10 s of event time: watch across a sample so the demo's viewers are seen.
        long sampled = (viewersStartedAt / 10_000 + 1) * 10_000 + 200;
        Thread.sleep(Math.max(0, sampled - System.currentTimeMillis()));
        int events = 0;
        for (int viewer = 0; viewer < VIEWERS; viewer++) {
            String session = "demo-session-" + viewer;
            events += beacons(ingest, token(liveId, "cs_demo_" + viewer), List.of(
                    beacon("heartbeat", session, "live", 10_000), beacon("view_end", session, "live", 15_000)));
        }
        return events;
    }

    private String token(String liveId, String ticketId) {
        PlaybackTokens tokens = new PlaybackTokens(stack.config().serviceEnv()
                .string(PlaybackTokens.SECRET_VARIABLE, PlaybackTokens.EMBEDDED_SECRET));
        return tokens.issue(liveId, ticketId, Instant.now().plusSeconds(3600));
    }

    private static String beacon(String type, String session, String mode, long positionMs) {
        return String.format("{\"type\": \"%s\", \"sessionId\": \"%s\", \"mode\": \"%s\", \"positionMs\": %d}", type, session, mode, positionMs);
    }

    private static int beacons(String ingest, String token, List<String> events) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(ingest + "/v1/beacons"))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", events) + "]")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException("ingest refused the demo's beacons: " + response.statusCode() + " " + response.body());
        }
        return events.size();
    }

    /** Reads a topic until it holds the expected number of new records, or the wait is over. */
    private static List<ConsumerRecord<String, byte[]>> awaitRecords(TopicReader reader, Topic topic,
                                                                     Map<TopicPartition, Long> start, int expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + INGEST_WAIT.toNanos();
        List<ConsumerRecord<String, byte[]>> records = reader.readFrom(topic, start, Duration.ofSeconds(30));
        while (records.size() < expected && System.nanoTime() < deadline) {
            Thread.sleep(250);
            records = reader.readFrom(topic, start, Duration.ofSeconds(30));
        }
        return records;
    }

    /**
     * Waits for the revenue job's running total of the demo live (3 sales at 15.00 EUR with a 0.47 fee each, one
     * refunded in full) and the entitlements job's verdicts (two tickets granted, the refunded one revoked).
     */
    private boolean awaitRevenueAndEntitlements() throws InterruptedException {
        long price = SampleEvents.TICKET_PRICE_MINOR;
        long fee = SampleEvents.payment("x", "x").build().getFeeMinor();
        long expectedNet = 3 * price - 3 * fee - price;
        EventCodec<io.stagepass.events.RevenueMetric> revenue = EventCodec.of(io.stagepass.events.RevenueMetric.class);
        EventCodec<io.stagepass.events.Entitlement> entitlements = EventCodec.of(io.stagepass.events.Entitlement.class);
        long deadline = System.nanoTime() + PIPELINE_WAIT.toNanos();
        io.stagepass.events.RevenueMetric total = null;
        Map<String, String> verdicts = new java.util.TreeMap<>();
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.REVENUE_METRICS, Map.of(), Duration.ofSeconds(10))) {
                    if (record.key().equals(liveId + "/" + SampleEvents.CURRENCY)) {
                        total = revenue.decode(record.value());
                    }
                }
                for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.ENTITLEMENTS, Map.of(), Duration.ofSeconds(10))) {
                    if (record.key().startsWith(liveId + "/")) {
                        verdicts.put(record.key(), entitlements.decode(record.value()).getType().name());
                    }
                }
                long granted = verdicts.values().stream().filter("GRANTED"::equals).count();
                if (total != null && total.getNetMinor() == expectedNet && granted == 2 && verdicts.size() == 3) {
                    out.printf("Revenue (pipeline, exactly once): gross %d, fees %d, refunds %d, net %d EUR cents; %d sold, %d refunded%n",
                            total.getGrossMinor(), total.getFeesMinor(), total.getRefundsMinor(), total.getNetMinor(),
                            total.getTicketsSold(), total.getTicketsRefunded());
                    out.println("Entitlements (pipeline): 2 tickets granted, the refunded one revoked");
                    return true;
                }
                Thread.sleep(1000);
            }
        }
        out.println("  the pipeline's revenue and entitlements did not arrive within " + PIPELINE_WAIT.toSeconds()
                + " s; revenue: " + total + ", entitlements: " + verdicts);
        return false;
    }

    /** Waits until the topic-activity job has counted at least what was sent to each topic. */
    private boolean awaitActivity(Map<Topic, Integer> sent, Map<TopicPartition, Long> start) throws InterruptedException {
        out.printf("Waiting for the pipeline's topic-activity counts (%d s windows, committed on checkpoint)...%n",
                TopicActivityJob.WINDOW.toSeconds());
        EventCodec<TopicActivity> codec = EventCodec.of(TopicActivity.class);
        long deadline = System.nanoTime() + PIPELINE_WAIT.toNanos();
        Map<String, Long> counted = Map.of();
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            while (System.nanoTime() < deadline) {
                Map<String, Long> totals = new java.util.TreeMap<>();
                for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.TOPIC_ACTIVITY, start, Duration.ofSeconds(10))) {
                    TopicActivity activity = codec.decode(record.value());
                    totals.merge(activity.getTopicName(), activity.getRecords(), Long::sum);
                }
                counted = totals;
                if (sent.entrySet().stream().allMatch(e -> totals.getOrDefault(e.getKey().topicName(), 0L) >= e.getValue())) {
                    counted.forEach((topic, records) -> out.printf("  %-32s %3d records counted%n", topic, records));
                    return true;
                }
                Thread.sleep(1000);
            }
        }
        out.println("  the pipeline did not count every event within " + PIPELINE_WAIT.toSeconds() + " s; counted: " + counted);
        return false;
    }

    /** Waits until the lake holds every event of the demo's live, as DuckDB reads the published Parquet files. */
    private boolean awaitLake(Map<Topic, Integer> sent) throws Exception {
        out.println("Waiting for the lake (Parquet in the object store, published when a partition-hour goes quiet)...");
        Path local = stack.config().dataDir().resolve("lake");
        long deadline = System.nanoTime() + PIPELINE_WAIT.toNanos();
        Map<String, Long> found = Map.of();
        try (MinioClient client = ObjectStore.client(stack.s3())) {
            while (System.nanoTime() < deadline) {
                LakeCommand.sync(client, local);
                found = lakeCounts(local);
                boolean complete = true;
                for (Topic topic : List.of(Topic.LIVES, Topic.SEGMENTS, Topic.BEACONS, Topic.PAYMENTS)) {
                    complete &= found.getOrDefault(LakeCommand.viewName(topic), 0L) >= sent.get(topic);
                }
                if (complete) {
                    out.println("  DuckDB on the lake, this live's events per topic (stagepass lake \"select ...\"):");
                    found.forEach((view, rows) -> out.printf("  %-32s %3d%n", view, rows));
                    return true;
                }
                Thread.sleep(1000);
            }
        }
        out.println("  the lake did not hold every event of the live within " + PIPELINE_WAIT.toSeconds() + " s; found: " + found);
        return false;
    }

    private Map<String, Long> lakeCounts(Path local) throws Exception {
        Map<String, Long> counts = new java.util.TreeMap<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement sql = duck.createStatement()) {
            for (String view : LakeCommand.defineViews(sql, local)) {
                // a statement of DuckDB's driver is closed by a failed query, so one per query
                try (Statement query = duck.createStatement();
                     ResultSet rows = query.executeQuery("select count(*) from " + view + " where liveId = '" + liveId + "'")) {
                    rows.next();
                    counts.put(view, rows.getLong(1));
                } catch (SQLException e) {
                    if (!e.getMessage().contains("liveId")) {
                        throw e;
                    } // else a topic without a liveId column (creators, dead letters, topic activity)
                }
            }
        }
        return counts;
    }

    /**
     * Waits for the audience job's totals of the live: they are emitted when event time passes a 10 s boundary, which,
     * once the beacons stop, happens when the quiet partitions follow the clock (30 s).
     */
    private boolean awaitAudience() throws InterruptedException {
        out.println("Waiting for the audience metrics (event time: the last ones close 30 s after the last beacon)...");
        EventCodec<AudienceMetric> codec = EventCodec.of(AudienceMetric.class);
        long deadline = System.nanoTime() + PIPELINE_WAIT.toNanos();
        AudienceMetric live = null;
        AudienceMetric page = null;
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.AUDIENCE_METRICS, Map.of(), Duration.ofSeconds(10))) {
                    if (record.key().equals(liveId + "/LIVE/TOTAL")) {
                        live = codec.decode(record.value());
                    } else if (record.key().equals(liveId + "/PAGE/TOTAL")) {
                        page = codec.decode(record.value());
                    }
                }
                if (live != null && page != null && live.getViews() == VIEWERS && live.getUniqueViewers() == VIEWERS
                        && live.getPeakConcurrentViewers() == VIEWERS && page.getPageVisitors() == VIEWERS && page.getBuyers() == 3) {
                    out.printf("Audience (pipeline, event time): peak %d concurrent viewers at %s; %d views by %d ticket holders, "
                                    + "watch time %.1f s (average %.1f s); %d page visitors, %d buyers%n",
                            live.getPeakConcurrentViewers(), live.getPeakAt(), live.getViews(), live.getUniqueViewers(),
                            live.getWatchTimeMillis() / 1000.0, live.getAverageWatchTimeMillis() / 1000.0,
                            page.getPageVisitors(), page.getBuyers());
                    return true;
                }
                Thread.sleep(1000);
            }
        }
        out.println("  the audience metrics did not arrive within " + PIPELINE_WAIT.toSeconds() + " s; live: " + live + ", page: " + page);
        return false;
    }
}
