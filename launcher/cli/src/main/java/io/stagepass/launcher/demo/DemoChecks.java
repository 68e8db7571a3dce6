package io.stagepass.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import io.stagepass.events.AudienceMetric;
import io.stagepass.events.Entitlement;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.Topic;
import io.stagepass.events.TopicActivity;
import io.stagepass.launcher.lake.Lake;
import io.stagepass.pipeline.activity.TopicActivityJob;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.creators.Catalog;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * What the demo checks after its traffic, each against an independent count of what it sent: every event is on its
 * topic, and the pipeline counted it, computed the live's revenue, entitlements and audience, and put it in the lake.
 * Each check prints what it found and answers whether it is what was expected.
 */
final class DemoChecks {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The pipeline's revenue total of the demo live, once it arrived: the dashboard must show the same. */
    private RevenueMetric pipelineRevenue;

    /** Long enough for a 10 s activity window to close and a checkpoint to commit it. */
    static final Duration PIPELINE_WAIT = Duration.ofSeconds(90);
    /** Ingest delivers segments in the background; their facts follow within moments. */
    private static final Duration INGEST_WAIT = Duration.ofSeconds(30);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration POLL = Duration.ofSeconds(1);
    private static final Pattern PARTITION_HOUR = Pattern.compile("date=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/");

    private final KafkaSettings kafka;
    private final S3Settings s3;
    private final Path lakeCopy;
    private final Duration lakeWait;
    private final PrintStream out;

    DemoChecks(KafkaSettings kafka, S3Settings s3, Path lakeCopy, Duration lakeWait, PrintStream out) {
        this.kafka = kafka;
        this.s3 = s3;
        this.lakeCopy = lakeCopy;
        this.lakeWait = lakeWait;
        this.out = out;
    }

    /** Where every topic ends now: the traffic's events are what comes after. */
    Map<Topic, Map<TopicPartition, Long>> marks() {
        Map<Topic, Map<TopicPartition, Long>> marks = new EnumMap<>(Topic.class);
        try (TopicReader reader = new TopicReader(kafka)) {
            for (Topic topic : Topic.values()) {
                marks.put(topic, reader.endOffsets(topic));
            }
        }
        return marks;
    }

    /** Every event sent is on its topic, once, and decodes. */
    boolean everyEventArrived(DemoTraffic.Sent sent, Map<Topic, Map<TopicPartition, Long>> marks) throws Exception {
        out.println("Reading every topic back (read_committed):");
        boolean all = true;
        try (TopicReader reader = new TopicReader(kafka)) {
            for (Map.Entry<Topic, Integer> entry : sent.counts().entrySet()) {
                Topic topic = entry.getKey();
                List<ConsumerRecord<String, byte[]>> records = Await.until(
                                INGEST_WAIT,
                                Duration.ofMillis(250),
                                () -> reader.readFrom(topic, marks.get(topic), READ_TIMEOUT),
                                read -> read.size() >= entry.getValue())
                        .value();
                EventCodec<?> codec = EventCodec.of(topic.valueType());
                records.forEach(record -> codec.decode(record.value()));
                boolean ok = records.size() == entry.getValue();
                all &= ok;
                out.printf(
                        "  %-32s sent %3d  read back %3d  %s%n",
                        topic.topicName(), entry.getValue(), records.size(), ok ? "ok" : "MISSING");
            }
        }
        return all;
    }

