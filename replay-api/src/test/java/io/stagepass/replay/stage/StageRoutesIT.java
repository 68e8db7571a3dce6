package io.stagepass.replay.stage;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.testtools.HttpClient;
import io.javalin.testtools.JavalinTest;
import io.javalin.testtools.Request;
import io.javalin.testtools.Response;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.StageKeys;
import io.stagepass.events.TicketTier;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.StripeSettings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.replay.ReplayApiConfig;
import io.stagepass.replay.ReplayApiService;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.LiveSpec;
import io.stagepass.replay.playback.ObjectRoutes;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replay API's stage routes through JavalinTest, on a real Kafka broker: only a standing guest ticket of the live
 * joins its stage (any other ticket, a token of another live or no token is refused, on the JSON route and on the
 * stage page alike), only the live's creator gets its host token and its appearances, and the tokens handed out are
 * stage tokens that ingest's stage secret verifies, for that live and ticket.
 */
class StageRoutesIT {
    private static final ReplayApiConfig.Secrets SECRETS = ReplayApiConfig.Secrets.random();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final String INGEST = "http://127.0.0.1:8090";
    private static final PlaybackTokens PLAYBACK = new PlaybackTokens(SECRETS.playbackTokens());
    private static final PlaybackTokens STAGE = PlaybackTokens.forStage(SECRETS.stage());

    @TempDir
    static Path dir;

    static EmbeddedKafka kafka;
    static EmbeddedS3 s3;
    static EventPublisher publisher;
    static Catalog.Account ada;
    static Catalog.Account bob;
    /** Ada's live, with a guest, a viewer and a refunded guest ticket. */
    static String adasLive;
    /** Bob's live, with a guest ticket of its own. */
    static String bobsLive;

    ReplayApiService api;

    @BeforeAll
    static void startServers() throws Exception {
        kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
        s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "test-access", "test-secret-key");
        publisher = new EventPublisher(kafka.settings(), "stage-routes-it");
        Catalog catalog = new Catalog(publisher, Clock.systemUTC());
        ada = catalog.register("Ada's Yoga", "ada@example.com", "EUR");
        bob = catalog.register("Bob's Bass", null, "EUR");
        adasLive = withGuests(catalog, ada, "Flow with a guest");
        bobsLive = withGuests(catalog, bob, "Bass with a guest");

