package io.stagepass.acceptance.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.media.GeneratedGuest;
import io.stagepass.platform.lifecycle.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The demo's "Live With": a guest who bought a guest ticket joins the live's green room as a browser would (the stage
 * token from the replay API, ingest's WebSocket, a generated camera and microphone in WebM chunks: a blue picture and
 * a 1000 Hz tone), and the creator brings them on stage and sends them back with the host token, as the dashboard's
 * Stage panel does.
 */
final class DemoStage implements AutoCloseable {
    static final String GUEST_NAME = "Ana";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newHttpClient();
    private final ApiClient api;
    private final String liveId;
    private final String apiKey;
    private final AtomicBoolean stop = new AtomicBoolean();
    private WebSocket socket;
    private Thread camera;
    private String guestId;
    private JsonNode host;

    private DemoStage(ApiClient api, String liveId, String apiKey) {
        this.api = api;
        this.liveId = liveId;
        this.apiKey = apiKey;
    }

    /** The guest with this ticket joins the green room and starts sending; returns once ingest welcomed them. */
    static DemoStage join(ApiClient api, PlaybackTokens tokens, String liveId, String guestTicket, String apiKey)
            throws Exception {
        DemoStage stage = new DemoStage(api, liveId, apiKey);
        stage.enter(tokens.issue(liveId, guestTicket, Instant.now().plus(Duration.ofHours(1))));
        return stage;
    }

    private void enter(String playbackToken) throws Exception {
        // The guest bought a moment ago: the API's ticket view records the payment once its fact is read (a
        // fraction of a second, more on a busy machine); until then the stage says no payment is recorded.
        HttpResponse<String> join = Await.until(
                        Waits.INGEST,
                        Waits.FAST_POLL,
                        () -> http.send(
                                HttpRequest.newBuilder(URI.create(api.url() + "/v1/lives/" + liveId + "/stage/join"))
                                        .header("Authorization", "Bearer " + playbackToken)
                                        .POST(HttpRequest.BodyPublishers.noBody())
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()),
                        answer -> !answer.body().contains("no payment is recorded"))
                .value();
        if (join.statusCode() != 200) {
            throw new IllegalStateException("the stage refused the guest: " + join.body());
        }
        JsonNode ticket = JSON.readTree(join.body());
        CompletableFuture<String> welcome = new CompletableFuture<>();
        socket = http.newWebSocketBuilder()
                .buildAsync(URI.create(ticket.get("websocket").asText()), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            String message = text.toString();
                            text.setLength(0);
                            if (message.contains("\"welcome\"")) {
                                welcome.complete(message);
                            }
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                        webSocket.request(1); // the creator's return feed: a browser would play it
                        return null;
                    }

                    @Override
                    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                        welcome.completeExceptionally(
                                new IllegalStateException("the stage closed: " + statusCode + " " + reason));
                        return null;
                    }
                })
                .get(30, TimeUnit.SECONDS);
        socket.sendText(
                        JSON.createObjectNode()
                                .put("token", ticket.get("token").asText())
                                .put("name", GUEST_NAME)
                                .toString(),
                        true)
                .get(10, TimeUnit.SECONDS);
        guestId =
                JSON.readTree(welcome.get(30, TimeUnit.SECONDS)).get("guestId").asText();
        camera = new Thread(
                () -> {
                    try {
                        GeneratedGuest.stream(
                                640,
                                360,
                                25,
                                GeneratedGuest.Look.blue(),
                                Duration.ofMinutes(10),
                                chunk -> socket.sendBinary(ByteBuffer.wrap(chunk), true)
                                        .join(),
                                stop::get);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (RuntimeException e) {
                        if (!stop.get()) {
                            throw e;
                        }
                    }
                },
                "demo-guest-camera");
        camera.setDaemon(true);
        camera.start();
        HttpResponse<String> token = http.send(
                HttpRequest.newBuilder(URI.create(api.url() + "/v1/creator/lives/" + liveId + "/stage-token"))
                        .header("Authorization", "Bearer " + apiKey)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (token.statusCode() != 200) {
            throw new IllegalStateException("no host token: " + token.body());
        }
        host = JSON.readTree(token.body());
    }

    /** The creator brings the guest on stage ({@code true}) or sends them back. */
    void onStage(boolean on) throws Exception {
        HttpResponse<String> moved = http.send(
                HttpRequest.newBuilder(URI.create(host.get("stage").asText() + "/guests/" + guestId))
                        .header("Authorization", "Bearer " + host.get("token").asText())
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"onStage\": " + on + "}"))
                        .timeout(WAIT)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (moved.statusCode() != 200) {
            throw new IllegalStateException("the stage refused the creator: " + moved.body());
        }
    }

    @Override
    public void close() throws Exception {
        stop.set(true);
        if (camera != null) {
            camera.join(10_000);
        }
        if (socket != null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "the guest left").get(10, TimeUnit.SECONDS);
        }
    }
}