    /** The topic-activity job counted at least what was sent to each topic. */
    boolean pipelineCountedEverything(DemoTraffic.Sent sent, Map<TopicPartition, Long> activityMark) throws Exception {
        out.printf(
                "Waiting for the pipeline's topic-activity counts (%d s windows, committed on checkpoint)...%n",
                TopicActivityJob.WINDOW.toSeconds());
        EventCodec<TopicActivity> codec = EventCodec.of(TopicActivity.class);
        Map<String, Long> counted;
        try (TopicReader reader = new TopicReader(kafka)) {
            counted = Await.until(
                            PIPELINE_WAIT,
                            POLL,
                            () -> {
                                Map<String, Long> totals = new TreeMap<>();
                                for (ConsumerRecord<String, byte[]> record :
                                        reader.readFrom(Topic.TOPIC_ACTIVITY, activityMark, READ_TIMEOUT)) {
                                    TopicActivity activity = codec.decode(record.value());
                                    totals.merge(activity.getTopicName(), activity.getRecords(), Long::sum);
                                }
                                return totals;
                            },
                            totals -> covers(totals, sent))
                    .value();
        }
        if (!covers(counted, sent)) {
            out.println("  the pipeline did not count every event within " + PIPELINE_WAIT.toSeconds() + " s; counted: "
                    + counted);
            return false;
        }
        counted.forEach((topic, records) -> out.printf("  %-32s %3d records counted%n", topic, records));
        return true;
    }

    private static boolean covers(Map<String, Long> counted, DemoTraffic.Sent sent) {
        return sent.counts().entrySet().stream()
                .allMatch(e -> counted.getOrDefault(e.getKey().topicName(), 0L) >= e.getValue());
    }

    /**
     * The revenue job's running total of the live (every ticket sold at the price less Stripe's fee, one refunded in
     * full) and the entitlements job's verdicts (every ticket granted but the refunded one, revoked).
     */
    boolean revenueAndEntitlements(DemoTraffic.Sent sent) throws Exception {
        long price = DemoTraffic.TICKET_PRICE_MINOR;
        long expectedNet = DemoTraffic.TICKETS * price - sent.feesMinor() - price;
        EventCodec<RevenueMetric> revenue = EventCodec.of(RevenueMetric.class);
        EventCodec<Entitlement> entitlements = EventCodec.of(Entitlement.class);
        RevenueMetric[] total = new RevenueMetric[1];
        Map<String, String> verdicts = new TreeMap<>();
        try (TopicReader reader = new TopicReader(kafka)) {
            Await.until(
                            PIPELINE_WAIT,
                            POLL,
                            () -> {
                                for (ConsumerRecord<String, byte[]> record :
                                        reader.readFrom(Topic.REVENUE_METRICS, Map.of(), READ_TIMEOUT)) {
                                    if (record.key().equals(sent.liveId() + "/" + DemoTraffic.CURRENCY)) {
                                        total[0] = revenue.decode(record.value());
                                    }
                                }
                                for (ConsumerRecord<String, byte[]> record :
                                        reader.readFrom(Topic.ENTITLEMENTS, Map.of(), READ_TIMEOUT)) {
                                    if (record.key().startsWith(sent.liveId() + "/")) {
                                        verdicts.put(
                                                record.key(),
                                                entitlements
                                                        .decode(record.value())
                                                        .getType()
                                                        .name());
                                    }
                                }
                                return total[0] != null
                                        && total[0].getNetMinor() == expectedNet
                                        && verdicts.size() == DemoTraffic.TICKETS
                                        && verdicts.values().stream()
                                                        .filter("GRANTED"::equals)
                                                        .count()
                                                == DemoTraffic.TICKETS - 1;
                            },
                            Boolean.TRUE::equals)
                    .met();
        }
        RevenueMetric t = total[0];
        boolean ok = t != null
                && t.getNetMinor() == expectedNet
                && verdicts.size() == DemoTraffic.TICKETS
                && verdicts.values().stream().filter("GRANTED"::equals).count() == DemoTraffic.TICKETS - 1;
        if (!ok) {
            out.println("  the pipeline's revenue and entitlements did not arrive within " + PIPELINE_WAIT.toSeconds()
                    + " s; revenue: " + t + ", entitlements: " + verdicts);
            return false;
        }
        out.printf(
                "Revenue (pipeline, exactly once): gross %d, fees %d, refunds %d, net %d %s cents; %d sold, %d refunded%n",
                t.getGrossMinor(),
                t.getFeesMinor(),
                t.getRefundsMinor(),
                t.getNetMinor(),
                DemoTraffic.CURRENCY,
                t.getTicketsSold(),
                t.getTicketsRefunded());
        out.printf("Entitlements (pipeline): %d tickets granted, the refunded one revoked%n", DemoTraffic.TICKETS - 1);
        pipelineRevenue = t;
        return true;
    }

