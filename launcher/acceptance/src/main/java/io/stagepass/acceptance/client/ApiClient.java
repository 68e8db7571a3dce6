package io.stagepass.acceptance.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.replay.Links;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The replay API as its people reach it: a creator with an API key (lives, numbers, the events stream), a buyer on a
 * ticket page (the checkout form), a ticket holder (ticket status, playlists), an analyst with a key (exports). It
 * follows no redirect: a 303 to Stripe's hosted page is an answer to look at.
 */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A live as {@code POST /v1/lives} answered it: its id, its stream key (shown once), the whole answer. */
    public record ScheduledLive(String liveId, String streamKey, JsonNode answer) {
        /** The RTMP URL an encoder streams to, as the answer tells the creator: OBS's Server, then the stream key. */
        public String rtmpUrl() {
            return answer.path("stream").path("rtmpServer").asText() + "/" + streamKey;
        }
    }

    /**
     * The checkout route's 303 to Stripe's hosted page: the Checkout Session (the ticket to be), where the buyer pays,
     * and the answer itself.
     */
    public record Checkout(String sessionId, URI hostedPage, HttpResponse<String> answer) {}

    private final String base;
    /** Keeps cookies as a browser does: a ticket's watch link is given only to the client that started its Checkout. */
    private final HttpClient http = HttpClient.newBuilder()
            .followRedirects(HttpClient.Redirect.NEVER)
            .cookieHandler(new java.net.CookieManager(null, java.net.CookiePolicy.ACCEPT_ALL))
            .build();

    /** The screen this client plays on (a player names one per page). */
    private final String screen =
            "client-" + UUID.randomUUID().toString().replace("-", "").substring(0, 20);

    public ApiClient(String baseUrl) {
        this.base = Urls.trimmed(baseUrl);
    }

    public String url() {
        return base;
    }

    /** The addresses the API gives people (ticket pages, watch links, the dashboard), built as the API builds them. */
    public Links links() {
        return Links.ofApi(base);
    }

    // --- creators -------------------------------------------------------------------------------------------

    /** {@code POST /v1/lives} with the creator's key; an error unless 201. */
    public ScheduledLive scheduleLive(String apiKey, LiveRequest live) throws Exception {
        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("/v1/lives"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(live))));
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /v1/lives answered " + created.statusCode() + ": " + created.body());
        }
        JsonNode answer = JSON.readTree(created.body());
        return new ScheduledLive(
                answer.get("liveId").asText(), answer.get("streamKey").asText(), answer);
    }

    /** A GET with a key (a creator's or an analyst's), whatever it answers. */
    public HttpResponse<String> get(String apiKey, String pathOrUrl) throws Exception {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)).header("Authorization", "Bearer " + apiKey));
    }

    /** A GET with a key, its body as JSON; an error unless it answered 200. */
    public JsonNode json(String apiKey, String path) throws Exception {
        HttpResponse<String> answer = get(apiKey, path);
        if (answer.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + answer.statusCode() + ": " + answer.body());
        }
        return JSON.readTree(answer.body());
    }

    /** {@code GET /v1/lives/{id}/revenue} with the creator's key: the live's revenue per currency. */
    public JsonNode revenue(String apiKey, String liveId) throws Exception {
        return json(apiKey, "/v1/lives/" + liveId + "/revenue");
    }

    /**
     * {@code POST /v1/creator/payouts/onboarding} with the creator's key: the single-use link to Stripe's hosted
     * onboarding; an error unless 201.
     */
    public URI payoutsOnboarding(String apiKey) throws Exception {
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/v1/creator/payouts/onboarding"))
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.noBody()));
        if (answer.statusCode() != 201) {
            throw new IllegalStateException(
                    "POST /v1/creator/payouts/onboarding answered " + answer.statusCode() + ": " + answer.body());
        }
        return URI.create(JSON.readTree(answer.body()).get("url").asText());
    }

    /**
     * Sets up the creator's payouts as they would: the onboarding link from the API, Stripe's hosted form sent (the
     * sandbox's), then waits until the API sells their tickets (Connect's webhook has come through ingest).
     */
    public void setUpPayouts(String apiKey, StripeSandboxClient stripe, java.time.Duration within) throws Exception {
        stripe.completeOnboarding(payoutsOnboarding(apiKey));
        io.stagepass.platform.lifecycle.Await.expect(
                "the creator's payouts set up (Connect's account.updated through ingest)",
                within,
                () -> json(apiKey, "/v1/creator/payouts"),
                status -> status.path("canSell").asBoolean());
    }

    /**
     * {@code POST /v1/lives/{id}/clips} with the creator's key: a clip of the span, public or for ticket holders;
     * its answer (202 with the clip) whatever it is.
     */
    public HttpResponse<String> clip(
            String apiKey, String liveId, String title, long startMillis, long endMillis, boolean isPublic)
            throws Exception {
        String body = JSON.writeValueAsString(java.util.Map.of(
                "title", title,
                "startMillis", startMillis,
                "endMillis", endMillis,
                "visibility", isPublic ? "public" : "ticket_holders"));
        return send(HttpRequest.newBuilder(uri("/v1/lives/" + liveId + "/clips"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** {@code POST /v1/lives/{id}/stream-key}: a new stream key; the old one stops working. */
    public HttpResponse<String> rotateStreamKey(String apiKey, String liveId) throws Exception {
        return send(HttpRequest.newBuilder(uri("/v1/lives/" + liveId + "/stream-key"))
                .header("Authorization", "Bearer " + apiKey)
                .POST(HttpRequest.BodyPublishers.noBody()));
    }

    /** The live's events stream, as the dashboard opens it; close it when done. */
    public EventStream events(String apiKey, String liveId) {
        HttpRequest request = HttpRequest.newBuilder(uri("/v1/lives/" + liveId + "/events"))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "text/event-stream")
                .build();
        return new EventStream(http.sendAsync(request, HttpResponse.BodyHandlers.ofLines()));
    }

    // --- buyers and ticket holders --------------------------------------------------------------------------

    /**
     * The ticket page's form, posted: the checkout route answers 303 to Stripe's hosted page, its body naming the
     * Checkout Session; an error for any other answer.
     */
    public Checkout checkout(String liveId, String tier, String email) throws Exception {
        String form = "tier=" + encoded(tier) + "&email=" + encoded(email) + "&attempt=" + UUID.randomUUID();
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri("/v1/lives/" + liveId + "/checkout"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));
        if (answer.statusCode() != 303) {
            throw new UnavailableException("checkout answered " + answer.statusCode() + ": " + answer.body());
        }
        return new Checkout(
                JSON.readTree(answer.body()).get("sessionId").asText(),
                URI.create(answer.headers().firstValue("Location").orElseThrow()),
                answer);
    }

    /**
     * {@code GET /v1/lives/{id}/tickets/{ticketId}}: a ticket's status and, while it stands, its watch link (when this
     * client started the ticket's Checkout: it holds the buyer cookie).
     */
    public JsonNode ticket(String liveId, String ticketId) throws Exception {
        return JSON.readTree(
                page("/v1/lives/" + liveId + "/tickets/" + ticketId).body());
    }

    /** The status of the live's master playlist for a playback token: 200 to a ticket holder, 403 to anyone else. */
    public int masterPlaylist(String liveId, String token) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(uri("/v1/lives/" + liveId + "/master.m3u8?token=" + encoded(token)
                                        + "&screen=" + screen))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /** A GET without a key (a page, a playlist, a signed link), whatever it answers. */
    public HttpResponse<String> page(String pathOrUrl) throws Exception {
        return send(HttpRequest.newBuilder(uri(pathOrUrl)));
    }

    /** A GET without a key, its bytes. */
    public HttpResponse<byte[]> bytes(String pathOrUrl) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(pathOrUrl)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String pathOrUrl) {
        return URI.create(pathOrUrl.startsWith("/") ? base + pathOrUrl : pathOrUrl);
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
