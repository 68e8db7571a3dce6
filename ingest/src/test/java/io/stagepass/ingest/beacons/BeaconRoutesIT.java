package io.stagepass.ingest.beacons;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Beacon;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BeaconRoutesIT {
    private static final String HEARTBEAT =
            "{\"type\": \"heartbeat\", \"sessionId\": \"session-%s\", \"mode\": \"live\", \"positionMs\": 10000}";
    private final HttpClient http = HttpClient.newHttpClient();
    private final PlaybackTokens tokens = PlaybackTokens.forBeacons(IngestFixture.TOKEN_SECRET);

    @TempDir
    Path dir;

    @Test
    void acceptsValidBatchesOnlyAndStoresExactlyThem() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String token = tokens.issue("live_1", "cs_1", Instant.now().plusSeconds(3600));

            HttpResponse<String> ok =
                    post(fixture, token, "[" + HEARTBEAT.formatted("a1") + "," + HEARTBEAT.formatted("a1") + "]");
            assertThat(ok.statusCode()).isEqualTo(202);
            assertThat(ok.body()).contains("\"accepted\":2");

            HttpResponse<String> oneBad = post(
                    fixture,
                    token,
                    "[" + HEARTBEAT.formatted("b1")
                            + ", {\"type\": \"heartbeat\", \"sessionId\": \"session-b1\", \"mode\": \"live\", \"ticketId\": \"cs_forged\"}]");
            assertThat(oneBad.statusCode()).isEqualTo(400);
            assertThat(oneBad.body()).contains("events[1].ticketId");

            String genuine = tokens.issue("live_1", "cs_1", Instant.now().plusSeconds(3600));
            // Another first character, always: a fixed replacement left the token intact when it already began so.
            String forged = (genuine.startsWith("A") ? "B" : "A") + genuine.substring(1);
            assertThat(post(fixture, forged, "[" + HEARTBEAT.formatted("c1") + "]")
                            .statusCode())
                    .isEqualTo(401);
            assertThat(post(fixture, null, "[" + HEARTBEAT.formatted("c1") + "]")
                            .statusCode())
                    .isEqualTo(401);
            String otherSecret = PlaybackTokens.forBeacons("somebody-elses-secret-of-32-characters")
                    .issue("live_1", "cs_9", Instant.now().plusSeconds(60));
            assertThat(post(fixture, otherSecret, "[" + HEARTBEAT.formatted("c1") + "]")
                            .statusCode())
                    .isEqualTo(401);
            String playbackToken = new PlaybackTokens(IngestFixture.TOKEN_SECRET)
                    .issue("live_1", "cs_1", Instant.now().plusSeconds(60));
            assertThat(post(fixture, playbackToken, "[" + HEARTBEAT.formatted("c1") + "]")
                            .statusCode())
                    .as("a playback token is not a beacon token, even under one secret")
                    .isEqualTo(401);

            List<Beacon> stored = beacons(fixture);
            assertThat(stored).hasSize(2).allSatisfy(b -> {
                assertThat(b.getSessionId()).isEqualTo("session-a1");
                assertThat(b.getTicketId()).isEqualTo("cs_1");
            });
        }
    }

    @Test
    void limitsEachTicketAndAllowsThePlayerOrigin() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String token = tokens.issue("live_1", "cs_1", Instant.now().plusSeconds(3600));
            int accepted = 0;
            HttpResponse<String> last = null;
            for (int i = 0; i < 12; i++) {
                last = post(fixture, token, "[" + HEARTBEAT.formatted("r1") + "]");
                if (last.statusCode() == 202) {
                    accepted++;
                }
            }
            assertThat(accepted).as("the burst of 10").isEqualTo(10);
            assertThat(last.statusCode()).isEqualTo(429);
            assertThat(last.headers().firstValue("Retry-After")).isPresent();
            assertThat(post(fixture, token, "[" + HEARTBEAT.formatted("r2") + "]")
                            .statusCode())
                    .as("a session id the client made up is not a new allowance: the limit is the ticket's")
                    .isEqualTo(429);
            String another = tokens.issue("live_1", "cs_2", Instant.now().plusSeconds(3600));
            assertThat(post(fixture, another, "[" + HEARTBEAT.formatted("r2") + "]")
                            .statusCode())
                    .as("another ticket")
                    .isEqualTo(202);

            HttpResponse<String> preflight = http.send(
                    HttpRequest.newBuilder(uri(fixture))
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", IngestFixture.PLAYER_ORIGIN)
                            .header("Access-Control-Request-Method", "POST")
                            .header("Access-Control-Request-Headers", "authorization,content-type")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(preflight.statusCode()).isEqualTo(204);
            assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin"))
                    .contains(IngestFixture.PLAYER_ORIGIN);
            assertThat(preflight
                            .headers()
                            .firstValue("Access-Control-Allow-Headers")
                            .orElse(""))
                    .contains("Authorization");

            HttpResponse<String> stranger = http.send(
                    HttpRequest.newBuilder(uri(fixture))
                            .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                            .header("Origin", "https://evil.example")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stranger.headers().firstValue("Access-Control-Allow-Origin"))
                    .isEmpty();
        }
    }

    @Test
    void forgedPageViewsCountOncePerPageLoadAndVisitsAreLimitedPerAddress() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String visitor = tokens.issue("live_v", null, Instant.now().plusSeconds(600));
            for (int batch = 0; batch < 3; batch++) {
                StringBuilder body = new StringBuilder("[");
                for (int i = 0; i < 100; i++) {
                    body.append(i == 0 ? "" : ",")
                            .append("{\"type\": \"page_view\", \"sessionId\": \"made-up-")
                            .append(batch * 100 + i)
                            .append("\", \"mode\": \"page\"}");
                }
                assertThat(post(fixture, visitor, body.append("]").toString()).statusCode())
                        .isEqualTo(202);
            }
            List<Beacon> views = beacons(fixture).stream()
                    .filter(b -> b.getLiveId().equals("live_v"))
                    .toList();
            assertThat(views).hasSize(300);
            assertThat(views.stream().map(Beacon::getSessionId).distinct())
                    .as("300 page views with one page load's token are one visit")
                    .hasSize(1)
                    .allSatisfy(session -> assertThat(session).startsWith("visit-"));

            String player = tokens.issue("live_s", "cs_s", Instant.now().plusSeconds(600), "screen-tv-0001");
            assertThat(post(
                                    fixture,
                                    player,
                                    "[" + HEARTBEAT.formatted("x1") + "," + HEARTBEAT.formatted("x2") + ","
                                            + HEARTBEAT.formatted("x3") + "]")
                            .statusCode())
                    .isEqualTo(202);
            assertThat(Await.until(
                                    Duration.ofSeconds(30),
                                    Duration.ofMillis(200),
                                    () -> beacons(fixture).stream()
                                            .filter(b -> b.getLiveId().equals("live_s"))
                                            .toList(),
                                    list -> list.size() == 3)
                            .value())
                    .as("a player's beacons count under the screen the server bound its token to")
                    .extracting(Beacon::getSessionId)
                    .containsOnly("screen-tv-0001");

            int limited = 0;
            for (int load = 0; load < 12; load++) {
                String fresh = tokens.issue("live_v", null, Instant.now().plusSeconds(600));
                HttpResponse<String> response = post(
                        fixture,
                        fresh,
                        "[{\"type\": \"page_view\", \"sessionId\": \"x-" + load + "-abcdef\", \"mode\": \"page\"}]");
                if (response.statusCode() == 429) {
                    limited++;
                    assertThat(response.body()).contains("from this address");
                }
            }
            assertThat(limited)
                    .as("10 visits at once from one address (3 used above), then 20 a minute")
                    .isBetween(5, 6);
        }
    }

    @Test
    void answers503WhenKafkaCannotTakeTheBatch() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String token = tokens.issue("live_1", "cs_1", Instant.now().plusSeconds(3600));
            fixture.stopKafka();

            HttpResponse<String> response = post(fixture, token, "[" + HEARTBEAT.formatted("k1") + "]");
            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(response.headers().firstValue("Retry-After")).isPresent();
            fixture.startKafka();
        }
    }

    private List<Beacon> beacons(IngestFixture fixture) {
        EventCodec<Beacon> codec = EventCodec.of(Beacon.class);
        try (TopicReader reader = new TopicReader(fixture.kafka.settings())) {
            return reader.readFrom(Topic.BEACONS, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }

    private URI uri(IngestFixture fixture) {
        return URI.create("http://127.0.0.1:" + fixture.ingest.port() + "/v1/beacons");
    }

    private HttpResponse<String> post(IngestFixture fixture, String token, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(fixture))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .header("Origin", IngestFixture.PLAYER_ORIGIN);
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
