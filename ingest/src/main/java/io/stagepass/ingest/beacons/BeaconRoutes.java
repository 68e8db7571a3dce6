package io.stagepass.ingest.beacons;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.Beacon;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
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
        List<Beacon> beacons = BeaconParser.parse(body, claims, clock.instant());
        Set<String> sessions = new LinkedHashSet<>();
        beacons.forEach(beacon -> sessions.add(beacon.getSessionId()));
        for (String session : sessions) {
            if (!rateLimiter.tryAcquire(claims.liveId() + "/" + session, System.nanoTime())) {
                ctx.header("Retry-After", "10");
                throw new HttpResponseException(
                        HttpStatus.TOO_MANY_REQUESTS.getCode(),
                        "session " + session + " sends beacons too often; slow down");
            }
        }
        publisher.publishAll(Topic.BEACONS, beacons, Beacon::getLiveId, ACK_TIMEOUT); // 503 when not durable in time
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("accepted", beacons.size()));
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
