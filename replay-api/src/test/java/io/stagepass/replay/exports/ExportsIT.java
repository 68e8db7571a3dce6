package io.stagepass.replay.exports;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.Bucket;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.StripeSettings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lake.LakeFiles;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.ReplayApiConfig;
import io.stagepass.replay.ReplayApiService;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.playback.ObjectRoutes;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /v1/exports} on a real Kafka broker and S3 server, over Parquet files written by DuckDB (a writer that is
 * not ours) in the lake's layout, one partition-hour of them compacted: it lists what readers must read, with the
 * counts DuckDB wrote and URLs that download the files, pages through whole hours, and refuses bad keys (401) and bad
 * ranges (400).
 */
class ExportsIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYMENTS = "topic=" + Topic.PAYMENTS.topicName() + "/";
    private static final String FROM = "2026-11-30T22:30:00Z";
    private static final String TO = "2026-12-01T02:00:00Z";

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static EmbeddedS3 s3;
    static EventPublisher publisher;
    static ReplayApiService api;
    static Catalog catalog;
    static Catalog.AnalystAccess grace;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Each listed file's key, with the rows DuckDB wrote into it and its bytes. */
    static final Map<String, Long> ROWS = new HashMap<>();

    static final Map<String, byte[]> BYTES = new HashMap<>();
    static final List<String> EXPECTED = new ArrayList<>();
    static String rollingOne;
    static String compacted;
    static String big;

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "test-access", "test-secret-key");
        publisher = new EventPublisher(kafka.settings(), "exports-it");
        catalog = new Catalog(publisher, Clock.systemUTC());
        grace = catalog.addAnalyst("Grace (finance)");
        writeLake();
        api = ReplayApiService.start(new ReplayApiConfig(
                "127.0.0.1",
                0,
                kafka.settings(),
                s3.settings(),
                ReplayApiConfig.Secrets.random(),
                Duration.ofMinutes(10),
                ObjectRoutes.Delivery.STREAM,
                s3.settings().endpoint(),
                "http://127.0.0.1:8090",
                16L * 1024 * 1024,
                null,
                new StripeSettings("sk_test_it", "http://127.0.0.1:1"),
                "rtmp://127.0.0.1:1935/live",
                java.util.List.of(),
                io.stagepass.replay.PlaybackIT.PLATFORM_FEE));
        assertThat(api.views().topicView().awaitReady(Duration.ofSeconds(30))).isTrue();
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        publisher.close();
        s3.close();
        kafka.close();
    }

    /**
     * Hours 21 to 23 of one day and 00 to 05 of the next. Hour 00 was compacted: its two rolling files, the file that
     * replaced them and the record that says so are all still there, as between a compaction's publish and its
     * delete. Hour 01 holds a file whose footer is longer than the 64 KB read first.
     */
    static void writeLake() throws Exception {
        long t = Instant.parse("2026-12-01T03:00:00Z").toEpochMilli();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
                MinioClient client = ObjectStore.client(s3.settings())) {
            put(duck, client, PAYMENTS + "date=2026-11-30/hour=21/", t, 9, false);
            EXPECTED.add(put(duck, client, PAYMENTS + "date=2026-11-30/hour=22/", t + 1, 5, true));
            EXPECTED.add(put(duck, client, PAYMENTS + "date=2026-11-30/hour=22/", t + 2, 7, true));
            EXPECTED.add(put(duck, client, PAYMENTS + "date=2026-11-30/hour=23/", t + 3, 11, true));
            String hour00 = PAYMENTS + "date=2026-12-01/hour=00/";
            rollingOne = put(duck, client, hour00, t + 4, 3, false);
            String rollingTwo = put(duck, client, hour00, t + 5, 4, false);
            compacted = put(duck, client, hour00, t + 6, 7, true);
            EXPECTED.add(compacted);
            byte[] record = new LakeFiles.Compaction(compacted, List.of(rollingOne, rollingTwo)).toJson();
            client.putObject(
                    PutObjectArgs.builder()
                            .bucket(Bucket.LAKE.bucketName())
                            .object(compacted + ".compaction.json")
                            .stream(new ByteArrayInputStream(record), record.length, -1)
                            .build());
            big = put(duck, client, PAYMENTS + "date=2026-12-01/hour=01/", t + 7, 300_000, true);
            EXPECTED.add(big);
            put(duck, client, PAYMENTS + "date=2026-12-01/hour=05/", t + 8, 2, false);
            put(duck, client, "topic=" + Topic.BEACONS.topicName() + "/date=2026-11-30/hour=23/", t + 9, 6, false);
        }
    }

    private static String put(
            Connection duck, MinioClient client, String partition, long madeAt, int rows, boolean listed)
            throws Exception {
        String key = partition + LakeFiles.fileName(0, madeAt);
        Path file = dir.resolve("file-" + madeAt + ".parquet");
        // The big file: 30 columns in row groups of 2048 rows, so that its footer outgrows the first read.
        String columns = rows > 100_000
                ? IntStream.range(0, 30)
                        .mapToObj(i -> "range + " + i + " as c" + i)
                        .collect(Collectors.joining(", "))
                : "range as n, 'evt_' || range as eventId";
        try (Statement statement = duck.createStatement()) {
            statement.execute("copy (select " + columns + " from range(" + rows + ")) to '" + file
                    + "' (format parquet, row_group_size 2048)");
        }
        byte[] bytes = Files.readAllBytes(file);
        client.putObject(PutObjectArgs.builder().bucket(Bucket.LAKE.bucketName()).object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
        if (listed) {
            ROWS.put(key, (long) rows);
            BYTES.put(key, bytes);
        }
        return key;
    }

    @Test
    void listsTheFilesReadersReadWithTheirRowsSizesAndWorkingUrls() throws Exception {
        JsonNode page = ok(query("table=payments&from=" + FROM + "&to=" + TO));

        assertThat(keys(page)).as("hours 22 to 01; hour 00 as compacted").containsExactlyElementsOf(EXPECTED);
        for (JsonNode file : page.get("data")) {
            String key = file.get("key").asText();
            assertThat(file.get("rows").asLong()).as(key).isEqualTo(ROWS.get(key));
            assertThat(file.get("bytes").asLong()).as(key).isEqualTo(BYTES.get(key).length);
        }
        assertThat(page.get("rows").asLong())
                .isEqualTo(ROWS.values().stream().mapToLong(Long::longValue).sum());
        assertThat(page.get("nextCursor").isNull()).isTrue();
        assertThat(footerLength(BYTES.get(big))).as("the big file's footer").isGreaterThan(64 * 1024);

        JsonNode hour23 = page.get("data").get(2);
        assertThat(hour23.get("date").asText()).isEqualTo("2026-11-30");
        assertThat(hour23.get("hour").asInt()).isEqualTo(23);
        HttpResponse<byte[]> download = HTTP.send(
                HttpRequest.newBuilder(URI.create(hour23.get("url").asText())).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(200);
        assertThat(download.body()).as("the presigned URL, without any key").isEqualTo(BYTES.get(EXPECTED.get(2)));
        assertThat(Instant.parse(page.get("urlsExpireAt").asText()))
                .isAfter(Instant.now().plusSeconds(3000));
    }

    @Test
    void pagesHoldWholeHoursAndTheCursorCarriesTheQuery() throws Exception {
        List<List<String>> pages = new ArrayList<>();
        JsonNode page = ok(query("table=payments&from=" + FROM + "&to=" + TO + "&limit=2"));
        pages.add(keys(page));
        while (!page.get("next").isNull()) {
            page = ok(get(page.get("next").asText(), grace.apiKey()));
            pages.add(keys(page));
        }
        assertThat(pages).containsExactly(EXPECTED.subList(0, 2), EXPECTED.subList(2, 4), EXPECTED.subList(4, 5));

        JsonNode one = ok(query("table=payments&from=" + FROM + "&to=" + TO + "&limit=1"));
        assertThat(keys(one))
                .as("an hour with more files than the limit, in one piece")
                .hasSize(2);
        JsonNode mixed = body(query("table=beacons&limit=1&cursor="
                + URLEncoder.encode(one.get("nextCursor").asText(), StandardCharsets.UTF_8)));
        assertThat(mixed.get("fields").get("cursor").asText()).contains("another query");
    }

    @Test
    void aCompactionInTheMiddleOfAListingNeverShowsAnHourTwice() throws Exception {
        // Before its record: the rolling files of hour 00 would be listed; with it, the added file alone.
        JsonNode page = ok(query("table=payments&from=2026-12-01T00:00:00Z&to=2026-12-01T01:00:00Z"));
        assertThat(keys(page)).containsExactly(compacted).doesNotContain(rollingOne);
        assertThat(page.get("rows").asLong()).isEqualTo(7);
    }

    @Test
    void badRangesAre400WithTheParameterNamed() throws Exception {
        HttpResponse<String> reversed = query("table=payments&from=" + TO + "&to=" + FROM);
        assertThat(reversed.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(reversed.body()).get("fields").get("to").asText())
                .contains("after from");

        HttpResponse<String> tooLong = query("table=payments&from=2026-01-01&to=2026-03-01");
        assertThat(tooLong.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(tooLong.body()).get("fields").get("to").asText())
                .contains("31 days");

        HttpResponse<String> garbage = query("table=nope&from=monday&limit=0");
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(garbage.body()).get("fields").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("table", "from", "limit");
    }

    @Test
    void onlyAnAnalystsCurrentKeyLists() throws Exception {
        assertThat(get("/v1/exports?table=payments", null).statusCode()).isEqualTo(401);
        HttpResponse<String> creatorKey = get(
                "/v1/exports?table=payments",
                catalog.register("Ada's Yoga", null, "EUR").apiKey());
        assertThat(creatorKey.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(creatorKey.body()).get("detail").asText()).contains("creator's API key");
        assertThat(get("/v1/exports?table=payments", "sak_short").statusCode()).isEqualTo(401);

        Catalog.AnalystAccess leaving = catalog.addAnalyst("nightly Spark job");
        assertThat(get("/v1/exports?table=payments", leaving.apiKey()).statusCode())
                .as("a key used as soon as it is made")
                .isEqualTo(200);
        catalog.revokeAnalyst(leaving.analyst().getAnalystId());
        assertThat(Await.until(
                                Duration.ofSeconds(10),
                                Duration.ofMillis(50),
                                () -> get("/v1/exports?table=payments", leaving.apiKey()),
                                response -> response.statusCode() == 401)
                        .value())
                .extracting(HttpResponse::body)
                .asString()
                .contains("revoked");
        assertThat(get("/v1/exports?table=payments", grace.apiKey()).statusCode())
                .isEqualTo(200);
    }

    private static HttpResponse<String> query(String query) throws Exception {
        return get("/v1/exports?" + query, grace.apiKey());
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + api.port() + path));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode ok(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode body(HttpResponse<String> response) throws Exception {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        return JSON.readTree(response.body());
    }

    private static List<String> keys(JsonNode page) {
        List<String> keys = new ArrayList<>();
        page.get("data").forEach(file -> keys.add(file.get("key").asText()));
        return keys;
    }

    private static int footerLength(byte[] file) {
        return ByteBuffer.wrap(file, file.length - 8, 4)
                .order(ByteOrder.LITTLE_ENDIAN)
                .getInt();
    }
}