    /**
     * The audience job's totals of the live: emitted when event time passes a 10 s boundary, which, once the beacons
     * stop, happens when the quiet partitions follow the clock (30 s).
     */
    boolean audience(DemoTraffic.Sent sent) throws Exception {
        out.println("Waiting for the audience metrics (event time: the last ones close 30 s after the last beacon)...");
        EventCodec<AudienceMetric> codec = EventCodec.of(AudienceMetric.class);
        AudienceMetric[] found = new AudienceMetric[2]; // live, page
        try (TopicReader reader = new TopicReader(kafka)) {
            Await.until(
                            PIPELINE_WAIT,
                            POLL,
                            () -> {
                                for (ConsumerRecord<String, byte[]> record :
                                        reader.readFrom(Topic.AUDIENCE_METRICS, Map.of(), READ_TIMEOUT)) {
                                    if (record.key().equals(sent.liveId() + "/LIVE/TOTAL")) {
                                        found[0] = codec.decode(record.value());
                                    } else if (record.key().equals(sent.liveId() + "/PAGE/TOTAL")) {
                                        found[1] = codec.decode(record.value());
                                    }
                                }
                                return expectedAudience(found[0], found[1]);
                            },
                            Boolean.TRUE::equals)
                    .met();
        }
        AudienceMetric live = found[0];
        AudienceMetric page = found[1];
        if (!expectedAudience(live, page)) {
            out.println("  the audience metrics did not arrive within " + PIPELINE_WAIT.toSeconds() + " s; live: "
                    + live + ", page: " + page);
            return false;
        }
        out.printf(
                "Audience (pipeline, event time): peak %d concurrent viewers at %s; %d views by %d ticket holders, "
                        + "watch time %.1f s (average %.1f s); %d page visitors, %d buyers%n",
                live.getPeakConcurrentViewers(),
                live.getPeakAt(),
                live.getViews(),
                live.getUniqueViewers(),
                live.getWatchTimeMillis() / 1000.0,
                live.getAverageWatchTimeMillis() / 1000.0,
                page.getPageVisitors(),
                page.getBuyers());
        return true;
    }

    private static boolean expectedAudience(AudienceMetric live, AudienceMetric page) {
        long viewers = DemoTraffic.VIEWERS;
        return live != null
                && page != null
                && live.getViews() == viewers
                && live.getUniqueViewers() == viewers
                && live.getPeakConcurrentViewers() == viewers
                && page.getPageVisitors() == viewers
                && page.getBuyers() == DemoTraffic.TICKETS;
    }

