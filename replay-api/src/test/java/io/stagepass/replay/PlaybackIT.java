package io.stagepass.replay;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.Ids;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.platform.config.StripeSettings;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.playback.ObjectRoutes;
import io.stagepass.replay.playback.SignedUrls;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playback on real parts (a Kafka broker, an S3 server, the jobs worker's real replays, the replay API): who is let in
 * and who is refused, with which status and reason; what the links inside the playlists allow; the live, the ended and
 * the replayed states; what operators see.
 */
public class PlaybackIT {
    /** 10 % + 0.30 EUR, as the default. */
    public static final io.stagepass.replay.payouts.PlatformFee PLATFORM_FEE =
            new io.stagepass.replay.payouts.PlatformFee(1000, java.util.Map.of("EUR", 30L));

    private static final ReplayApiConfig.Secrets SECRETS = ReplayApiConfig.Secrets.random();
    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final HttpClient HTTP =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> REQUEST_LOG = Collections.synchronizedList(new ArrayList<>());

    @TempDir
    static Path dir;

    static ReplayFixture fixture;
    static ReplayApiService api;
    static PlaybackTokens tokens = new PlaybackTokens(SECRETS.playbackTokens());
    static String replayed;
    static String expired;
    static ReplayFixture.LiveBuilder streaming;

    @BeforeAll
    static void start() throws Exception {
        captureRequestLog();
        fixture = new ReplayFixture(dir);
        fixture.startWorker();
        replayed = fixture.live(fixture.media("replayed", 20, false), false).publish();
        assertThat(fixture.awaitFinal(replayed).getType()).isEqualTo(ReplayEventType.READY);
        fixture.worker.close(); // the other lives stay unpackaged: their states are what is looked at
        fixture.worker = null;
        expired = fixture.live(fixture.media("expired", 4, false), false)
                .replayDays(1)
                .endedAt(Instant.now().minus(Duration.ofDays(2)))
                .publish();
        streaming = fixture.live(fixture.media("streaming", 20, false), false);
        streaming.start();

        pay(replayed, "cs_paid");
        pay(replayed, "cs_screens");
        pay(replayed, "cs_refunded");
        fixture.send(
                Topic.PAYMENTS,
                fact(replayed, "cs_refunded", PaymentEventType.CHARGE_REFUNDED)
                        .setFullyRefunded(true)
                        .build());
        pay(replayed, "cs_disputed");
        fixture.send(
                Topic.PAYMENTS,
                fact(replayed, "cs_disputed", PaymentEventType.DISPUTE_OPENED).build());
        pay(replayed, "cs_won");
        fixture.send(
                Topic.PAYMENTS,
                fact(replayed, "cs_won", PaymentEventType.DISPUTE_OPENED).build());
        fixture.send(
                Topic.PAYMENTS,
                fact(replayed, "cs_won", PaymentEventType.DISPUTE_CLOSED)
                        .setDisputeOutcome(DisputeOutcome.WON)
                        .build());
        fixture.send(
                Topic.PAYMENTS,
                fact(replayed, "cs_unpaid", PaymentEventType.CHECKOUT_COMPLETED)
                        .setPaid(false)
                        .build());
        pay(expired, "cs_expired");
        pay(streaming.liveId, "cs_live");

        api = ReplayApiService.start(config(ObjectRoutes.Delivery.STREAM));
        Await.expect(
                "the views hold the last payment",
                DEADLINE,
                () -> get(master(streaming.liveId), token(streaming.liveId, "cs_live"))
                                .statusCode()
                        == 200);
        Await.expect(
                "the views hold the replay",
                DEADLINE,
                () -> get(master(replayed), token(replayed, "cs_won")).statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (api != null) {
            api.close();
        }
        fixture.close();
    }

    static ReplayApiConfig config(ObjectRoutes.Delivery delivery) {
        return new ReplayApiConfig(
                "127.0.0.1",
                0,
                fixture.kafka.settings(),
                fixture.s3.settings(),
                SECRETS,
                Duration.ofMinutes(10),
                delivery,
                fixture.s3.settings().endpoint(),
                "http://127.0.0.1:1",
                64L * 1024 * 1024,
                null,
                new StripeSettings(StripeSettings.EMBEDDED_API_KEY, "http://127.0.0.1:1"),
                "rtmp://127.0.0.1:1935/live",
                java.util.List.of(),
                PLATFORM_FEE);
    }

    private static PaymentFact.Builder fact(String live, String ticket, PaymentEventType type) {
        return SampleEvents.payment(live, ticket).setType(type);
    }

    private static void pay(String live, String ticket) throws Exception {
        fixture.send(
                Topic.PAYMENTS,
                fact(live, ticket, PaymentEventType.CHECKOUT_COMPLETED).build());
    }

    static String token(String live, String ticket) {
        return tokens.issue(live, ticket, Instant.now().plusSeconds(3600));
    }

    static String master(String live) {
        return "/v1/lives/" + live + "/master.m3u8";
    }

    /** The screen this test's requests play on (each player names its own). */
    static final String SCREEN = "it-screen-0001";

    static HttpResponse<String> get(String path, String token) throws Exception {
        String query = token == null
                ? ""
                : (path.contains("?") ? "&" : "?") + "token=" + token
                        + (path.contains("screen=") ? "" : "&screen=" + SCREEN);
        return HTTP.send(HttpRequest.newBuilder(url(path + query)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> send(String method, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(url(path))
                        .method(method, HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static URI url(String path) {
        return URI.create("http://127.0.0.1:" + api.port() + path);
    }

    @Test
    void aTicketPlaysOnTwoScreensAndAThirdMayTakeOverTheOldest() throws Exception {
        String token = token(replayed, "cs_screens");
        String q = "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&screen=";
        assertThat(get(master(replayed) + q + "screen-phone-01", null).statusCode())
                .isEqualTo(200);
        assertThat(get(master(replayed) + q + "screen-tv-000002", null).statusCode())
                .isEqualTo(200);
        HttpResponse<String> third = get(master(replayed) + q + "screen-laptop-03", null);
        assertThat(third.statusCode()).as("a third screen").isEqualTo(409);
        assertThat(JSON.readTree(third.body()).get("detail").asText())
                .contains("playing on 2 other screens")
                .contains("watch here instead");
        assertThat(get(master(replayed) + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null)
                        .statusCode())
                .as("no screen named: no way around the count")
                .isEqualTo(400);
        assertThat(get(master(replayed) + q + "screen-phone-01", null).statusCode())
                .as("a screen that holds its lease renews it")
                .isEqualTo(200);

        HttpResponse<String> takeOver =
                send("POST", "/v1/lives/" + replayed + "/playback/takeover" + q + "screen-laptop-03");
        assertThat(takeOver.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(takeOver.body()).get("master").asText()).contains("screen=screen-laptop-03");
        assertThat(get(master(replayed) + q + "screen-phone-01", null).statusCode())
                .as("the oldest screen was ended")
                .isEqualTo(409);
        assertThat(get(master(replayed) + q + "screen-tv-000002", null).statusCode())
                .isEqualTo(200);

        assertThat(send("POST", "/v1/lives/" + replayed + "/playback/release" + q + "screen-tv-000002")
                        .statusCode())
                .isEqualTo(204);
        assertThat(get(master(replayed) + q + "screen-phone-01", null).statusCode())
                .as("a released screen is free at once")
                .isEqualTo(200);

        // The two screen routes check the token as every playback route does: a refunded ticket takes no screen
        // over, a forged token releases none.
        String refunded =
                "?token=" + URLEncoder.encode(token(replayed, "cs_refunded"), StandardCharsets.UTF_8) + "&screen=";
        assertThat(send("POST", "/v1/lives/" + replayed + "/playback/takeover" + refunded + "screen-desk-0004")
                        .statusCode())
                .isEqualTo(403);
        int middle = token.length() / 2;
        String forged =
                token.substring(0, middle) + (token.charAt(middle) == 'A' ? 'B' : 'A') + token.substring(middle + 1);
        assertThat(send(
                                "POST",
                                "/v1/lives/" + replayed + "/playback/release?token="
                                        + URLEncoder.encode(forged, StandardCharsets.UTF_8)
                                        + "&screen=screen-laptop-03")
                        .statusCode())
                .isEqualTo(401);
        assertThat(get(master(replayed) + q + "screen-desk-0005", null).statusCode())
                .as("both screens still held: the refused routes changed nothing")
                .isEqualTo(409);
    }

    @Test
    void everyWrongTokenIsRefusedWithItsStatusAndReason() throws Exception {
        String good = token(replayed, "cs_paid");
        int middle = good.length() / 2;
        String forged =
                good.substring(0, middle) + (good.charAt(middle) == 'A' ? 'B' : 'A') + good.substring(middle + 1);
        Map<String, Object[]> cases = new LinkedHashMap<>();
        cases.put("missing", new Object[] {null, 401, "token is required"});
        cases.put("forged", new Object[] {forged, 401, "not valid"});
        cases.put("expired", new Object[] {
            tokens.issue(replayed, "cs_paid", Instant.now().minusSeconds(5)), 401, "not valid"
        });
        cases.put("other live", new Object[] {token(streaming.liveId, "cs_live"), 403, "another live"});
        cases.put("no ticket", new Object[] {
            tokens.issue(replayed, null, Instant.now().plusSeconds(60)), 403, "no ticket"
        });
        cases.put("refunded", new Object[] {token(replayed, "cs_refunded"), 403, "refunded"});
        cases.put("disputed", new Object[] {token(replayed, "cs_disputed"), 403, "disputed"});
        cases.put("unpaid", new Object[] {token(replayed, "cs_unpaid"), 403, "not succeeded"});
        cases.put("never bought", new Object[] {token(replayed, "cs_nobody"), 403, "no payment"});
        for (Map.Entry<String, Object[]> c : cases.entrySet()) {
            HttpResponse<String> response = get(master(replayed), (String) c.getValue()[0]);
            assertThat(response.statusCode()).as(c.getKey()).isEqualTo(c.getValue()[1]);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.get("detail").asText()).as(c.getKey()).contains((String) c.getValue()[2]);
            assertThat(body.get("error").asText()).as(c.getKey()).isNotBlank();
        }
        HttpResponse<String> window = get(master(expired), token(expired, "cs_expired"));
        assertThat(window.statusCode()).isEqualTo(403);
        assertThat(window.body()).contains("replay window");

        assertThat(get(master(replayed), token(replayed, "cs_won")).statusCode())
                .as("a won dispute restores the ticket")
                .isEqualTo(200);
        HttpResponse<String> bearer = HTTP.send(
                HttpRequest.newBuilder(url(master(replayed) + "?screen=" + SCREEN))
                        .header("Authorization", "Bearer " + good)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(bearer.statusCode()).isEqualTo(200);
        assertThat(get("/watch/" + replayed, token(replayed, "cs_refunded")).body())
                .as("the refusal page")
                .contains("You cannot watch this live")
                .contains("the ticket was refunded");
    }

    @Test
    void aTicketHolderGetsTheReplayThroughShortLivedLinks() throws Exception {
        String token = token(replayed, "cs_paid");
        HttpResponse<String> master = get(master(replayed), token);
        assertThat(master.headers().firstValue("Cache-Control")).contains("no-cache");
        assertThat(master.headers().firstValue("X-Stagepass-Mode")).contains("replay");
        String mediaUrl = master.body()
                .lines()
                .filter(l -> l.startsWith("/v1/"))
                .findFirst()
                .orElseThrow();
        assertThat(mediaUrl).startsWith("/v1/lives/" + replayed + "/replay/1/media.m3u8?token=");
        String media = HTTP.send(HttpRequest.newBuilder(url(mediaUrl)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(media).contains("#EXT-X-ENDLIST").contains("#EXT-X-BYTERANGE:");
        String link = media.lines()
                .filter(l -> l.startsWith("/v1/lives/"))
                .findFirst()
                .orElseThrow();
        assertThat(link)
                .matches("/v1/lives/" + replayed
                        + "/objects/replays/v1/media-0\\.mp4\\?t=tk_[A-Za-z0-9_-]{22}&e=\\d+&s=[A-Za-z0-9_-]+");
        long expires = Long.parseLong(link.replaceAll(".*&e=(\\d+).*", "$1"));
        assertThat(expires - Instant.now().getEpochSecond())
                .as("links live at most 10 minutes")
                .isBetween(1L, 600L);

        HttpResponse<byte[]> whole =
                HTTP.send(HttpRequest.newBuilder(url(link)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("Content-Type")).contains("video/mp4");
        assertThat(whole.headers().firstValue("Cache-Control")).contains("private, max-age=600, immutable");
        assertThat(whole.headers().firstValue("Accept-Ranges")).contains("bytes");
        HttpResponse<byte[]> part = HTTP.send(
                HttpRequest.newBuilder(url(link))
                        .header("Range", "bytes=100-299")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(part.statusCode()).isEqualTo(206);
        assertThat(part.headers().firstValue("Content-Range")).contains("bytes 100-299/" + whole.body().length);
        assertThat(part.body()).isEqualTo(Arrays.copyOfRange(whole.body(), 100, 300));
        HttpResponse<byte[]> beyond = HTTP.send(
                HttpRequest.newBuilder(url(link))
                        .header("Range", "bytes=" + whole.body().length + "-")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(beyond.statusCode()).isEqualTo(416);

        JsonNode playback =
                JSON.readTree(get("/v1/lives/" + replayed + "/playback", token).body());
        assertThat(playback.get("mode").asText()).isEqualTo("replay");
        HttpResponse<byte[]> download = HTTP.send(
                HttpRequest.newBuilder(url(playback.get("download").asText()))
                        .header("Range", "bytes=0-7")
                        .build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(download.statusCode()).isEqualTo(206);
        assertThat(new String(download.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(
                                                url(playback.get("poster").asText()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofByteArray())
                        .headers()
                        .firstValue("Content-Type"))
                .contains("image/jpeg");
        String vtt = get(playback.get("thumbnails").asText(), null).body();
        Matcher sprite = Pattern.compile("(/v1/lives/\\S+sprite-0\\.jpg\\?\\S+)#xywh=0,0,160,90")
                .matcher(vtt);
        assertThat(sprite.find()).as(vtt).isTrue();
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(url(sprite.group(1))).build(),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aLinkThatWasTamperedWithOrHasExpiredIsRefused() throws Exception {
        SignedUrls.ObjectRef object =
                SignedUrls.parse(replayed, "replays", "v1/poster.jpg").orElseThrow();
        SignedUrls urls = new SignedUrls(SECRETS.objectLinks(), Duration.ofMinutes(10));
        String good = urls.sign(object, "cs_paid", Instant.now());
        assertThat(status(good)).isEqualTo(200);
        assertThat(status(good.replace("poster.jpg", "download.mp4")))
                .as("another object")
                .isEqualTo(403);
        SignedUrls links = new SignedUrls(SECRETS.objectLinks(), Duration.ofMinutes(10));
        assertThat(status(good.replace(
                        "t=" + links.ticketRef(replayed, "cs_paid"), "t=" + links.ticketRef(replayed, "cs_other"))))
                .as("another ticket")
                .isEqualTo(403);
        assertThat(status(good.substring(0, good.length() - 2) + "AA"))
                .as("tampered signature")
                .isEqualTo(403);
        String old = urls.sign(object, "cs_paid", Instant.now().minus(Duration.ofMinutes(11)));
        HttpResponse<String> expiredLink =
                HTTP.send(HttpRequest.newBuilder(url(old)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(expiredLink.statusCode()).isEqualTo(403);
        assertThat(expiredLink.body()).contains("expired");
        assertThat(status("/v1/lives/" + replayed + "/objects/replays/v1/poster.jpg"))
                .as("unsigned")
                .isEqualTo(403);
    }

    @Test
    void aPathThatLeavesTheLivesPrefixIsABadRequestHoweverItIsEncoded() throws Exception {
        String base = "/v1/lives/" + replayed + "/objects/replays/";
        for (String path : List.of(
                base + "../../" + streaming.liveId + "/v1/master.m3u8",
                base + "%2e%2e/%2e%2e/x/v1/master.m3u8",
                base + "%252e%252e/%252e%252e/x",
                base + "v1%2f..%2f..%2fx",
                base + "..%5c..%5cx",
                "/v1/lives/../lives/" + replayed + "/master.m3u8")) {
            assertThat(rawStatus(path)).as(path).isEqualTo(400);
        }
    }

    @Test
    void nothingInAnyBucketIsReadableAnonymouslyOrWithAWrongKey() throws Exception {
        String key = replayed + "/v1/master.m3u8";
        Map<String, String> existing = Map.of("replays", key, "segments", replayed + "/00000000.ts");
        for (Map.Entry<String, String> object : existing.entrySet()) {
            URI uri = URI.create(fixture.s3.settings().endpoint() + "/" + object.getKey() + "/" + object.getValue());
            HttpResponse<String> anonymous =
                    HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(anonymous.statusCode()).as("anonymous GET of " + uri).isEqualTo(403);
        }
        for (String bucket : List.of("replays", "segments", "lake", "checkpoints")) {
            URI uri = URI.create(fixture.s3.settings().endpoint() + "/" + bucket);
            HttpResponse<String> listing =
                    HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listing.statusCode())
                    .as("anonymous listing of " + bucket)
                    .isEqualTo(403);
        }
        try (MinioClient wrong = MinioClient.builder()
                .endpoint(fixture.s3.settings().endpoint().toString())
                .credentials(fixture.s3.settings().accessKey(), "not-the-secret")
                .region("us-east-1")
                .build()) {
            assertThat(Assertions.catchThrowable(() -> wrong.getObject(GetObjectArgs.builder()
                            .bucket("replays")
                            .object(key)
                            .build())))
                    .isInstanceOf(ErrorResponseException.class)
                    .satisfies(e -> assertThat(
                                    ((ErrorResponseException) e).response().code())
                            .isEqualTo(403));
        }
    }

    @Test
    void whileStreamingTheLiveSoFarThenTheWholeLiveWithAnEndUntilTheReplayIsReady() throws Exception {
        String token = token(streaming.liveId, "cs_live");
        HttpResponse<String> master = get(master(streaming.liveId), token);
        assertThat(master.headers().firstValue("X-Stagepass-Mode")).contains("live");
        String liveUrl = master.body()
                .lines()
                .filter(l -> l.startsWith("/v1/"))
                .findFirst()
                .orElseThrow();
        String live = HTTP.send(HttpRequest.newBuilder(url(liveUrl)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        // The whole live so far (DVR: a ticket holder scrubs back to its start) ...
        assertThat(live)
                .contains("#EXT-X-MEDIA-SEQUENCE:0")
                .contains("#EXT-X-PLAYLIST-TYPE:EVENT")
                .doesNotContain("#EXT-X-ENDLIST");
        List<String> segments = live.lines().filter(l -> l.startsWith("/v1/")).toList();
        assertThat(segments).hasSize(10);
        // ... and a reload asking for a delta update gets the last 12 s, the rest counted as skipped.
        String delta = HTTP.send(
                        HttpRequest.newBuilder(url(liveUrl + "&_HLS_skip=YES")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(delta).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=4").contains("#EXT-X-MEDIA-SEQUENCE:0");
        assertThat(delta.lines().filter(l -> l.startsWith("/v1/"))).hasSize(6);
        HttpResponse<byte[]> segment = HTTP.send(
                HttpRequest.newBuilder(url(segments.get(0))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(segment.statusCode()).isEqualTo(200);
        assertThat(segment.headers().firstValue("Content-Type")).contains("video/mp2t");
        assertThat(segment.body()[0]).as("an MPEG-TS sync byte").isEqualTo((byte) 0x47);

        // The jobs worker's 360p rendition (here its facts as the worker writes them; 4 could not be made): the
        // master lists it with its resolution and codecs, its playlist counts the same segments, 4 a gap.
        for (long sequence : new long[] {0, 1, 2, 3, 5}) {
            byte[] bytes = ("360p of " + sequence).getBytes(StandardCharsets.UTF_8);
            String key = SegmentKeys.rendition(streaming.liveId, "360p", sequence);
            fixture.put(key, bytes);
            fixture.send(
                    Topic.SEGMENTS,
                    SampleEvents.segment(streaming.liveId, sequence)
                            .setEventId(Ids.derivedEventId("rendition", streaming.liveId + "/360p/" + sequence))
                            .setObjectKey(key)
                            .setByteSize(100_000)
                            .setSha256(StreamKeys.sha256(bytes))
                            .setRendition("360p")
                            .setWidth(640)
                            .setHeight(360)
                            .setCodecs("avc1.42c01e,mp4a.40.2")
                            .build());
        }
        // The source's resolution, as ingest measures it: without it a player would drop the source as audio-only.
        fixture.send(
                Topic.STREAM_HEALTH,
                SampleEvents.streamHealth(streaming.liveId)
                        .setWidth(1280)
                        .setHeight(720)
                        .build());
        String twoLevels = Await.expect(
                "the 360p rendition in the master playlist",
                DEADLINE,
                () -> get(master(streaming.liveId), token).body(),
                body -> body.contains("RESOLUTION=640x360"));
        assertThat(twoLevels.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")))
                .hasSize(2)
                .first()
                .asString()
                .endsWith(",RESOLUTION=1280x720");
        assertThat(twoLevels.lines().filter(l -> l.startsWith("#EXT-X-STREAM-INF:")))
                .last()
                .isEqualTo("#EXT-X-STREAM-INF:BANDWIDTH=400000,RESOLUTION=640x360,CODECS=\"avc1.42c01e,mp4a.40.2\"");
        String lowUrl = twoLevels
                .lines()
                .filter(l -> l.startsWith("/v1/") && l.contains("rendition=360p"))
                .findFirst()
                .orElseThrow();
        String low = HTTP.send(HttpRequest.newBuilder(url(lowUrl)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        List<String> lowSegments = low.lines().filter(l -> l.startsWith("/v1/")).toList();
        assertThat(lowSegments).hasSize(6);
        assertThat(lowSegments.subList(0, 4)).allMatch(l -> l.contains("/360p/"));
        assertThat(low)
                .contains("#EXT-X-MEDIA-SEQUENCE:0")
                .contains("#EXT-X-GAP\n#EXTINF:2.000000,\n" + segments.get(4).replaceAll("\\?.*", ""));
        assertThat(lowSegments.get(5)).contains("/360p/00000005.ts");
        HttpResponse<byte[]> lowBytes = HTTP.send(
                HttpRequest.newBuilder(url(lowSegments.get(0))).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(new String(lowBytes.body(), StandardCharsets.UTF_8)).isEqualTo("360p of 0");
        assertThat(HTTP.send(
                                HttpRequest.newBuilder(url(lowUrl.replace("rendition=360p", "rendition=144p")))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(404);

        // The scrub bar's thumbnails during the live: by the segment's media sequence number, with the ticket's token.
        byte[] jpeg = "a thumbnail of segment 1".getBytes(StandardCharsets.UTF_8);
        fixture.put(SegmentKeys.thumbnail(streaming.liveId, 1), jpeg);
        String thumbs = "/v1/lives/" + streaming.liveId + "/thumbs/";
        HttpResponse<byte[]> thumbnail = HTTP.send(
                HttpRequest.newBuilder(url(thumbs + "1.jpg?token=" + token)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertThat(thumbnail.statusCode()).isEqualTo(200);
        assertThat(thumbnail.headers().firstValue("Content-Type")).contains("image/jpeg");
        assertThat(thumbnail.body()).isEqualTo(jpeg);
        assertThat(get(thumbs + "1.jpg", null).statusCode())
                .as("without a ticket")
                .isEqualTo(401);
        assertThat(get(thumbs + "4.jpg", token).statusCode()).as("not made").isEqualTo(404);
        assertThat(get(thumbs + "10.jpg", token).statusCode())
                .as("past the live so far")
                .isEqualTo(404);
        assertThat(get(thumbs + "..%2F1.jpg", token).statusCode()).isIn(400, 404);

        streaming.end();
        String ended = Await.expect(
                "the end of the live",
                DEADLINE,
                () -> HTTP.send(HttpRequest.newBuilder(url(liveUrl)).build(), HttpResponse.BodyHandlers.ofString())
                        .body(),
                body -> body.contains("#EXT-X-ENDLIST"));
        assertThat(ended).contains("#EXT-X-MEDIA-SEQUENCE:0").contains("#EXT-X-PLAYLIST-TYPE:VOD");
        assertThat(ended.lines().filter(l -> l.startsWith("/v1/"))).hasSize(10);
        assertThat(get(master(streaming.liveId), token).headers().firstValue("X-Stagepass-Mode"))
                .contains("ended");
    }

    @Test
    void theRedirectModeSendsPlayersToAPresignedUrlOfTheObjectStore() throws Exception {
        try (ReplayApiService redirecting = ReplayApiService.start(config(ObjectRoutes.Delivery.REDIRECT))) {
            SignedUrls.ObjectRef object =
                    SignedUrls.parse(replayed, "replays", "v1/poster.jpg").orElseThrow();
            String link = new SignedUrls(SECRETS.objectLinks(), Duration.ofMinutes(10))
                    .sign(object, "cs_paid", Instant.now());
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + redirecting.port() + link))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(302);
            String location = response.headers().firstValue("Location").orElseThrow();
            assertThat(location)
                    .startsWith(fixture.s3.settings().endpoint() + "/replays/" + replayed + "/v1/poster.jpg?")
                    .contains("X-Amz-Signature=");
            long linkLeft = Long.parseLong(link.replaceAll(".*&e=(\\d+).*", "$1"))
                    - Instant.now().getEpochSecond();
            long presigned = Long.parseLong(location.replaceAll(".*X-Amz-Expires=(\\d+).*", "$1"));
            assertThat(presigned)
                    .as(
                            "the presigned URL dies with its link: a revoked ticket's bound is the link's, not link + 5 min")
                    .isBetween(1L, linkLeft + 1);
            String shortLived = new SignedUrls(SECRETS.objectLinks(), Duration.ofMinutes(10))
                    .sign(
                            object,
                            "cs_paid",
                            Instant.now().minus(Duration.ofMinutes(9)).minusSeconds(30));
            String soon = HTTP.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + redirecting.port() + shortLived))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .headers()
                    .firstValue("Location")
                    .orElseThrow();
            assertThat(Long.parseLong(soon.replaceAll(".*X-Amz-Expires=(\\d+).*", "$1")))
                    .as("a link with 30 s left gets a presigned URL of at most 30 s")
                    .isLessThanOrEqualTo(31);
            assertThat(HTTP.send(
                                    HttpRequest.newBuilder(URI.create(location)).build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode())
                    .isEqualTo(200);
        }
    }

    @Test
    void theOpenApiDocumentDescribesExactlyTheRoutesTheServerAnswers() throws Exception {
        JsonNode document = JSON.readTree(get("/openapi.json", null).body());
        TreeSet<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue()
                    .fieldNames()
                    .forEachRemaining(method -> documented.add(method.toUpperCase() + " " + path.getKey()));
        }
        TreeSet<String> served = new TreeSet<>();
        for (String route : api.routes()) {
            served.add(route.replace("<", "{").replace(">", "}"));
        }
        assertThat(served).isEqualTo(documented);
    }

    @Test
    void operatorsSeeReadinessMetricsAndRequestLogsWithoutTokens() throws Exception {
        String token = token(replayed, "cs_paid");
        assertThat(get(master(replayed), token).statusCode()).isEqualTo(200);
        HttpResponse<String> ready = get("/ready", null);
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(ready.body()).get("ready").asBoolean()).isTrue();
        assertThat(get("/health", null).statusCode()).isEqualTo(200);
        String metrics = get("/metrics", null).body();
        assertThat(metrics)
                .contains(
                        "http_server_requests_seconds_count{method=\"GET\",route=\"/v1/lives/{liveId}/master.m3u8\",status=\"200\"}")
                .contains("stagepass_view_lag_records");
        assertThat(REQUEST_LOG).anyMatch(line -> line.contains("/v1/lives/" + replayed + "/master.m3u8 200"));
        assertThat(REQUEST_LOG)
                .noneMatch(line -> line.contains(token)
                        || line.contains("token=")
                        || line.contains("&s=")
                        || line.contains("?t="));
    }

    private static int status(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(url(path)).build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** The status of a request line sent as written: no client normalises or re-encodes its path. */
    private static int rawStatus(String path) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", api.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String statusLine = new BufferedReader(
                            new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    private static void captureRequestLog() {
        Logger requests = (Logger) LogManager.getLogger("io.stagepass.replay.requests");
        AbstractAppender appender = new AbstractAppender("capture", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                REQUEST_LOG.add(event.getMessage().getFormattedMessage());
            }
        };
        appender.start();
        requests.addAppender(appender);
        requests.setLevel(Level.INFO);
    }
}
