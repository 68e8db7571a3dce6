package io.stagepass.replay.creators;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Request;
import io.javalin.testtools.Response;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.StripeSettings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.ReplayApiConfig;
import io.stagepass.replay.ReplayApiService;
import io.stagepass.replay.playback.ObjectRoutes;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The creators' API through JavalinTest, on a real Kafka broker: every route refuses a missing or wrong key, hides
 * another creator's lives (404), validates every field with a 400 naming it, pages through lives, and writes what it
 * accepts to the catalog.
 */
class CreatorApiIT {
    private static final ReplayApiConfig.Secrets SECRETS = ReplayApiConfig.Secrets.random();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static EmbeddedS3 s3;
    static EventPublisher publisher;
    static Catalog.Account ada;
    static Catalog.Account bob;

    ReplayApiService api;

    @BeforeAll
    static void startServers() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "test-access", "test-secret-key");
        publisher = new EventPublisher(kafka.settings(), "creator-api-it");
        Catalog catalog = new Catalog(publisher, Clock.systemUTC());
        ada = catalog.register("Ada's Yoga", "ada@example.com", "EUR");
        bob = catalog.register("Bob's Bass", null, "JPY");
    }

    @AfterAll
    static void stopServers() throws Exception {
        publisher.close();
        s3.close();
        kafka.close();
    }

    @BeforeEach
    void createApi() throws Exception {
        api = ReplayApiService.create(new ReplayApiConfig(
                "127.0.0.1",
                0,
                kafka.settings(),
                s3.settings(),
                SECRETS,
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
        assertThat(api.views().topicView().awaitReady(DEADLINE)).isTrue();
    }

    @AfterEach
    void closeApi() {
        api.close();
    }

    @Test
    void everyCreatorRouteNeedsTheCreatorsOwnKey() {
        JavalinTest.test(api.app(), (server, client) -> {
            String live = created(client, ada.apiKey(), liveBody("Morning flow", "EUR", 1500))
                    .get("liveId")
                    .asText();
            List<String[]> routes = List.of(
                    new String[] {"GET", "/v1/creator"},
                    new String[] {"POST", "/v1/creator/key"},
                    new String[] {"GET", "/v1/creator/summary"},
                    new String[] {"GET", "/v1/lives"},
                    new String[] {"POST", "/v1/lives"},
                    new String[] {"GET", "/v1/lives/" + live},
                    new String[] {"PATCH", "/v1/lives/" + live},
                    new String[] {"POST", "/v1/lives/" + live + "/stream-key"},
                    new String[] {"GET", "/v1/lives/" + live + "/revenue"},
                    new String[] {"GET", "/v1/lives/" + live + "/audience"},
                    new String[] {"GET", "/v1/lives/" + live + "/replay"},
                    new String[] {"GET", "/v1/lives/" + live + "/health"},
                    new String[] {"GET", "/v1/lives/" + live + "/events"},
                    new String[] {"POST", "/v1/lives/" + live + "/clips"},
                    new String[] {"GET", "/v1/lives/" + live + "/clips"},
                    new String[] {"DELETE", "/v1/lives/" + live + "/clips/clip_0123456789abcdef0123456789abcdef"});
            for (String[] route : routes) {
                Response none = call(client, route[0], route[1], null, "{}");
                assertThat(none.code())
                        .as("%s %s without a key", route[0], route[1])
                        .isEqualTo(401);
                assertThat(json(none).get("detail").asText()).contains("API key");
                Response forged = call(client, route[0], route[1], "spk_" + "x".repeat(43), "{}");
                assertThat(forged.code())
                        .as("%s %s with an unknown key", route[0], route[1])
                        .isEqualTo(401);
                Response garbled = call(client, route[0], route[1], "not-a-key", "{}");
                assertThat(garbled.code())
                        .as("%s %s with garbage", route[0], route[1])
                        .isEqualTo(401);
            }
            for (String[] route : routes.subList(5, routes.size())) {
                Response other = call(client, route[0], route[1], bob.apiKey(), "{\"title\": \"x\"}");
                assertThat(other.code())
                        .as("%s %s with another creator's key: 404, as if it did not exist", route[0], route[1])
                        .isEqualTo(404);
                assertThat(json(other).get("detail").asText()).isEqualTo("no live " + live);
            }
            Response plain = call(client, "GET", "/v1/lives/" + live + "/events", ada.apiKey(), null);
            assertThat(plain.code())
                    .as("the events stream without Accept: text/event-stream")
                    .isEqualTo(406);
            assertThat(json(plain).get("detail").asText()).contains("Accept: text/event-stream");
            Response mine = call(client, "GET", "/v1/lives/" + live, ada.apiKey(), null);
            assertThat(mine.code()).isEqualTo(200);
            assertThat(json(mine).get("title").asText()).isEqualTo("Morning flow");
            Response account = call(client, "GET", "/v1/creator", ada.apiKey(), null);
            assertThat(json(account).get("creatorId").asText())
                    .isEqualTo(ada.creator().getCreatorId());
            assertThat(account.body().string()).doesNotContain("apiKey").doesNotContain(ada.apiKey());
        });
    }

    @Test
    void aNewLiveIsWrittenToTheCatalogWithItsStreamKeyShownOnce() {
        JavalinTest.test(api.app(), (server, client) -> {
            JsonNode live = created(client, ada.apiKey(), """
                    {"title": "  Sunset flow  ", "description": "Slow.", "scheduledStart": "%s", "currency": "eur",
                     "tiers": [{"tier": "viewer", "priceMinor": 1500}, {"tier": "guest", "priceMinor": 4500}],
                     "replayWindowDays": 7, "dvrWindowMinutes": 30}
                    """.formatted(
                            Instant.now().plus(Duration.ofDays(3)).toString()));
            String liveId = live.get("liveId").asText();
            String streamKey = live.get("streamKey").asText();
            assertThat(live.get("title").asText()).isEqualTo("Sunset flow");
            assertThat(live.get("currency").asText()).isEqualTo("EUR");
            assertThat(live.get("tiers").get(1).get("price").asText()).isEqualTo("€45.00");
            assertThat(live.get("stream").get("ffmpeg").asText())
                    .contains("-method PUT http://127.0.0.1:8090/live/" + streamKey + "/index.m3u8");
            assertThat(live.get("stream").get("obs").get("Server").asText()).isEqualTo("rtmp://127.0.0.1:1935/live");
            assertThat(live.get("stream").get("obs").get("Stream Key").asText()).isEqualTo(streamKey);
            assertThat(live.get("stream").get("ffmpegRtmp").asText())
                    .endsWith("-f flv rtmp://127.0.0.1:1935/live/" + streamKey);

            Live fact = api.views().lives().live(liveId).orElseThrow();
            assertThat(fact.getStreamKeySha256()).isEqualTo(StreamKeys.sha256(streamKey));
            assertThat(fact.getReplayWindowDays()).isEqualTo(7);
            assertThat(fact.getDvrWindowMinutes()).isEqualTo(30);
            assertThat(live.get("dvrWindowMinutes").asInt()).isEqualTo(30);
            assertThat(fact.getTiers()).hasSize(2);
            Response again = call(client, "GET", "/v1/lives/" + liveId, ada.apiKey(), null);
            assertThat(again.body().string()).doesNotContain(streamKey);

            Response rotated = call(client, "POST", "/v1/lives/" + liveId + "/stream-key", ada.apiKey(), "");
            assertThat(rotated.code()).isEqualTo(201);
            String newKey = json(rotated).get("streamKey").asText();
            assertThat(newKey).isNotEqualTo(streamKey);
            assertThat(api.views().lives().live(liveId).orElseThrow().getStreamKeySha256())
                    .isEqualTo(StreamKeys.sha256(newKey));
        });
    }

    /** Body to the field its 400 must name, in order (more of them than {@code Map.of} takes). */
    private static Map<String, String> pairs(String... bodyThenField) {
        Map<String, String> pairs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < bodyThenField.length; i += 2) {
            pairs.put(bodyThenField[i], bodyThenField[i + 1]);
        }
        return pairs;
    }

    @Test
    void everyWrongFieldIsNamedInOneBadRequest() {
        JavalinTest.test(api.app(), (server, client) -> {
            Map<String, String> cases = pairs(
                    "{\"title\": \"\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}]}",
                    "title",
                    "{\"title\": \"" + "x".repeat(121)
                            + "\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}]}",
                    "title",
                    "{\"title\": \"t\", \"currency\": \"EURO\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}]}",
                    "currency",
                    "{\"title\": \"t\", \"currency\": \"JPY\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 49}]}",
                    "tiers[0].priceMinor",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 15.5}]}",
                    "tiers[0].priceMinor",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"guest\", \"priceMinor\": 1500}]}",
                    "tiers",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}], \"scheduledStart\": \"tomorrow\"}",
                    "scheduledStart",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}], \"scheduledStart\": \"2020-01-01T00:00:00Z\"}",
                    "scheduledStart",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}], \"replayWindowDays\": 0}",
                    "replayWindowDays",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}], \"dvrWindowMinutes\": 721}",
                    "dvrWindowMinutes",
                    "{\"title\": \"t\", \"currency\": \"EUR\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}], \"colour\": \"red\"}",
                    "colour");
            for (Map.Entry<String, String> c : cases.entrySet()) {
                Response refused = call(client, "POST", "/v1/lives", ada.apiKey(), c.getKey());
                assertThat(refused.code()).as(c.getKey()).isEqualTo(400);
                JsonNode body = json(refused);
                assertThat(body.get("fields").has(c.getValue()))
                        .as("%s names %s: %s", c.getKey(), c.getValue(), body)
                        .isTrue();
                assertThat(body.get("error").asText()).isEqualTo("Bad Request");
            }
            Response all = call(client, "POST", "/v1/lives", ada.apiKey(), "{}");
            assertThat(json(all).get("fields").fieldNames()).toIterable().contains("title", "currency", "tiers");
            Response notJson = call(client, "POST", "/v1/lives", ada.apiKey(), "{title");
            assertThat(notJson.code()).isEqualTo(400);
            assertThat(json(notJson).get("fields").has("body")).isTrue();
            // JPY has no minor unit: 50 yen is Stripe's minimum, and it is accepted as 50.
            assertThat(call(client, "POST", "/v1/lives", bob.apiKey(), liveBody("Bass", "JPY", 50))
                            .code())
                    .isEqualTo(201);
        });
    }

    @Test
    void livesArePagedNewestFirstAndOnlyTheCreatorsOwn() {
        JavalinTest.test(api.app(), (server, client) -> {
            Catalog.Account carol = new Catalog(publisher, Clock.systemUTC()).register("Carol", null, "GBP");
            Await.expect(
                    "the views know carol",
                    DEADLINE,
                    () -> api.views()
                            .creators()
                            .byId(carol.creator().getCreatorId())
                            .isPresent());
            List<String> made = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                made.add(created(client, carol.apiKey(), """
                        {"title": "Live %d", "currency": "GBP", "scheduledStart": "%s",
                         "tiers": [{"tier": "viewer", "priceMinor": 500}]}
                        """.formatted(
                                i, Instant.now().plus(Duration.ofDays(i + 1)).toString()))
                        .get("liveId")
                        .asText());
            }
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Response page = call(
                        client,
                        "GET",
                        "/v1/lives?limit=2" + (cursor == null ? "" : "&cursor=" + cursor),
                        carol.apiKey(),
                        null);
                assertThat(page.code()).isEqualTo(200);
                JsonNode body = json(page);
                assertThat(body.get("total").asInt()).isEqualTo(5);
                body.get("data").forEach(l -> seen.add(l.get("liveId").asText()));
                cursor = body.get("nextCursor").isNull()
                        ? null
                        : body.get("nextCursor").asText();
                pages++;
            } while (cursor != null);
            assertThat(pages).isEqualTo(3);
            List<String> newestFirst = new ArrayList<>(made);
            Collections.reverse(newestFirst);
            assertThat(seen).containsExactlyElementsOf(newestFirst);
            assertThat(call(client, "GET", "/v1/lives?limit=0", carol.apiKey(), null)
                            .code())
                    .isEqualTo(400);
            assertThat(call(client, "GET", "/v1/lives?limit=abc", carol.apiKey(), null)
                            .code())
                    .isEqualTo(400);
            assertThat(call(client, "GET", "/v1/lives?cursor=bm90LWEtY3Vyc29y", carol.apiKey(), null)
                            .code())
                    .isEqualTo(400);
            assertThat(json(call(client, "GET", "/v1/lives", ada.apiKey(), null))
                            .get("data")
                            .toString())
                    .doesNotContain(made.get(0));
        });
    }

    @Test
    void anUpdateKeepsWhatItDoesNotNameAndTheCurrencyIsFixedOnceTicketsAreSold() {
        JavalinTest.test(api.app(), (server, client) -> {
            JsonNode live = created(client, ada.apiKey(), liveBody("Before", "EUR", 1500));
            String liveId = live.get("liveId").asText();
            Response renamed = call(
                    client,
                    "PATCH",
                    "/v1/lives/" + liveId,
                    ada.apiKey(),
                    "{\"title\": \"After\", \"description\": \"New.\"}");
            assertThat(renamed.code()).isEqualTo(200);
            assertThat(json(renamed).get("title").asText()).isEqualTo("After");
            assertThat(json(renamed).get("tiers").get(0).get("priceMinor").asLong())
                    .isEqualTo(1500);
            assertThat(api.views().lives().live(liveId).orElseThrow().getDescription())
                    .isEqualTo("New.");

            publisher
                    .publish(
                            Topic.PAYMENTS,
                            liveId,
                            SampleEvents.payment(liveId, "cs_sold")
                                    .setCurrency("EUR")
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            Await.expect(
                    "the views count the sale",
                    DEADLINE,
                    () -> api.views()
                            .revenue()
                            .of(liveId)
                            .map(revenue -> !revenue.lines().isEmpty())
                            .orElse(false));
            Response recurrency = call(client, "PATCH", "/v1/lives/" + liveId, ada.apiKey(), "{\"currency\": \"USD\"}");
            assertThat(recurrency.code()).isEqualTo(400);
            assertThat(json(recurrency).get("fields").get("currency").asText()).contains("tickets are sold");
            Response price = call(
                    client,
                    "PATCH",
                    "/v1/lives/" + liveId,
                    ada.apiKey(),
                    "{\"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 10}]}");
            assertThat(price.code()).isEqualTo(400);
            assertThat(json(price).get("fields").get("tiers[0].priceMinor").asText())
                    .contains("Stripe's minimum");
        });
    }

    @Test
    void theDvrWindowAndTheLowRenditionAreSettledWhenTheLiveStarts() {
        JavalinTest.test(api.app(), (server, client) -> {
            String liveId = created(client, ada.apiKey(), liveBody("Settled", "EUR", 1500))
                    .get("liveId")
                    .asText();
            Response before = call(
                    client,
                    "PATCH",
                    "/v1/lives/" + liveId,
                    ada.apiKey(),
                    "{\"dvrWindowMinutes\": 30, \"lowRendition\": false}");
            assertThat(before.code()).isEqualTo(200);
            assertThat(json(before).get("dvrWindowMinutes").asInt()).isEqualTo(30);
            assertThat(json(before).get("lowRendition").asBoolean()).isFalse();

            started(liveId);
            Response after = call(
                    client,
                    "PATCH",
                    "/v1/lives/" + liveId,
                    ada.apiKey(),
                    "{\"dvrWindowMinutes\": 0, \"lowRendition\": true}");
            assertThat(after.code()).isEqualTo(400);
            assertThat(json(after).get("fields").get("dvrWindowMinutes").asText())
                    .contains("live has started");
            assertThat(json(after).get("fields").get("lowRendition").asText()).contains("live has started");
            Response title = call(client, "PATCH", "/v1/lives/" + liveId, ada.apiKey(), "{\"title\": \"Renamed\"}");
            assertThat(title.code()).as("what a running live may still change").isEqualTo(200);
        });
    }

    @Test
    void aCreatorAsksForClipsWithinTheStoredMediaAndAPublicOneIsAnyonesWhileAPrivateOneNeedsATicket() {
        JavalinTest.test(api.app(), (server, client) -> {
            String liveId = created(client, ada.apiKey(), liveBody("Clipped", "EUR", 1500))
                    .get("liveId")
                    .asText();
            String path = "/v1/lives/" + liveId + "/clips";
            Response early = call(
                    client,
                    "POST",
                    path,
                    ada.apiKey(),
                    "{\"title\": \"Too soon\", \"startMillis\": 0, \"endMillis\": 3000}");
            assertThat(early.code()).isEqualTo(400);
            assertThat(json(early).at("/fields/startMillis").asText()).contains("has not started");

            started(liveId);
            for (long sequence = 0; sequence < 5; sequence++) { // 10 s stored
                publisher
                        .publish(
                                Topic.SEGMENTS,
                                liveId,
                                SampleEvents.segment(liveId, sequence)
                                        .setDurationMicros(2_000_000L)
                                        .build())
                        .get(10, TimeUnit.SECONDS);
            }
            Await.expect(
                    "the views see 10 s stored",
                    DEADLINE,
                    () -> api.views()
                                    .media()
                                    .of(liveId)
                                    .map(m -> m.storedMicros())
                                    .orElse(0L)
                            == 10_000_000L);
            Response wrong = call(
                    client,
                    "POST",
                    path,
                    ada.apiKey(),
                    "{\"title\": \"\", \"startMillis\": -1, \"endMillis\": 1.5, \"visibility\": \"friends\", \"colour\": 1}");
            assertThat(wrong.code()).isEqualTo(400);
            assertThat(json(wrong).get("fields").fieldNames())
                    .toIterable()
                    .containsExactlyInAnyOrder("colour", "title", "startMillis", "endMillis", "visibility");
            Response past = call(
                    client,
                    "POST",
                    path,
                    ada.apiKey(),
                    "{\"title\": \"Later\", \"startMillis\": 4000, \"endMillis\": 12000}");
            assertThat(past.code()).isEqualTo(400);
            assertThat(json(past).at("/fields/endMillis").asText()).contains("ends at 10000 ms (0:10)");
            Response tooLong = call(
                    client,
                    "POST",
                    path,
                    ada.apiKey(),
                    "{\"title\": \"Long\", \"startMillis\": 0, \"endMillis\": 600001}");
            assertThat(json(tooLong).at("/fields/endMillis").asText()).contains("1 s to 10 min");
            assertThat(call(
                                    client,
                                    "POST",
                                    path,
                                    bob.apiKey(),
                                    "{\"title\": \"Not mine\", \"startMillis\": 0, \"endMillis\": 3000}")
                            .code())
                    .isEqualTo(404);

            Response asked = call(
                    client,
                    "POST",
                    path,
                    ada.apiKey(),
                    "{\"title\": \"The warm-up\", \"startMillis\": 2500, \"endMillis\": 7500, \"visibility\": \"public\"}");
            String askedBody = asked.body().string();
            assertThat(asked.code()).as(askedBody).isEqualTo(202);
            JsonNode clip = JSON.readTree(askedBody);
            String publicId = clip.get("clipId").asText();
            assertThat(header(asked, "Location")).isEqualTo(path + "/" + publicId);
            assertThat(clip.get("status").asText()).isEqualTo("requested");
            Response privateAsked = call(
                    client,
                    "POST",
                    path,
                    ada.apiKey(),
                    "{\"title\": \"For fans\", \"startMillis\": 0, \"endMillis\": 4000}");
            String privateId = json(privateAsked).get("clipId").asText();
            assertThat(json(privateAsked).get("visibility").asText()).isEqualTo("ticket_holders");
            JsonNode list = json(call(client, "GET", path, ada.apiKey(), null));
            assertThat(list.get("data").findValuesAsText("clipId")).containsExactly(publicId, privateId);
            assertThat(call(client, "GET", path, bob.apiKey(), null).code()).isEqualTo(404);
            assertThat(call(client, "GET", "/v1/lives/" + liveId + "/clips/" + publicId, null, null)
                            .code())
                    .as("not ready yet")
                    .isEqualTo(404);

            // The jobs worker's answers, as it writes them once the MP4s are durable.
            byte[] mp4 = "an mp4 the worker cut".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (String clipId : List.of(publicId, privateId)) {
                String key = liveId + "/clips/" + clipId + ".mp4";
                try (io.minio.MinioClient minio = io.stagepass.platform.s3.ObjectStore.client(s3.settings())) {
                    minio.putObject(io.minio.PutObjectArgs.builder().bucket("replays").object(key).stream(
                                    new java.io.ByteArrayInputStream(mp4), mp4.length, -1)
                            .contentType("video/mp4")
                            .build());
                }
                io.stagepass.events.Clip requested = api.views()
                        .clips()
                        .of(liveId)
                        .orElseThrow()
                        .clip(clipId)
                        .orElseThrow();
                publisher
                        .publish(
                                Topic.CLIPS,
                                clipId,
                                io.stagepass.events.Clip.newBuilder(requested)
                                        .setEventId(Ids.newEventId())
                                        .setType(io.stagepass.events.ClipStatus.READY)
                                        .setObjectKey(key)
                                        .setClipStartMillis(2_000L)
                                        .setDurationMillis(5_500L)
                                        .setByteSize((long) mp4.length)
                                        .setWidth(640)
                                        .setHeight(360)
                                        .build())
                        .get(10, TimeUnit.SECONDS);
            }
            Await.expect(
                    "both clips ready in the views",
                    DEADLINE,
                    () -> api.views().clips().of(liveId).orElseThrow().all().stream()
                            .allMatch(c -> c.getType() == io.stagepass.events.ClipStatus.READY));

            JsonNode previews = json(call(client, "GET", "/v1/lives/" + liveId + "/previews", null, null));
            assertThat(previews.get("data").findValuesAsText("clipId"))
                    .as("the ticket page's previews: the public clip only")
                    .containsExactly(publicId);
            String media = previews.get("data").get(0).get("media").asText();
            Response bytes = client.get(media);
            assertThat(bytes.code()).isEqualTo(200);
            assertThat(bytes.body().string()).isEqualTo(new String(mp4, java.nio.charset.StandardCharsets.UTF_8));
            assertThat(header(bytes, "Content-Type")).startsWith("video/mp4");
            assertThat(client.get(media.replace(publicId, privateId)).code())
                    .as("a public clip's link opens that clip only")
                    .isEqualTo(403);
            assertThat(call(client, "GET", "/v1/lives/" + liveId + "/clips/" + publicId, null, null)
                            .code())
                    .isEqualTo(200);
            Response visitor = call(client, "GET", "/v1/lives/" + liveId + "/clips/" + privateId, null, null);
            assertThat(visitor.code())
                    .as("a clip for ticket holders refuses a visitor")
                    .isEqualTo(401);
            assertThat(json(visitor).get("detail").asText()).isNotBlank();
            JsonNode mine = json(call(client, "GET", path, ada.apiKey(), null));
            assertThat(mine.get("data").findValuesAsText("status")).containsOnly("ready");
            assertThat(mine.get("data").get(1).get("media").asText()).contains("/clips/" + privateId + ".mp4");

            // The creator takes the public clip down: off the ticket page and its route at once.
            assertThat(call(client, "DELETE", path + "/" + publicId, bob.apiKey(), null)
                            .code())
                    .as("another creator's clip")
                    .isEqualTo(404);
            assertThat(call(client, "DELETE", path + "/" + publicId, ada.apiKey(), null)
                            .code())
                    .isEqualTo(204);
            assertThat(json(call(client, "GET", "/v1/lives/" + liveId + "/previews", null, null))
                            .get("data"))
                    .isEmpty();
            assertThat(call(client, "GET", "/v1/lives/" + liveId + "/clips/" + publicId, null, null)
                            .code())
                    .isEqualTo(404);
            assertThat(json(call(client, "GET", path, ada.apiKey(), null))
                            .get("data")
                            .findValuesAsText("clipId"))
                    .containsExactly(privateId);
            assertThat(call(client, "DELETE", path + "/" + publicId, ada.apiKey(), null)
                            .code())
                    .as("deleted already")
                    .isEqualTo(404);

            // The replay window closes (retention deletes the live's objects, the clips' MP4s with them): no previews,
            // no clip, and the creator's list says so.
            Live started = api.views().lives().live(liveId).orElseThrow();
            publisher
                    .publish(
                            Topic.LIVES,
                            liveId,
                            Live.newBuilder(started)
                                    .setEventId(Ids.newEventId())
                                    .setType(LiveEventType.ENDED)
                                    .setEndedAt(Instant.now().minus(Duration.ofDays(started.getReplayWindowDays() + 1)))
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            Await.expect(
                    "the views see the live ended long ago",
                    DEADLINE,
                    () -> api.views().lives().live(liveId).orElseThrow().getType() == LiveEventType.ENDED);
            assertThat(json(call(client, "GET", "/v1/lives/" + liveId + "/previews", null, null))
                            .get("data"))
                    .isEmpty();
            assertThat(call(client, "GET", "/v1/lives/" + liveId + "/clips/" + publicId, null, null)
                            .code())
                    .isEqualTo(404);
            JsonNode expired = json(call(client, "GET", path, ada.apiKey(), null));
            assertThat(expired.get("data").findValuesAsText("status")).containsOnly("expired");
            assertThat(expired.get("data").get(0).has("media")).isFalse();
        });
    }

    @Test
    void aKeyWorksAsSoonAsItIsMadeAsAScriptUsesIt() {
        JavalinTest.test(api.app(), (server, client) -> {
            for (int i = 0; i < 5; i++) {
                // No wait for the views: `stagepass creators add` and then a request at once.
                Catalog.Account fresh = new Catalog(publisher, Clock.systemUTC()).register("Eve " + i, null, "EUR");
                Response account = call(client, "GET", "/v1/creator", fresh.apiKey(), null);
                assertThat(account.code()).as(account.body().string()).isEqualTo(200);
            }
        });
    }

    @Test
    void aRotatedKeyStopsWorkingAtOnce() {
        JavalinTest.test(api.app(), (server, client) -> {
            Catalog.Account dan = new Catalog(publisher, Clock.systemUTC()).register("Dan", null, "EUR");
            Await.expect(
                    "the views know dan",
                    DEADLINE,
                    () -> api.views()
                            .creators()
                            .byId(dan.creator().getCreatorId())
                            .isPresent());
            Response rotated = call(client, "POST", "/v1/creator/key", dan.apiKey(), "");
            assertThat(rotated.code()).isEqualTo(201);
            String fresh = json(rotated).get("apiKey").asText();
            assertThat(fresh).startsWith("spk_").isNotEqualTo(dan.apiKey());
            assertThat(call(client, "GET", "/v1/creator", dan.apiKey(), null).code())
                    .isEqualTo(401);
            assertThat(call(client, "GET", "/v1/creator", fresh, null).code()).isEqualTo(200);
        });
    }

    @Test
    void theRevenueRoutesCountEachStripeEventOnceInItsCurrencies() {
        JavalinTest.test(api.app(), (server, client) -> {
            String liveId = created(client, ada.apiKey(), liveBody("Sold", "EUR", 1500))
                    .get("liveId")
                    .asText();
            var sale = SampleEvents.payment(liveId, "cs_a").setTier("viewer").build();
            publisher.publish(Topic.PAYMENTS, liveId, sale).get(10, TimeUnit.SECONDS);
            publisher.publish(Topic.PAYMENTS, liveId, sale).get(10, TimeUnit.SECONDS); // Stripe redelivered it
            publisher
                    .publish(
                            Topic.PAYMENTS,
                            liveId,
                            SampleEvents.payment(liveId, "cs_b")
                                    .setTier("viewer")
                                    .setCurrency("USD")
                                    .setAmountMinor(2000)
                                    .setSettlementCurrency("EUR")
                                    .setSettlementAmountMinor(1840L)
                                    .setFeeMinor(53L)
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            publisher
                    .publish(
                            Topic.PAYMENTS,
                            liveId,
                            SampleEvents.payment(liveId, "cs_a")
                                    .setType(PaymentEventType.CHARGE_REFUNDED)
                                    .setFeeMinor(null)
                                    .setFullyRefunded(true)
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            JsonNode revenue = Await.until(
                            DEADLINE,
                            Duration.ofMillis(100),
                            () -> json(call(client, "GET", "/v1/lives/" + liveId + "/revenue", ada.apiKey(), null)),
                            r -> r.get("currencies").size() == 2
                                    && r.get("currencies")
                                                    .get(0)
                                                    .get("totals")
                                                    .get("ticketsRefunded")
                                                    .asLong()
                                            == 1)
                    .value();
            JsonNode eur = revenue.get("currencies").get(0);
            assertThat(eur.get("currency").asText()).isEqualTo("EUR");
            assertThat(eur.get("totals").get("grossMinor").asLong()).isEqualTo(1500);
            assertThat(eur.get("totals").get("ticketsSold").asLong())
                    .as("the redelivery counts once")
                    .isEqualTo(1);
            assertThat(eur.get("totals").get("netMinor").asLong()).isEqualTo(-47);
            assertThat(eur.get("tiers").get("viewer").get("grossMinor").asLong())
                    .isEqualTo(1500);
            assertThat(eur.get("minutes")).hasSize(1);
            JsonNode usd = revenue.get("currencies").get(1);
            assertThat(usd.get("currency").asText()).isEqualTo("USD");
            assertThat(usd.get("settlementCurrency").asText()).isEqualTo("EUR");
            assertThat(usd.get("totals").get("grossMinor").asLong()).isEqualTo(2000);
            assertThat(usd.get("totals").get("netMinor").asLong()).isEqualTo(1840 - 53);

            JsonNode summary = json(call(client, "GET", "/v1/creator/summary", ada.apiKey(), null));
            assertThat(summary.get("currencies").toString()).contains("\"currency\":\"USD\"");
            JsonNode replay = json(call(client, "GET", "/v1/lives/" + liveId + "/replay", ada.apiKey(), null));
            assertThat(replay.get("status").asText()).isEqualTo("none");
            JsonNode audience = json(call(client, "GET", "/v1/lives/" + liveId + "/audience", ada.apiKey(), null));
            assertThat(audience.get("live").get("concurrency")).isEmpty();
        });
    }

    @Test
    void theDashboardSignInSetsAStrictHttpOnlyCookieAndTheKeyNeverReachesThePage() {
        JavalinTest.test(api.app(), (server, client) -> {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                    .build();
            String base = "http://127.0.0.1:" + server.port();
            var signedOut = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/dashboard")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(signedOut.statusCode()).isEqualTo(303);
            assertThat(signedOut.headers().firstValue("Location")).hasValue("/login");

            var wrong =
                    http.send(form(base + "/login", "key=spk_" + "x".repeat(43)), HttpResponse.BodyHandlers.ofString());
            assertThat(wrong.statusCode()).isEqualTo(401);
            assertThat(wrong.body()).contains("current API key");
            assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();

            var signedIn =
                    http.send(form(base + "/login", "key=" + ada.apiKey()), HttpResponse.BodyHandlers.ofString());
            assertThat(signedIn.statusCode()).isEqualTo(303);
            assertThat(signedIn.headers().firstValue("Location")).hasValue("/dashboard");
            String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
            assertThat(setCookie)
                    .startsWith(Sessions.COOKIE + "=")
                    .contains("; HttpOnly")
                    .contains("; SameSite=Strict")
                    .contains("; Path=/")
                    .doesNotContain("Secure") // plain http here; Secure when the public URL is https
                    .doesNotContain(ada.apiKey());
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            var page = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/dashboard"))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(page.statusCode()).isEqualTo(200);
            assertThat(page.body())
                    .contains(ada.creator().getCreatorId())
                    .contains("/webjars/uplot/")
                    .doesNotContain(ada.apiKey())
                    .doesNotContain("https://cdn");
            var lives = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/lives"))
                            .header("Cookie", cookie)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(lives.statusCode())
                    .as("the JSON routes take the cookie too")
                    .isEqualTo(200);
            String tampered = cookie.substring(0, cookie.length() - 1) + (cookie.endsWith("A") ? "B" : "A");
            var forged = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/lives"))
                            .header("Cookie", tampered)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(forged.statusCode())
                    .as("a cookie whose signature does not match")
                    .isEqualTo(401);

            var signOut = http.send(form(base + "/logout", ""), HttpResponse.BodyHandlers.ofString());
            assertThat(signOut.statusCode()).isEqualTo(303);
            assertThat(signOut.headers().firstValue("Set-Cookie").orElseThrow())
                    .startsWith(Sessions.COOKIE + "=;")
                    .contains("Max-Age=0");
        });
    }

    @Test
    void cookieWritesComeOnlyFromTheApisOwnPagesAsJsonAndSignInIsThrottled() {
        JavalinTest.test(api.app(), (server, client) -> {
            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                    .build();
            String base = "http://127.0.0.1:" + server.port();
            String liveId = created(client, ada.apiKey(), liveBody("Guarded", "EUR", 1500))
                    .get("liveId")
                    .asText();
            var elsewhere = http.send(
                    formFrom(base + "/login", "key=" + ada.apiKey(), "https://evil.example"),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(elsewhere.statusCode())
                    .as("another site's form cannot sign a browser in")
                    .isEqualTo(403);
            assertThat(elsewhere.headers().firstValue("Set-Cookie")).isEmpty();
            var signedIn =
                    http.send(form(base + "/login", "key=" + ada.apiKey()), HttpResponse.BodyHandlers.ofString());
            String setCookie = signedIn.headers().firstValue("Set-Cookie").orElseThrow();
            String cookie = setCookie.substring(0, setCookie.indexOf(';'));

            java.util.function.BiFunction<String, String, HttpRequest> rotate = (origin, type) -> {
                HttpRequest.Builder request = HttpRequest.newBuilder(
                                URI.create(base + "/v1/lives/" + liveId + "/stream-key"))
                        .header("Cookie", cookie)
                        .POST(HttpRequest.BodyPublishers.ofString("{}"));
                if (origin != null) {
                    request.header("Origin", origin);
                }
                if (type != null) {
                    request.header("Content-Type", type);
                }
                return request.build();
            };
            var crossSite = http.send(
                    rotate.apply("https://evil.example", "application/json"), HttpResponse.BodyHandlers.ofString());
            assertThat(crossSite.statusCode()).isEqualTo(403);
            assertThat(JSON.readTree(crossSite.body()).get("detail").asText()).contains("this site's own pages");
            assertThat(http.send(rotate.apply(null, "application/json"), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("no Origin at all")
                    .isEqualTo(403);
            assertThat(http.send(
                                    rotate.apply(base, "application/x-www-form-urlencoded"),
                                    HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .as("a form's content type, even from our own origin")
                    .isEqualTo(415);
            String keyBefore = api.views().lives().live(liveId).orElseThrow().getStreamKeySha256();
            assertThat(api.views().lives().live(liveId).orElseThrow().getStreamKeySha256())
                    .as("nothing refused changed the key")
                    .isEqualTo(keyBefore);
            assertThat(http.send(rotate.apply(base, "application/json"), HttpResponse.BodyHandlers.ofString())
                            .statusCode())
                    .isEqualTo(201);
            assertThat(call(client, "POST", "/v1/lives/" + liveId + "/stream-key", ada.apiKey(), "")
                            .code())
                    .as("a script's API key needs no Origin: no browser sends it by itself")
                    .isEqualTo(201);

            int refused = 0;
            for (int attempt = 0; attempt < 12; attempt++) {
                var guess = http.send(
                        form(base + "/login", "key=spk_" + "y".repeat(43)), HttpResponse.BodyHandlers.ofString());
                if (guess.statusCode() == 429) {
                    refused++;
                    assertThat(guess.body()).contains("Too many sign-in attempts");
                }
            }
            assertThat(refused)
                    .as("10 attempts at once per address (1 made above, maybe 1 refilled since), then 429")
                    .isBetween(2, 3);
        });
    }

    @Test
    void everyAnswerCarriesThePageProtections() {
        JavalinTest.test(api.app(), (server, client) -> {
            String liveId = created(client, ada.apiKey(), liveBody("Headers", "EUR", 1500))
                    .get("liveId")
                    .asText();
            for (String path :
                    List.of("/login", "/dashboard", "/lives/" + liveId, "/watch/" + liveId + "?token=x", "/v1/lives")) {
                Response response = call(client, "GET", path, null, null);
                String csp = header(response, "Content-Security-Policy");
                assertThat(csp)
                        .as(path)
                        .contains("script-src 'self';")
                        .contains("frame-ancestors 'none'")
                        .contains("object-src 'none'")
                        .contains("connect-src 'self' http://127.0.0.1:8090")
                        .doesNotContain("unsafe-inline");
                assertThat(header(response, "X-Frame-Options")).as(path).isEqualTo("DENY");
                assertThat(header(response, "X-Content-Type-Options")).as(path).isEqualTo("nosniff");
                assertThat(header(response, "Referrer-Policy")).as(path).isNotBlank();
                assertThat(header(response, "Strict-Transport-Security"))
                        .as("plain http: no HSTS")
                        .isNull();
            }
            Response proxied = client.request(
                    "/login", r -> r.header("X-Forwarded-Proto", "https").get());
            assertThat(header(proxied, "Strict-Transport-Security")).isEqualTo("max-age=31536000");
            Response login = call(client, "GET", "/login", null, null);
            assertThat(login.body().string())
                    .as("no inline script: the CSP would block it")
                    .doesNotContain("<script>");
        });
    }

    @Test
    void aCreatorListsTheSitesThatMayFrameTheirPlayerAndNoOtherCreatorsPage() {
        JavalinTest.test(api.app(), (server, client) -> {
            Catalog.Account fay = new Catalog(publisher, Clock.systemUTC()).register("Fay", null, "EUR");
            Await.expect(
                    "the views know fay",
                    DEADLINE,
                    () -> api.views()
                            .creators()
                            .byId(fay.creator().getCreatorId())
                            .isPresent());
            String own = created(client, fay.apiKey(), liveBody("Framed", "EUR", 1500))
                    .get("liveId")
                    .asText();
            String other = created(client, ada.apiKey(), liveBody("Not framed", "EUR", 1500))
                    .get("liveId")
                    .asText();

            Map<String, String> refused = new LinkedHashMap<>();
            refused.put("{\"embedOrigins\": [\"https://*.example\"]}", "one host");
            refused.put("{\"embedOrigins\": [\"https://site.example/page\"]}", "no path");
            refused.put("{\"embedOrigins\": [\"http://site.example\"]}", "https only");
            refused.put("{\"embedOrigins\": \"https://site.example\"}", "an array of origins");
            refused.put("{\"displayName\": \"Fay\"}", "not changeable here");
            for (Map.Entry<String, String> body : refused.entrySet()) {
                Response response = call(client, "PATCH", "/v1/creator", fay.apiKey(), body.getKey());
                assertThat(response.code()).as(body.getKey()).isEqualTo(400);
                assertThat(response.body().string()).as(body.getKey()).contains(body.getValue());
            }
            assertThat(header(call(client, "GET", "/watch/" + own + "?token=x", null, null), "X-Frame-Options"))
                    .as("nothing listed yet")
                    .isEqualTo("DENY");

            Response set = call(
                    client,
                    "PATCH",
                    "/v1/creator",
                    fay.apiKey(),
                    "{\"embedOrigins\": [\"https://Fay-Yoga.example/\", \"http://127.0.0.1:8888\"]}");
            assertThat(set.code()).isEqualTo(200);
            assertThat(json(set).get("embedOrigins").toString())
                    .isEqualTo("[\"https://fay-yoga.example\",\"http://127.0.0.1:8888\"]");

            Response framed = call(client, "GET", "/watch/" + own + "?token=x", null, null);
            assertThat(header(framed, "Content-Security-Policy"))
                    .contains("frame-ancestors https://fay-yoga.example http://127.0.0.1:8888")
                    .doesNotContain("frame-ancestors 'none'");
            assertThat(header(framed, "X-Frame-Options")).isNull();
            Response notFramed = call(client, "GET", "/watch/" + other + "?token=x", null, null);
            assertThat(header(notFramed, "Content-Security-Policy"))
                    .as("another creator's player page")
                    .contains("frame-ancestors 'none'")
                    .doesNotContain("fay-yoga");
            assertThat(header(call(client, "GET", "/dashboard", null, null), "Content-Security-Policy"))
                    .as("only the player page is framable")
                    .contains("frame-ancestors 'none'");

            assertThat(call(client, "PATCH", "/v1/creator", fay.apiKey(), "{\"embedOrigins\": []}")
                            .code())
                    .isEqualTo(200);
            assertThat(header(call(client, "GET", "/watch/" + own + "?token=x", null, null), "X-Frame-Options"))
                    .as("an emptied list frames nowhere again")
                    .isEqualTo("DENY");
        });
    }

    @Test
    void aKeyMadeAMomentAgoWorksAtOnceAndARotatedKeyEndsItsEventStreams() {
        JavalinTest.test(api.app(), (server, client) -> {
            Catalog.Account eve = new Catalog(publisher, Clock.systemUTC()).register("Eve", null, "EUR");
            assertThat(call(client, "GET", "/v1/creator", eve.apiKey(), null).code())
                    .as("no wait for the views: the lookup syncs them")
                    .isEqualTo(200);
            assertThat(call(client, "GET", "/v1/creator", "spk_" + "z".repeat(43), null)
                            .code())
                    .isEqualTo(401);
            String liveId = created(client, eve.apiKey(), liveBody("Streamed", "EUR", 1500))
                    .get("liveId")
                    .asText();
            java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
            var lines = new java.util.concurrent.LinkedBlockingQueue<String>();
            var stream = http.sendAsync(
                    HttpRequest.newBuilder(
                                    URI.create("http://127.0.0.1:" + server.port() + "/v1/lives/" + liveId + "/events"))
                            .header("Authorization", "Bearer " + eve.apiKey())
                            .header("Accept", "text/event-stream")
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            stream.thenAccept(response -> {
                response.body().forEach(lines::add);
                lines.add("<end>");
            });
            Await.expect("the stream's first event", DEADLINE, () -> lines.contains("event: live"));

            assertThat(call(client, "POST", "/v1/creator/key", eve.apiKey(), "").code())
                    .isEqualTo(201);
            Await.expect("the stream says why it ends", DEADLINE, () -> lines.contains("event: error"));
            Await.expect("and ends", DEADLINE, () -> lines.contains("<end>"));
            assertThat(lines.stream().filter(l -> l.startsWith("data:") && l.contains("rotated")))
                    .hasSize(1);
        });
    }

    @Test
    void aCheckoutNamesAWrongTierAndEmailAndSaysSoWhenStripeDoesNotAnswer() throws Exception {
        JavalinTest.test(api.app(), (server, client) -> {
            String liveId = created(client, ada.apiKey(), liveBody("For sale", "EUR", 1500))
                    .get("liveId")
                    .asText();
            Response wrong = call(
                    client,
                    "POST",
                    "/v1/lives/" + liveId + "/checkout",
                    null,
                    "{\"tier\": \"vip\", \"email\": \"not-an-address\"}");
            assertThat(wrong.code()).isEqualTo(400);
            JsonNode fields = json(wrong).get("fields");
            assertThat(fields.get("tier").asText()).isEqualTo("'vip' is not a tier of this live (viewer)");
            assertThat(fields.get("email").asText()).contains("e-mail address");

            Response missing = call(client, "POST", "/v1/lives/live_" + "0".repeat(32) + "/checkout", null, "{}");
            assertThat(missing.code()).isEqualTo(404);

            Response notOnSale =
                    call(client, "POST", "/v1/lives/" + liveId + "/checkout", null, "{\"tier\": \"viewer\"}");
            assertThat(notOnSale.code())
                    .as("nobody could be paid: the creator has not set up payouts")
                    .isEqualTo(409);
            assertThat(json(notOnSale).get("detail").asText()).contains("setting up payouts");

            String creatorId = ada.creator().getCreatorId();
            publisher
                    .publish(
                            Topic.PAYOUT_ACCOUNTS,
                            creatorId,
                            io.stagepass.events.SampleEvents.payoutAccount(creatorId)
                                    .build())
                    .get(10, java.util.concurrent.TimeUnit.SECONDS);
            io.stagepass.platform.lifecycle.Await.expect(
                    "the payout account in the view",
                    DEADLINE,
                    () -> api.views().payoutAccounts().canSell(creatorId));
            Response unreachable =
                    call(client, "POST", "/v1/lives/" + liveId + "/checkout", null, "{\"tier\": \"viewer\"}");
            assertThat(unreachable.code())
                    .as("Stripe's API does not answer here")
                    .isEqualTo(502);
            assertThat(json(unreachable).get("detail").asText()).contains("nothing was charged");

            Response pending = call(client, "GET", "/v1/lives/" + liveId + "/tickets/cs_test_unknown", null, null);
            assertThat(pending.code()).isEqualTo(200);
            assertThat(json(pending).get("status").asText()).isEqualTo("pending");
            Response garbled = call(client, "GET", "/v1/lives/" + liveId + "/tickets/not-a-session", null, null);
            assertThat(garbled.code()).isEqualTo(400);
            assertThat(json(garbled).get("fields").has("ticketId")).isTrue();
        });
    }

    @Test
    void payoutRoutesRefuseWhoeverIsNotTheCreatorOrTheOperator() {
        JavalinTest.test(api.app(), (server, client) -> {
            for (String path :
                    List.of("/v1/creator/payouts", "/v1/creator/earnings", "/v1/creator/statements/2026-12")) {
                assertThat(call(client, "GET", path, null, null).code())
                        .as(path + " without a key")
                        .isEqualTo(401);
                assertThat(call(client, "GET", path, "spk_" + "x".repeat(43), null)
                                .code())
                        .as(path + " with a key that is no creator's")
                        .isEqualTo(401);
            }
            assertThat(call(client, "POST", "/v1/creator/payouts/onboarding", null, "{}")
                            .code())
                    .isEqualTo(401);
            assertThat(json(call(client, "GET", "/v1/creator/statements/december", ada.apiKey(), null))
                            .get("fields")
                            .get("month")
                            .asText())
                    .contains("yyyy-MM");
            Response onboarding = call(client, "POST", "/v1/creator/payouts/onboarding", ada.apiKey(), "{}");
            assertThat(onboarding.code())
                    .as("Stripe's API does not answer here")
                    .isEqualTo(502);

            java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                    .followRedirects(java.net.http.HttpClient.Redirect.NEVER)
                    .build();
            String base = "http://127.0.0.1:" + server.port();
            String setCookie = http.send(
                            form(base + "/login", "key=" + ada.apiKey()), HttpResponse.BodyHandlers.ofString())
                    .headers()
                    .firstValue("Set-Cookie")
                    .orElseThrow();
            var crossSite = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/creator/payouts/onboarding"))
                            .header("Cookie", setCookie.substring(0, setCookie.indexOf(';')))
                            .header("Origin", "https://evil.example")
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString("{}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(crossSite.statusCode())
                    .as("another site cannot start a creator's onboarding with their cookie")
                    .isEqualTo(403);

            String feeRoute = base + "/v1/operator/creators/" + ada.creator().getCreatorId() + "/platform-fee";
            for (String key : java.util.Arrays.asList(null, ada.apiKey(), SECRETS.operator() + "x")) {
                HttpRequest.Builder put = HttpRequest.newBuilder(URI.create(feeRoute))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"percent\": \"1\"}"));
                HttpRequest.Builder fees = HttpRequest.newBuilder(URI.create(base + "/v1/operator/fees"));
                if (key != null) {
                    put.header("Authorization", "Bearer " + key);
                    fees.header("Authorization", "Bearer " + key);
                }
                assertThat(http.send(put.build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .as("the operator's fee route for " + (key == null ? "no key" : "another key"))
                        .isEqualTo(401);
                assertThat(http.send(fees.build(), HttpResponse.BodyHandlers.ofString())
                                .statusCode())
                        .isEqualTo(401);
            }
            assertThat(api.views()
                            .creators()
                            .byId(ada.creator().getCreatorId())
                            .orElseThrow()
                            .getPlatformFee())
                    .as("nothing refused changed the fee")
                    .isNull();
            var unknown = http.send(
                    HttpRequest.newBuilder(URI.create(base + "/v1/operator/creators/creator_nobody/platform-fee"))
                            .header("Authorization", "Bearer " + SECRETS.operator())
                            .DELETE()
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(unknown.statusCode()).isEqualTo(404);
        });
    }

    /** A form a page of the API sends (browsers send Origin with every POST). */
    private static HttpRequest form(String url, String body) {
        URI uri = URI.create(url);
        return formFrom(url, body, uri.getScheme() + "://" + uri.getRawAuthority());
    }

    private static HttpRequest formFrom(String url, String body, String origin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return request.header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
    }

    /** Ingest's STARTED of the live, once the API's views have it. */
    private void started(String liveId) throws Exception {
        Live scheduled = api.views().lives().live(liveId).orElseThrow();
        publisher
                .publish(
                        Topic.LIVES,
                        liveId,
                        Live.newBuilder(scheduled)
                                .setEventId(Ids.newEventId())
                                .setType(LiveEventType.STARTED)
                                .setStartedAt(Instant.now())
                                .build())
                .get(10, TimeUnit.SECONDS);
        Await.expect(
                "the views see the live started",
                DEADLINE,
                () -> api.views().lives().live(liveId).orElseThrow().getType() == LiveEventType.STARTED);
    }

    static String liveBody(String title, String currency, long price) {
        return "{\"title\": \"" + title + "\", \"currency\": \"" + currency
                + "\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": " + price + "}]}";
    }

    static JsonNode created(HttpClient client, String key, String body) throws Exception {
        Response response = call(client, "POST", "/v1/lives", key, body);
        assertThat(response.code()).as(response.body().string()).isEqualTo(201);
        return json(response);
    }

    static Response call(HttpClient client, String method, String path, String key, String body) {
        Consumer<Request.Builder> request = r -> {
            if (key != null) {
                r.header("Authorization", "Bearer " + key);
            }
            r.header("Content-Type", "application/json");
            HttpRequest.BodyPublisher publisher = HttpRequest.BodyPublishers.ofString(body == null ? "" : body);
            switch (method) {
                case "POST" -> r.post(publisher);
                case "PATCH" -> r.patch(publisher);
                case "DELETE" -> r.delete(HttpRequest.BodyPublishers.noBody());
                default -> r.get();
            }
        };
        return client.request(path, request);
    }

    private static String header(Response response, String name) {
        List<String> values = response.headers().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    static JsonNode json(Response response) throws Exception {
        return JSON.readTree(response.body().string());
    }
}