    /**
     * The jobs worker packaged the live into its replay once it ended: the statuses it published on the way (the
     * progress a creator's dashboard shows) and the READY package.
     */
    boolean replay(DemoTraffic.Sent sent) throws Exception {
        out.println("Waiting for the replay (the jobs worker packages the live when it ends)...");
        EventCodec<ReplayStatus> codec = EventCodec.of(ReplayStatus.class);
        EventCodec<Live> lives = EventCodec.of(Live.class);
        List<ReplayStatus> statuses;
        Instant ended;
        try (TopicReader reader = new TopicReader(kafka)) {
            statuses = Await.until(
                            PIPELINE_WAIT,
                            Duration.ofMillis(250),
                            () -> reader.readFrom(Topic.REPLAYS, Map.of(), READ_TIMEOUT).stream()
                                    .filter(r -> sent.liveId().equals(r.key()))
                                    .map(r -> codec.decode(r.value()))
                                    .toList(),
                            DemoChecks::finished)
                    .value();
            ended = reader.readFrom(Topic.LIVES, Map.of(), READ_TIMEOUT).stream()
                    .filter(r -> sent.liveId().equals(r.key()))
                    .map(r -> lives.decode(r.value()))
                    .filter(l -> l.getType() == LiveEventType.ENDED)
                    .map(Live::getOccurredAt)
                    .findFirst()
                    .orElse(null);
        }
        if (!finished(statuses)) {
            out.println(
                    "  the replay was not packaged within " + PIPELINE_WAIT.toSeconds() + " s; statuses: " + statuses);
            return false;
        }
        ReplayStatus last = statuses.stream()
                .filter(s -> s.getType() == ReplayEventType.READY || s.getType() == ReplayEventType.FAILED)
                .findFirst()
                .orElseThrow();
        StringBuilder path = new StringBuilder("  ");
        String stage = null;
        for (ReplayStatus status : statuses) {
            if (status.getType() == ReplayEventType.PACKAGING) {
                path.append("PACKAGING v").append(status.getVersion());
            } else if (status.getType() == ReplayEventType.PROGRESS
                    && !status.getStage().equals(stage)) {
                path.append(" -> ")
                        .append(status.getStage())
                        .append(' ')
                        .append(status.getProgressPercent())
                        .append('%');
                stage = status.getStage();
            }
            if (status == last) {
                break;
            }
        }
        path.append(" -> ").append(last.getType());
        if (ended != null) {
            path.append(String.format(
                    " %.1f s after the live ended",
                    Duration.between(ended, last.getOccurredAt()).toMillis() / 1000.0));
        }
        out.println(path);
        if (last.getType() != ReplayEventType.READY) {
            out.println("  the replay FAILED: " + last.getError());
            return false;
        }
        out.printf(
                "  replay v%d: %.1f s, %.1f MB in %d objects under replays/%s (master playlist, MP4 download, poster, "
                        + "%d thumbnail sprite%s); %s, %dx%d%n",
                last.getVersion(),
                last.getDurationMillis() / 1000.0,
                last.getSizeBytes() / 1e6,
                last.getObjects().size(),
                last.getLiveId() + "/v" + last.getVersion() + "/",
                last.getSpriteKeys().size(),
                last.getSpriteKeys().size() == 1 ? "" : "s",
                last.getRenditions().get(0).getCodecs(),
                last.getRenditions().get(0).getWidth(),
                last.getRenditions().get(0).getHeight());
        return true;
    }

