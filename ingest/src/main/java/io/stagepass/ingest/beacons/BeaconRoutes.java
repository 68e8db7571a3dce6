package io.stagepass.ingest.beacons;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.Beacon;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.platform.http.RateLimiter;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/beacons}: a player's batch of viewer events. Validated whole (400 names the field), then the
 * beacon token the replay API gave the player is checked (401), then the per-session rate (429), then every event is written to Kafka and only
 * once all are acknowledged, within 10 s, is the batch answered 202; otherwise 503 and the player sends it again.
 * CORS allows the player page's origins.
 */
public final class BeaconRoutes {
    private static final Duration ACK_TIMEOUT = Duration.ofSeconds(10);

    private final PlaybackTokens tokens;
    private final EventPublisher publisher;
    private final RateLimiter rateLimiter;
    private final Set<String> allowedOrigins;
    private final Clock clock;
    /** Page visits per client address: 10 at once, 20 a minute (a school's or an office's shared address). */
    private final RateLimiter visitsPerAddress = new RateLimiter(20, 10);

    public BeaconRoutes(
            PlaybackTokens tokens,
            EventPublisher publisher,
            RateLimiter rateLimiter,
            Set<String> allowedOrigins,
            Clock clock) {
        this.tokens = tokens;
        this.publisher = publisher;
        this.rateLimiter = rateLimiter;
        this.allowedOrigins = allowedOrigins;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.before("/v1/beacons", this::cors);
        config.routes.options("/v1/beacons", ctx -> ctx.status(HttpStatus.NO_CONTENT));
        config.routes.post("/v1/beacons", this::post);
    }

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && (allowedOrigins.contains("*") || allowedOrigins.contains(origin))) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
            ctx.header("Access-Control-Allow-Methods", "POST, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
            ctx.header("Access-Control-Max-Age", "600");
        }
    }

    private void post(Context ctx) throws Exception {
        byte[] body = ctx.req().getInputStream().readNBytes(BeaconParser.MAX_BYTES + 1);
        BeaconParser.validate(body); // validate, then authenticate, then store
        PlaybackTokens.Claims claims = tokens.verify(bearer(ctx), clock.instant())
                .orElseThrow(
                        () -> new UnauthorizedResponse(
                                "a valid beacon token is required (Authorization: Bearer TOKEN): the player page gets one; it lasts 10 minutes and each playback check renews it"));
        // A page visitor's session is its token (one page load, one visit), whatever the batch says, and visits are
        // limited per client address; a ticket holder's batches are limited per ticket, not per the session it names.
        String token = bearer(ctx);
        String visit = claims.ticketId().isEmpty() ? claims.session().orElse(visitorSession(token)) : null;
        // The session the server bound the token to (a player's screen) is the batch's, whatever it says.
        String session = claims.session().orElse(visit);
        List<Beacon> beacons = BeaconParser.parse(body, claims, clock.instant(), session);
        String limited = claims.ticketId()
                .map(ticket -> claims.liveId() + "/ticket/" + ticket)
                .orElse(claims.liveId() + "/visitor/" + visit);
        if (!rateLimiter.tryAcquire(limited, System.nanoTime())) {
            ctx.header("Retry-After", "10");
            throw new HttpResponseException(
                    HttpStatus.TOO_MANY_REQUESTS.getCode(),
                    claims.ticketId().isPresent()
                            ? "this ticket's players send beacons too often; slow down"
                            : "this page sends beacons too often; slow down");
        }
        if (visit != null && !visitsPerAddress.tryAcquire(ctx.ip(), System.nanoTime())) {
            ctx.header("Retry-After", "60");
            throw new HttpResponseException(
                    HttpStatus.TOO_MANY_REQUESTS.getCode(), "too many page visits from this address; slow down");
        }
        publisher.publishAll(Topic.BEACONS, beacons, Beacon::getLiveId, ACK_TIMEOUT); // 503 when not durable in time
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("accepted", beacons.size()));
    }

    /** A page visitor's session: derived from its token, which the page got when it was loaded. */
    static String visitorSession(String token) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "visit-"
                    + java.util.Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 22);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /**
     * The token from {@code Authorization: Bearer ...}, or from {@code ?token=} for navigator.sendBeacon, which
     * cannot set headers (sent when a page is closed).
     */
    private static String bearer(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            return header.substring("Bearer ".length()).trim();
        }
        return ctx.queryParam("token");
    }
}
