package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.ingest.IngestFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who may not run a live's stage or join it, against ingest's real routes. */
class StageRoutesIT {
    private final PlaybackTokens tokens = PlaybackTokens.forStage(IngestFixture.STAGE_SECRET);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void theStageApiAndTheGuestWebSocketRefuseEveryoneButTheirOwn() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String stage = "http://127.0.0.1:" + fixture.ingest.port() + "/v1/stage/lives/live_1";
            Instant hour = Instant.now().plusSeconds(3600);

            assertThat(get(stage, null).statusCode()).as("no token").isEqualTo(401);
            assertThat(get(stage, tokens.issue("live_1", "cs_ana", hour, "guest"))
                            .statusCode())
                    .as("a guest's token does not run the stage")
                    .isEqualTo(401);
            assertThat(get(
                                    stage,
                                    PlaybackTokens.forBeacons(IngestFixture.TOKEN_SECRET)
                                            .issue("live_1", null, hour, "host"))
                            .statusCode())
                    .as("a token of another kind (a beacon token) is no host token")
                    .isEqualTo(401);
            HttpResponse<String> foreign = get(stage, tokens.issue("live_2", null, hour, "host"));
            assertThat(foreign.statusCode()).as("another live's host").isEqualTo(403);
            assertThat(foreign.body()).contains("another live");
            HttpResponse<String> own = get(stage, tokens.issue("live_1", null, hour, "host"));
            assertThat(own.statusCode()).isEqualTo(200);
            assertThat(own.body()).contains("\"guests\":[]");
            // What viewers see is the creator's alone; before any segment there is none.
            assertThat(get(stage + "/program.jpg", null).statusCode()).isEqualTo(401);
            assertThat(get(stage + "/program.jpg", tokens.issue("live_1", "cs_ana", hour, "guest"))
                            .statusCode())
                    .as("a guest's token sees no program picture")
                    .isEqualTo(401);
            assertThat(get(stage + "/program.jpg", tokens.issue("live_2", null, hour, "host"))
                            .statusCode())
                    .isEqualTo(403);
            HttpResponse<String> noPicture = get(stage + "/program.jpg", tokens.issue("live_1", null, hour, "host"));
            assertThat(noPicture.statusCode()).isEqualTo(404);
            assertThat(noPicture.body()).contains("no program picture yet");
            HttpResponse<String> badLayout = http.send(
                    HttpRequest.newBuilder(URI.create(stage + "/layout"))
                            .header("Authorization", "Bearer " + tokens.issue("live_1", null, hour, "host"))
                            .PUT(HttpRequest.BodyPublishers.ofString("{\"layout\": \"grid\"}"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(badLayout.statusCode()).isEqualTo(400);
            assertThat(badLayout.body()).contains("side-by-side or picture-in-picture");

            String socket = "ws://127.0.0.1:" + fixture.ingest.port() + "/v1/stage/guest";
            assertThat(hello(
                            socket,
                            "{\"token\":\"" + tokens.issue("live_1", null, hour, "host") + "\",\"name\":\"Ana\"}"))
                    .as("a host token does not join as a guest")
                    .isEqualTo(4401);
            assertThat(hello(socket, "{\"token\":\"forged\",\"name\":\"Ana\"}")).isEqualTo(4401);
            assertThat(hello(socket, "not json")).isEqualTo(4400);
            assertThat(hello(
                            socket,
                            "{\"token\":\"" + tokens.issue("live_1", "cs_nobody", hour, "guest")
                                    + "\",\"name\":\"Ana\"}"))
                    .as("a ticket with no payment behind it")
                    .isEqualTo(4403);
        }
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Says hello on the guest WebSocket; the close code ingest answers with. */
    private int hello(String url, String message) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(url), new WebSocket.Listener() {
                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        closed.complete(statusCode);
                        return null;
                    }
                })
                .get(10, TimeUnit.SECONDS);
        socket.sendText(message, true);
        return closed.get(30, TimeUnit.SECONDS);
    }
}