    /**
     * What the buyers see: the ticket page each was sent back to gives the holder a watch link (the replay API made it
     * from the webhook's ticket), and the refunded ticket none. The holder's master playlist answers 200, the refunded
     * ticket's 403. Prints the pages to open in a browser.
     */
    boolean playback(DemoTraffic.Sent sent, String apiUrl, PlaybackTokens tokens) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String holder = sent.tickets().get(1);
        String refunded = sent.tickets().get(0);
        String ticketRoute = apiUrl + "/v1/lives/" + sent.liveId() + "/tickets/";
        JsonNode holderTicket = Await.until(
                        PIPELINE_WAIT,
                        Duration.ofMillis(250),
                        () -> JSON.readTree(http.send(
                                        HttpRequest.newBuilder(URI.create(ticketRoute + holder))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofString())
                                .body()),
                        ticket -> "granted".equals(ticket.path("status").asText()))
                .value();
        JsonNode refundedTicket = JSON.readTree(http.send(
                        HttpRequest.newBuilder(URI.create(ticketRoute + refunded))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body());
        String watch = holderTicket.path("watchUrl").asText();
        String holderToken = URLDecoder.decode(watch.substring(watch.indexOf("token=") + 6), StandardCharsets.UTF_8);
        String refundedToken =
                tokens.issue(sent.liveId(), refunded, Instant.now().plus(Duration.ofDays(1)));
        String master = apiUrl + "/v1/lives/" + sent.liveId() + "/master.m3u8?token=";
        int granted = Await.until(
                        PIPELINE_WAIT,
                        Duration.ofMillis(250),
                        () -> http.send(
                                        HttpRequest.newBuilder(URI.create(master
                                                        + URLEncoder.encode(holderToken, StandardCharsets.UTF_8)))
                                                .build(),
                                        HttpResponse.BodyHandlers.discarding())
                                .statusCode(),
                        status -> status == 200)
                .value();
        int refusedStatus = http.send(
                        HttpRequest.newBuilder(URI.create(master + refundedToken))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
        out.printf(
                "Tickets (replay API): the holder's ticket page has a watch link, the refunded one says %s; master playlist %d and %d%n",
                refundedTicket.path("status").asText(), granted, refusedStatus);
        out.println("  ticket page (buy):       " + apiUrl + "/lives/" + sent.liveId());
        out.println(
                "  a holder's ticket:       " + apiUrl + "/lives/" + sent.liveId() + "/ticket?session_id=" + holder);
        out.println("  watch the replay:        " + watch);
        out.println("  the refunded ticket's:   " + watchUrl(apiUrl, sent.liveId(), refundedToken) + "  (refused)");
        return "granted".equals(holderTicket.path("status").asText())
                && "revoked".equals(refundedTicket.path("status").asText())
                && granted == 200
                && refusedStatus == 403;
    }

    /**
     * The creator's side: the dashboard's revenue route (with the creator's key) shows what the pipeline counted,
     * exactly. Prints where to sign in.
     */
    boolean dashboard(DemoTraffic.Sent sent, String apiUrl) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> answer = http.send(
                HttpRequest.newBuilder(URI.create(apiUrl + "/v1/lives/" + sent.liveId() + "/revenue"))
                        .header("Authorization", "Bearer " + sent.apiKey())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode totals =
                JSON.readTree(answer.body()).path("currencies").path(0).path("totals");
        RevenueMetric t = pipelineRevenue;
        boolean same = answer.statusCode() == 200
                && t != null
                && totals.path("grossMinor").asLong() == t.getGrossMinor()
                && totals.path("feesMinor").asLong() == t.getFeesMinor()
                && totals.path("refundsMinor").asLong() == t.getRefundsMinor()
                && totals.path("netMinor").asLong() == t.getNetMinor()
                && totals.path("ticketsSold").asLong() == t.getTicketsSold();
        out.printf(
                "Dashboard (replay API, for the creator): net %d %s cents, %d sold, %d refunded: %s%n",
                totals.path("netMinor").asLong(),
                DemoTraffic.CURRENCY,
                totals.path("ticketsSold").asLong(),
                totals.path("ticketsRefunded").asLong(),
                same ? "the same as the pipeline's" : "NOT the pipeline's (" + answer.body() + ")");
        out.println("  sign in:                 " + apiUrl + "/login   with the API key " + sent.apiKey());
        out.println("  dashboard:               " + apiUrl + "/dashboard#" + sent.liveId());
        return same;
    }

    static String watchUrl(String apiUrl, String liveId, String token) {
        return apiUrl + "/watch/" + liveId + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    }

    private static boolean finished(List<ReplayStatus> statuses) {
        return statuses.stream()
                .anyMatch(s -> s.getType() == ReplayEventType.READY || s.getType() == ReplayEventType.FAILED);
    }

    /** The lake holds every event of the live that carries a live id, as DuckDB reads the published Parquet files. */
    boolean lake(DemoTraffic.Sent sent) throws Exception {
        out.println(
                "Waiting for the lake (Parquet in the object store, published when a partition-hour goes quiet)...");
        List<Topic> topics = List.of(Topic.LIVES, Topic.SEGMENTS, Topic.BEACONS, Topic.PAYMENTS);
        Map<String, Long> found;
        try (MinioClient client = ObjectStore.client(s3)) {
            found = Await.until(
                            lakeWait,
                            POLL,
                            () -> {
                                Lake.sync(client, lakeCopy);
                                return lakeCounts(sent.liveId());
                            },
                            counts -> topics.stream()
                                    .allMatch(t -> counts.getOrDefault(Lake.viewName(t), 0L)
                                            >= sent.counts().get(t)))
                    .value();
        }
        if (!topics.stream()
                .allMatch(t -> found.getOrDefault(Lake.viewName(t), 0L)
                        >= sent.counts().get(t))) {
            out.println("  the lake did not hold every event of the live within " + lakeWait.toSeconds() + " s; found: "
                    + found);
            return false;
        }
        out.println("  DuckDB on the lake, this live's events per topic (stagepass lake \"select ...\"):");
        found.forEach((view, rows) -> out.printf("  %-32s %3d%n", view, rows));
        return pipelineRevenue == null || curatedRevenue(sent);
    }

    /**
     * The lake's curated tables hold the pipeline's revenue: {@code revenue_totals} (the revenue job's latest total)
     * and {@code tickets} summed (the facts folded by the same rules), both equal to the total the dashboard showed.
     */
    private boolean curatedRevenue(DemoTraffic.Sent sent) throws Exception {
        RevenueMetric t = pipelineRevenue;
        String expected = t.getGrossMinor() + " " + t.getFeesMinor() + " " + t.getRefundsMinor() + " " + t.getNetMinor()
                + " " + t.getTicketsSold();
        String where = " where live_id = '" + sent.liveId() + "' and currency = '" + t.getCurrency() + "'";
        List<String> seen;
        try (MinioClient client = ObjectStore.client(s3)) {
            seen = Await.until(
                            lakeWait,
                            POLL,
                            () -> {
                                Lake.sync(client, lakeCopy);
                                try (Lake lake = Lake.open(lakeCopy)) {
                                    if (!lake.curated().containsAll(List.of("tickets", "revenue_totals"))) {
                                        return List.of("", "");
                                    }
                                    return List.of(
                                            String.join(
                                                    "",
                                                    lake.rows(
                                                            "select gross_minor || ' ' || fees_minor || ' ' || refunds_minor"
                                                                    + " || ' ' || net_minor || ' ' || tickets_sold from revenue_totals"
                                                                    + where + " and tier is null")),
                                            String.join(
                                                    "",
                                                    lake.rows(
                                                            "select sum(amount_minor) || ' ' || sum(fee_minor) || ' ' ||"
                                                                    + " sum(refunded_minor) || ' ' || sum(net_minor) || ' ' ||"
                                                                    + " count(*) filter (where paid) from tickets"
                                                                    + where)));
                                }
                            },
                            both -> both.equals(List.of(expected, expected)))
                    .value();
        }
        boolean same = seen.equals(List.of(expected, expected));
        out.printf(
                "Lake (curated tables, stagepass lake): revenue_totals and tickets give gross fees refunds net sold = %s"
                        + " / %s (%s cents): %s%n",
                seen.get(0),
                seen.get(1),
                t.getCurrency(),
                same ? "the same as the pipeline's" : "NOT the pipeline's " + expected);
        return same;
    }

    /**
     * An analyst's key lists the lake's payments files through {@code GET /v1/exports}, every page of it: the same files
     * and row counts as the lake sync's copy (read by DuckDB), and a presigned URL downloads the same bytes.
     */
    boolean exports(String apiUrl) throws Exception {
        Catalog.AnalystAccess analyst;
        try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-demo")) {
            analyst = new Catalog(publisher, Clock.systemUTC()).addAnalyst("demo analyst");
        }
        HttpClient http = HttpClient.newHttpClient();
        Instant to = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        Instant from = to.minus(Duration.ofDays(1));
        String first = apiUrl + "/v1/exports?table=payments&from=" + from + "&to=" + to;
        List<String> problems;
        long[] totals = new long[3];
        try (MinioClient client = ObjectStore.client(s3)) {
            problems = Await.until(
                            lakeWait,
                            POLL,
                            () -> {
                                Lake.sync(client, lakeCopy);
                                return exportProblems(http, first, analyst.apiKey(), from, to, totals);
                            },
                            List::isEmpty)
                    .value();
        }
        out.printf(
                "Exports (GET /v1/exports, an analyst key from stagepass analysts add): payments: %d file(s) in %d"
                        + " page(s), %d rows, with presigned URLs: %s%n",
                totals[0],
                totals[1],
                totals[2],
                problems.isEmpty() ? "the same files and rows as the lake's" : "NOT the lake's: " + problems);
        return problems.isEmpty();
    }

