package io.stagepass.replay.stage;

import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.stagepass.events.Creator;
import io.stagepass.events.Live;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.StageKeys;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.TicketLedger;
import io.stagepass.replay.Pages;
import io.stagepass.replay.creators.CreatorAuth;
import io.stagepass.replay.playback.Access;
import io.stagepass.replay.views.Media;
import io.stagepass.replay.views.StageAppearances;
import io.stagepass.replay.views.Tickets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The replay API's side of "Live With": it knows tickets and creators, so it issues the stage tokens ingest checks.
 *
 * <ul>
 *   <li>{@code GET /stage/{liveId}?token=PLAYBACK TOKEN}: the guest's stage page (camera preview, green room, on
 *       stage), for a standing guest ticket only; anyone else gets a page that says why not.
 *   <li>{@code POST /v1/lives/{liveId}/stage/join} with the playback token: a guest stage token (two minutes: it only
 *       opens the WebSocket) and ingest's WebSocket address.
 *   <li>{@code POST /v1/lives/{liveId}/stage/encoder} with the playback token and {@code {"name": "Ana"}}: a guest
 *       stage key for OBS or a phone app (the RTMP server and the stream key), good for a day and for one connection at
 *       a time, for as long as the ticket stands.
 *   <li>{@code GET /v1/lives/{liveId}/stage/appearances} (the creator's): who was on stage and when, as the replay's
 *       chapters.
 *   <li>{@code POST /v1/creator/lives/{liveId}/stage-token} (the creator's key or dashboard session): a host token for
 *       ingest's stage API of that live (one hour; the panel asks again).
 * </ul>
 */
public final class StageRoutes {
    static final String GUEST_TIER = "guest";
    static final Duration GUEST_TOKEN_TTL = Duration.ofMinutes(2);
    static final Duration HOST_TOKEN_TTL = Duration.ofHours(1);
    /** A guest sets up their encoder ahead of the live: its key lasts a day (the ticket's standing is checked live). */
    static final Duration ENCODER_KEY_TTL = Duration.ofHours(24);
    /** A stream health report places a live's stage this long (ingest reports every few seconds while media comes). */
    static final Duration LOCATED_FOR = Duration.ofSeconds(30);

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    private final Access access;
    private final Tickets tickets;
    private final CreatorAuth auth;
    private final PlaybackTokens stageTokens;
    private final String ingestUrl;
    private final String rtmpServer;
    private final Clock clock;
    private final Media media;
    private final StageAppearances appearances;
    private final io.stagepass.replay.views.Health health;
    private final String stageTemplate = Pages.template("stage.html");
    private final String refusedTemplate = Pages.template("refused.html");

    public StageRoutes(
            Access access,
            Tickets tickets,
            CreatorAuth auth,
            PlaybackTokens stageTokens,
            String ingestUrl,
            String rtmpServer,
            Media media,
            StageAppearances appearances,
            io.stagepass.replay.views.Health health,
            Clock clock) {
        this.health = health;
        this.media = media;
        this.appearances = appearances;
        this.access = access;
        this.tickets = tickets;
        this.auth = auth;
        this.stageTokens = stageTokens;
        this.ingestUrl = ingestUrl.replaceAll("/+$", "");
        this.rtmpServer = rtmpServer.replaceAll("/+$", "");
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/stage/{liveId}", this::page);
        config.routes.post("/v1/lives/{liveId}/stage/join", this::join);
        config.routes.post("/v1/lives/{liveId}/stage/encoder", this::encoderKey);
        config.routes.post("/v1/creator/lives/{liveId}/stage-token", this::hostToken);
        config.routes.get("/v1/lives/{liveId}/stage/appearances", this::appearances);
    }

    /** The creator's record of who was on stage, and when, from ingest's stage facts. */
    private void appearances(Context ctx) {
        Live live = auth.ownLive(ctx, auth.creator(ctx));
        String liveId = live.getLiveId();
        java.util.List<Map<String, Object>> chapters = appearances
                .of(liveId)
                .map(stage ->
                        stage.chapters(media.of(liveId).map(m -> m.segments(0)).orElse(java.util.List.of())))
                .orElse(java.util.List.of())
                .stream()
                .map(StageAppearances::describe)
                .toList();
        ctx.json(Map.of("liveId", liveId, "appearances", chapters));
    }

    /** The viewer of a standing guest ticket; 403 for any other ticket. */
    private Access.Viewer guest(Context ctx) {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        String tier = tickets.ticket(viewer.live().getLiveId(), viewer.ticketId())
                .map(TicketLedger::tier)
                .orElse(null);
        if (!GUEST_TIER.equals(tier)) {
            throw new ForbiddenResponse("only a guest ticket joins the stage; this one is a "
                    + (tier == null ? "viewer" : tier) + " ticket: watch the live from your ticket page");
        }
        return viewer;
    }

    private void page(Context ctx) {
        ctx.header("Cache-Control", "no-store").header("Referrer-Policy", "no-referrer");
        Access.Viewer viewer;
        try {
            viewer = guest(ctx);
        } catch (HttpResponseException refused) {
            ctx.status(refused.getStatus())
                    .html(Pages.fill(
                            refusedTemplate,
                            Map.of(
                                    "headline", "You cannot join this stage",
                                    "reason", refused.getMessage(),
                                    "hint", "Open the stage from the link on your guest ticket's page.")));
            return;
        }
        ctx.html(Pages.fill(
                stageTemplate,
                Map.of(
                        "title", viewer.live().getTitle(),
                        "liveId", viewer.live().getLiveId(),
                        "token", viewer.token(),
                        "watch", "/watch/" + viewer.live().getLiveId() + "?token=" + viewer.token())));
    }

    private void join(Context ctx) {
        Access.Viewer viewer = guest(ctx);
        Instant expires = clock.instant().plus(GUEST_TOKEN_TTL);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", stageTokens.issue(viewer.live().getLiveId(), viewer.ticketId(), expires, "guest"));
        body.put("websocket", ingestFor(viewer.live().getLiveId()).replaceFirst("^http", "ws") + "/v1/stage/guest");
        body.put("expiresAt", expires.toString());
        ctx.status(HttpStatus.OK).json(body);
    }

    /** A guest stage key: an encoder's way onto the stage, in the name the guest gives. */
    private void encoderKey(Context ctx) {
        Access.Viewer viewer = guest(ctx);
        String raw;
        try {
            com.fasterxml.jackson.databind.JsonNode body =
                    JSON.readTree(ctx.bodyInputStream().readNBytes(4096));
            raw = body != null && body.path("name").isTextual()
                    ? body.path("name").asText()
                    : null;
        } catch (java.io.IOException e) {
            raw = null;
        }
        String name = StageKeys.displayName(raw);
        if (name == null) {
            throw new BadRequestResponse("send {\"name\": \"...\"}: 1 to " + StageKeys.MAX_NAME
                    + " letters, the name viewers see beside you on stage");
        }
        Instant expires = clock.instant().plus(ENCODER_KEY_TTL);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("server", rtmpFor(viewer.live().getLiveId()));
        body.put(
                "streamKey",
                StageKeys.key(stageTokens.issue(
                        viewer.live().getLiveId(), viewer.ticketId(), expires, StageKeys.session(name))));
        body.put("name", name);
        body.put("expiresAt", expires.toString());
        body.put("video", "H.264, at most 1920x1080 (1280x720 is plenty: your tile is at most 640x360)");
        body.put("audio", "AAC, 48 kHz");
        ctx.header("Cache-Control", "no-store").json(body);
    }

    /**
     * The ingest instance a live's stage runs on: the one its creator streams to, as its latest stream health report
     * says, or the configured one (one instance, or a live not streaming now).
     */
    private String ingestFor(String liveId) {
        return located(liveId).map(StreamHealth::getIngestUrl).orElse(ingestUrl);
    }

    /** That instance's RTMP server, for guests' encoders. */
    private String rtmpFor(String liveId) {
        return located(liveId)
                .map(StreamHealth::getRtmpUrl) // empty when that instance did not say
                .orElse(rtmpServer);
    }

    private java.util.Optional<StreamHealth> located(String liveId) {
        return health.located(liveId)
                .filter(h -> h.getOccurredAt().isAfter(clock.instant().minus(LOCATED_FOR)));
    }

    private void hostToken(Context ctx) {
        Creator creator = auth.creator(ctx);
        Live live = auth.ownLive(ctx, creator);
        Instant expires = clock.instant().plus(HOST_TOKEN_TTL);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token", stageTokens.issue(live.getLiveId(), null, expires, "host"));
        String ingest = ingestFor(live.getLiveId());
        body.put("stage", ingest + "/v1/stage/lives/" + live.getLiveId());
        body.put("listen", ingest.replaceFirst("^http", "ws") + "/v1/stage/listen");
        body.put("expiresAt", expires.toString());
        ctx.json(body);
    }
}