        pay(adasLive, "cs_guest", "guest");
        pay(adasLive, "cs_viewer", "viewer");
        pay(adasLive, "cs_refunded_guest", "guest");
        publisher
                .publish(
                        Topic.PAYMENTS,
                        adasLive,
                        SampleEvents.payment(adasLive, "cs_refunded_guest")
                                .setType(PaymentEventType.CHARGE_REFUNDED)
                                .setTier("guest")
                                .setFullyRefunded(true)
                                .build())
                .get(10, TimeUnit.SECONDS);
        pay(bobsLive, "cs_bobs_guest", "guest");
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
                INGEST,
                16L * 1024 * 1024,
                null,
                new StripeSettings("sk_test_it", "http://127.0.0.1:1"),
                "rtmp://127.0.0.1:1935/live",
                List.of(),
                io.stagepass.replay.PlaybackIT.PLATFORM_FEE));
        assertThat(api.views().topicView().awaitReady(DEADLINE)).isTrue();
        assertThat(api.views().tickets().ticket(bobsLive, "cs_bobs_guest"))
                .as("the views hold every payment written before they started")
                .isPresent();
    }

    @AfterEach
    void closeApi() {
        api.close();
    }

    @Test
    void joiningTheStageNeedsAGenuinePlaybackToken() {
        JavalinTest.test(api.app(), (server, client) -> {
            Response none = call(client, "POST", join(adasLive), null);
            assertThat(none.code()).isEqualTo(401);
            assertThat(json(none).get("detail").asText()).contains("a playback token is required");

            String stageToken = STAGE.issue(adasLive, "cs_guest", Instant.now().plusSeconds(60), "guest");
            Response notPlayback = call(client, "POST", join(adasLive), stageToken);
            assertThat(notPlayback.code())
                    .as("a stage token is not a playback token: it cannot get another")
                    .isEqualTo(401);
            assertThat(json(notPlayback).get("detail").asText()).contains("not valid");
        });
    }

    @Test
    void aViewerTicketIsToldThatOnlyAGuestTicketJoinsTheStage() {
        JavalinTest.test(api.app(), (server, client) -> {
            Response viewer = call(client, "POST", join(adasLive), token(adasLive, "cs_viewer"));
            assertThat(viewer.code()).isEqualTo(403);
            JsonNode body = json(viewer);
            assertThat(body.get("error").asText()).isEqualTo("Forbidden");
            assertThat(body.get("detail").asText())
                    .contains("only a guest ticket joins the stage")
                    .contains("this one is a viewer ticket");
            assertThat(body.has("token")).isFalse();
        });
    }

    @Test
    void aGuestTicketOfAnotherLiveDoesNotJoinThisStage() {
        JavalinTest.test(api.app(), (server, client) -> {
            Response otherLive = call(client, "POST", join(adasLive), token(bobsLive, "cs_bobs_guest"));
            assertThat(otherLive.code())
                    .as("bob's guest's token on ada's stage")
                    .isEqualTo(403);
            assertThat(json(otherLive).get("detail").asText()).isEqualTo("this token is for another live");

            Response borrowed = call(client, "POST", join(adasLive), token(adasLive, "cs_bobs_guest"));
            assertThat(borrowed.code())
                    .as("bob's live's guest ticket named in a token for ada's live")
                    .isEqualTo(403);
            assertThat(json(borrowed).get("detail").asText()).contains("no payment is recorded");

            Response refunded = call(client, "POST", join(adasLive), token(adasLive, "cs_refunded_guest"));
            assertThat(refunded.code())
                    .as("a guest ticket that no longer stands")
                    .isEqualTo(403);
            assertThat(json(refunded).get("detail").asText()).isEqualTo("the ticket was refunded");

            Response own = call(client, "POST", join(bobsLive), token(bobsLive, "cs_bobs_guest"));
            assertThat(own.code())
                    .as("the same guest on their own live's stage")
                    .isEqualTo(200);
        });
    }

    @Test
    void aStandingGuestTicketGetsAShortLivedGuestStageTokenForItsLiveAndTicket() {
        JavalinTest.test(api.app(), (server, client) -> {
            Instant before = Instant.now();
            Response joined = call(client, "POST", join(adasLive), token(adasLive, "cs_guest"));
            assertThat(joined.code()).isEqualTo(200);
            JsonNode body = json(joined);
            assertThat(body.get("websocket").asText()).isEqualTo("ws://127.0.0.1:8090/v1/stage/guest");
            Instant expiresAt = Instant.parse(body.get("expiresAt").asText());
            assertThat(expiresAt)
                    .isAfter(before)
                    .isBeforeOrEqualTo(Instant.now().plus(StageRoutes.GUEST_TOKEN_TTL));

            String stageToken = body.get("token").asText();
            PlaybackTokens.Claims claims =
                    STAGE.verify(stageToken, Instant.now()).orElseThrow();
            assertThat(claims.liveId()).isEqualTo(adasLive);
            assertThat(claims.ticketId()).contains("cs_guest");
            assertThat(claims.session()).contains("guest");
            assertThat(claims.expiresAt()).isEqualTo(Instant.ofEpochSecond(expiresAt.getEpochSecond()));
        });
    }

    @Test
    void aStandingGuestTicketGetsAGuestStageKeyInItsNameAndNoOtherTicketDoes() {
        JavalinTest.test(api.app(), (server, client) -> {
            String encoder = "/v1/lives/" + adasLive + "/stage/encoder";
            assertThat(call(client, "POST", encoder, null, "{\"name\":\"Ana\"}").code())
                    .isEqualTo(401);
            Response viewer = call(client, "POST", encoder, token(adasLive, "cs_viewer"), "{\"name\":\"Vic\"}");
            assertThat(viewer.code()).isEqualTo(403);
            assertThat(json(viewer).has("streamKey")).isFalse();
            assertThat(call(client, "POST", encoder, token(adasLive, "cs_refunded_guest"), "{\"name\":\"Ana\"}")
                            .code())
                    .isEqualTo(403);
            Response nameless = call(client, "POST", encoder, token(adasLive, "cs_guest"), "{\"name\":\" \\u0000 \"}");
            assertThat(nameless.code()).isEqualTo(400);
            assertThat(json(nameless).get("detail").asText()).contains("the name viewers see");

            Instant before = Instant.now();
            Response key = call(client, "POST", encoder, token(adasLive, "cs_guest"), "{\"name\":\"  Ana \"}");
            assertThat(key.code()).isEqualTo(200);
            JsonNode body = json(key);
            assertThat(body.get("server").asText()).isEqualTo("rtmp://127.0.0.1:1935/live");
            assertThat(body.get("name").asText()).isEqualTo("Ana");
            String streamKey = body.get("streamKey").asText();
            PlaybackTokens.Claims claims =
                    STAGE.verify(StageKeys.token(streamKey), Instant.now()).orElseThrow();
            assertThat(claims.liveId()).isEqualTo(adasLive);
            assertThat(claims.ticketId()).contains("cs_guest");
            assertThat(claims.session().flatMap(StageKeys::name)).contains("Ana");
            assertThat(claims.expiresAt()).isAfter(before.plus(Duration.ofHours(23)));
            assertThat(PLAYBACK.verify(StageKeys.token(streamKey), Instant.now()))
                    .as("a stage key is no playback token")
                    .isEmpty();
        });
    }

    @Test
    void theStageIsWhereTheCreatorStreamsAsTheLatestHealthReportSaysAndTheDefaultOtherwise() throws Exception {
        JavalinTest.test(api.app(), (server, client) -> {
            JsonNode before = json(call(client, "POST", join(bobsLive), token(bobsLive, "cs_bobs_guest")));
            assertThat(before.get("websocket").asText())
                    .as("no report: the configured ingest")
                    .isEqualTo("ws://127.0.0.1:8090/v1/stage/guest");
            publisher
                    .publish(
                            Topic.STREAM_HEALTH,
                            bobsLive,
                            SampleEvents.streamHealth(bobsLive)
                                    .setIngestUrl("https://ingest-2.example")
                                    .setRtmpUrl("rtmp://ingest-2.example/live")
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            io.stagepass.platform.lifecycle.Await.expect(
                    "the report in the API's view",
                    DEADLINE,
                    () -> api.views().health().of(bobsLive).isPresent());

            JsonNode joined = json(call(client, "POST", join(bobsLive), token(bobsLive, "cs_bobs_guest")));
            assertThat(joined.get("websocket").asText()).isEqualTo("wss://ingest-2.example/v1/stage/guest");
            JsonNode key = json(call(
                    client,
                    "POST",
                    "/v1/lives/" + bobsLive + "/stage/encoder",
                    token(bobsLive, "cs_bobs_guest"),
                    "{\"name\":\"Bo\"}"));
            assertThat(key.get("server").asText()).isEqualTo("rtmp://ingest-2.example/live");
            JsonNode host = json(call(client, "POST", hostToken(bobsLive), bob.apiKey()));
            assertThat(host.get("stage").asText()).isEqualTo("https://ingest-2.example/v1/stage/lives/" + bobsLive);
            assertThat(host.get("listen").asText()).isEqualTo("wss://ingest-2.example/v1/stage/listen");

            // Neither a report dated far ahead (a forged fact, a clock far off) nor an older one moves the stage;
            // a report that names no instance (the one the creator left, reporting the live as quiet) does not either.
            publisher
                    .publish(
                            Topic.STREAM_HEALTH,
                            bobsLive,
                            SampleEvents.streamHealth(bobsLive)
                                    .setOccurredAt(Instant.now().plus(Duration.ofHours(1)))
                                    .setIngestUrl("https://forged.example")
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            publisher
                    .publish(
                            Topic.STREAM_HEALTH,
                            bobsLive,
                            SampleEvents.streamHealth(bobsLive)
                                    .setOccurredAt(Instant.now().minus(Duration.ofMinutes(2)))
                                    .setLastMediaAt(Instant.now().minus(Duration.ofMinutes(2)))
                                    .setIngestUrl("https://ingest-3.example")
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            String marker = "evt_marker_" + System.nanoTime();
            publisher
                    .publish(
                            Topic.STREAM_HEALTH,
                            bobsLive,
                            SampleEvents.streamHealth(bobsLive)
                                    .setEventId(marker)
                                    .setOccurredAt(Instant.now().plus(Duration.ofHours(2)))
                                    .build())
                    .get(10, TimeUnit.SECONDS);
            io.stagepass.platform.lifecycle.Await.expect(
                    "the reports in the API's view",
                    DEADLINE,
                    () -> api.views()
                            .health()
                            .of(bobsLive)
                            .map(h -> h.getEventId().equals(marker))
                            .orElse(false));
            assertThat(json(call(client, "POST", join(bobsLive), token(bobsLive, "cs_bobs_guest")))
                            .get("websocket")
                            .asText())
                    .isEqualTo("wss://ingest-2.example/v1/stage/guest");
        });
    }

    @Test
    void onlyTheLivesCreatorGetsAHostStageToken() {
        JavalinTest.test(api.app(), (server, client) -> {
            Response none = call(client, "POST", hostToken(adasLive), null);
            assertThat(none.code()).isEqualTo(401);
            assertThat(json(none).get("detail").asText()).contains("API key");

            Response unknown = call(client, "POST", hostToken(adasLive), "spk_" + "x".repeat(43));
            assertThat(unknown.code()).isEqualTo(401);

            Response guest = call(client, "POST", hostToken(adasLive), token(adasLive, "cs_guest"));
            assertThat(guest.code())
                    .as("a guest's playback token is no creator's key")
                    .isEqualTo(401);

            Response other = call(client, "POST", hostToken(adasLive), bob.apiKey());
            assertThat(other.code())
                    .as("another creator's key: 404, as if the live did not exist")
                    .isEqualTo(404);
            JsonNode refused = json(other);
            assertThat(refused.get("detail").asText()).isEqualTo("no live " + adasLive);
            assertThat(refused.has("token")).isFalse();

            Instant before = Instant.now();
            Response owner = call(client, "POST", hostToken(adasLive), ada.apiKey());
            assertThat(owner.code()).isEqualTo(200);
            JsonNode body = json(owner);
            assertThat(body.get("stage").asText()).isEqualTo(INGEST + "/v1/stage/lives/" + adasLive);
            Instant expiresAt = Instant.parse(body.get("expiresAt").asText());
            assertThat(expiresAt)
                    .isAfter(before.plus(StageRoutes.HOST_TOKEN_TTL).minusSeconds(60))
                    .isBeforeOrEqualTo(Instant.now().plus(StageRoutes.HOST_TOKEN_TTL));
            PlaybackTokens.Claims claims =
                    STAGE.verify(body.get("token").asText(), Instant.now()).orElseThrow();
            assertThat(claims.liveId()).isEqualTo(adasLive);
            assertThat(claims.ticketId()).as("a host token carries no ticket").isEmpty();
            assertThat(claims.session()).contains("host");
        });
    }

    @Test
    void theStageAppearancesAreTheCreatorsOwn() {
        JavalinTest.test(api.app(), (server, client) -> {
            String path = "/v1/lives/" + adasLive + "/stage/appearances";
            Response none = call(client, "GET", path, null);
            assertThat(none.code()).isEqualTo(401);
            assertThat(json(none).has("appearances")).isFalse();

            Response guest = call(client, "GET", path, token(adasLive, "cs_guest"));
            assertThat(guest.code())
                    .as("a guest's playback token is no creator's key")
                    .isEqualTo(401);

            Response other = call(client, "GET", path, bob.apiKey());
            assertThat(other.code()).isEqualTo(404);
            JsonNode refused = json(other);
            assertThat(refused.get("detail").asText()).isEqualTo("no live " + adasLive);
            assertThat(refused.has("appearances")).isFalse();

            Response owner = call(client, "GET", path, ada.apiKey());
            assertThat(owner.code()).isEqualTo(200);
            JsonNode body = json(owner);
            assertThat(body.get("liveId").asText()).isEqualTo(adasLive);
            assertThat(body.get("appearances"))
                    .as("nobody has been on stage yet")
                    .isEmpty();
        });
    }

    @Test
    void theStagePageSaysWhyItRefusesAndOpensForAGuest() {
        JavalinTest.test(api.app(), (server, client) -> {
            String viewerToken = token(adasLive, "cs_viewer");
            Response viewer = call(client, "GET", "/stage/" + adasLive + "?token=" + viewerToken, null);
            assertThat(viewer.code()).isEqualTo(403);
            String refusedPage = viewer.body().string();
            assertThat(refusedPage)
                    .contains("You cannot join this stage")
                    .contains("only a guest ticket joins the stage; this one is a viewer ticket")
                    .doesNotContain("id=\"stage-page\"")
                    .doesNotContain(viewerToken);

            Response none = call(client, "GET", "/stage/" + adasLive, null);
            assertThat(none.code()).isEqualTo(401);
            assertThat(none.body().string())
                    .contains("You cannot join this stage")
                    .contains("a playback token is required")
                    .doesNotContain("id=\"stage-page\"");

            Response otherLive =
                    call(client, "GET", "/stage/" + adasLive + "?token=" + token(bobsLive, "cs_bobs_guest"), null);
            assertThat(otherLive.code()).isEqualTo(403);
            assertThat(otherLive.body().string()).contains("this token is for another live");

            String guestToken = token(adasLive, "cs_guest");
            Response guest = call(client, "GET", "/stage/" + adasLive + "?token=" + guestToken, null);
            assertThat(guest.code()).isEqualTo(200);
            assertThat(guest.body().string())
                    .contains("id=\"stage-page\"")
                    .contains("data-live=\"" + adasLive + "\"")
                    .doesNotContain("You cannot join this stage");
        });
    }

    /** A live of {@code creator} that sells viewer and guest tickets. */
    private static String withGuests(Catalog catalog, Catalog.Account creator, String title) {
        return catalog.schedule(
                        creator.creator().getCreatorId(),
                        new LiveSpec(
                                title,
                                null,
                                Instant.now().plus(Duration.ofDays(1)),
                                "EUR",
                                List.of(new TicketTier("viewer", 1500L), new TicketTier("guest", 4500L)),
                                LiveSpec.DEFAULT_REPLAY_DAYS,
                                LiveSpec.DEFAULT_SCREENS,
                                0,
                                true))
                .live()
                .getLiveId();
    }

    private static void pay(String liveId, String ticketId, String tier) throws Exception {
        publisher
                .publish(
                        Topic.PAYMENTS,
                        liveId,
                        SampleEvents.payment(liveId, ticketId).setTier(tier).build())
                .get(10, TimeUnit.SECONDS);
    }

    private static String token(String liveId, String ticketId) {
        return PLAYBACK.issue(liveId, ticketId, Instant.now().plusSeconds(3600));
    }

    private static String join(String liveId) {
        return "/v1/lives/" + liveId + "/stage/join";
    }

    private static String hostToken(String liveId) {
        return "/v1/creator/lives/" + liveId + "/stage-token";
    }

    /** A request with {@code bearer} (a playback token or an API key) as {@code Authorization: Bearer}, if not null. */
    private static Response call(HttpClient client, String method, String path, String bearer) {
        return call(client, method, path, bearer, "");
    }

    private static Response call(HttpClient client, String method, String path, String bearer, String body) {
        Consumer<Request.Builder> request = r -> {
            if (bearer != null) {
                r.header("Authorization", "Bearer " + bearer);
            }
            r.header("Content-Type", "application/json");
            if (method.equals("POST")) {
                r.post(HttpRequest.BodyPublishers.ofString(body));
            } else {
                r.get();
            }
        };
        return client.request(path, request);
    }

    private static JsonNode json(Response response) throws Exception {
        return JSON.readTree(response.body().string());
    }
}