    /** What differs between the exports listing and the lake's copy; counts files, pages and rows into totals. */
    private List<String> exportProblems(
            HttpClient http, String first, String key, Instant from, Instant to, long[] totals) throws Exception {
        List<String> problems = new ArrayList<>();
        Arrays.fill(totals, 0);
        Set<String> listed = new HashSet<>();
        boolean downloaded = false;
        String next = first;
        try (Lake lake = Lake.open(lakeCopy)) {
            while (next != null) {
                HttpResponse<String> answer = http.send(
                        HttpRequest.newBuilder(URI.create(next))
                                .header("Authorization", "Bearer " + key)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() != 200) {
                    return List.of(answer.statusCode() + " " + answer.body());
                }
                JsonNode page = JSON.readTree(answer.body());
                totals[1]++;
                for (JsonNode file : page.get("data")) {
                    String fileKey = file.get("key").asText();
                    listed.add(fileKey);
                    totals[0]++;
                    totals[2] += file.get("rows").asLong();
                    Path copy = lakeCopy.resolve(fileKey);
                    if (!Files.exists(copy)) {
                        problems.add(fileKey + " is not in the lake's copy");
                        continue;
                    }
                    long rows = lake.number("select count(*) from read_parquet('" + copy + "')");
                    if (rows != file.get("rows").asLong()) {
                        problems.add(fileKey + ": " + file.get("rows") + " rows listed, " + rows + " in the file");
                    }
                    if (!downloaded) {
                        byte[] bytes = http.send(
                                        HttpRequest.newBuilder(URI.create(
                                                        file.get("url").asText()))
                                                .build(),
                                        HttpResponse.BodyHandlers.ofByteArray())
                                .body();
                        if (!Arrays.equals(bytes, Files.readAllBytes(copy))) {
                            problems.add(fileKey + ": its presigned URL gave other bytes");
                        }
                        downloaded = true;
                    }
                }
                next = page.get("next").isNull()
                        ? null
                        : apiUrl(first) + page.get("next").asText();
            }
        }
        Path payments = lakeCopy.resolve("topic=" + Topic.PAYMENTS.topicName());
        try (var files = Files.walk(payments)) {
            files.filter(file -> file.toString().endsWith(".parquet"))
                    .map(file -> lakeCopy.relativize(file).toString())
                    .filter(file -> !listed.contains(file))
                    .filter(file -> {
                        Matcher hour = PARTITION_HOUR.matcher(file);
                        if (!hour.find()) {
                            return false;
                        }
                        Instant start = Instant.parse(hour.group(1) + "T" + hour.group(2) + ":00:00Z");
                        return !start.isBefore(from) && start.isBefore(to);
                    })
                    .forEach(file -> problems.add(file + " is in the lake's copy but not listed"));
        }
        return problems;
    }

    private static String apiUrl(String url) {
        return url.substring(0, url.indexOf("/v1/"));
    }

    private Map<String, Long> lakeCounts(String liveId) throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Lake lake = Lake.open(lakeCopy)) {
            for (String view : lake.views()) {
                try {
                    counts.put(view, lake.number("select count(*) from " + view + " where liveId = '" + liveId + "'"));
                } catch (SQLException e) {
                    if (!e.getMessage().contains("liveId")) {
                        throw e;
                    } // else a topic without a liveId column (creators, dead letters, topic activity)
                }
            }
        }
        return counts;
    }
}
