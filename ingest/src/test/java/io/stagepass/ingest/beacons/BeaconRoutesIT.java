package io.stagepass.ingest.beacons;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Beacon;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.platform.kafka.TopicReader;
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

            String forged = tokens.issue("live_1", "cs_1", Instant.now().plusSeconds(3600))
                    .replaceFirst("^.", "A");
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
    void limitsEachSessionAndAllowsThePlayerOrigin() throws Exception {
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
                    .as("another session")
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
