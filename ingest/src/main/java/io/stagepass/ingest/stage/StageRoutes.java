package io.stagepass.ingest.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.UnauthorizedResponse;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import io.javalin.websocket.WsMessageContext;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.TicketLedger;
import io.stagepass.platform.http.HttpServices;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stage's edge. A guest's browser opens {@code /v1/stage/guest} (a WebSocket), says who it is in its first
 * message ({@code {"token": STAGE TOKEN, "name": "Ana"}}), and then sends its MediaRecorder chunks as binary
 * messages; it hears {@code {"type":"state",...}} whenever the creator moves it, and is closed with a code and a
 * reason when it is refused or removed (4400 bad hello, 4401 token, 4403 ticket or origin, 4408 too slow, 4409 in use
 * elsewhere, 4415 unreadable media, 4429 green room full). The creator's panel runs the stage over HTTP with a host token: {@code GET /v1/stage/lives/{id}}, {@code
 * POST /v1/stage/lives/{id}/guests/{guestId}} ({@code {"onStage": true, "muted": false}}), {@code PUT
 * /v1/stage/lives/{id}/layout} ({@code {"layout": "side-by-side"}}).
 */
public final class StageRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(StageRoutes.class);
    static final String GUEST_TIER = "guest";
    private static final int MAX_NAME = 40;
    private static final long MAX_CHUNK_BYTES = 2L * 1024 * 1024;
    private static final Duration GRANT_WAIT = Duration.ofSeconds(5);
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = HttpServices.json();

    private final Stage stage;
    private final StageTickets tickets;
    private final PlaybackTokens tokens;
    private final Set<String> allowedOrigins;
    private final Clock clock;
    private final Map<String, Stage.Guest> guests = new ConcurrentHashMap<>();
    private final Map<String, Watching> watching = new ConcurrentHashMap<>();
    /** Bytes of the return feed a guest's connection may have in flight before it starts again at a keyframe. */
    private static final long MAX_FEED_BACKLOG = 4L * 1024 * 1024;

    /** A guest's connection receiving a live's return feed. */
    private record Watching(String liveId, ReturnFeed.Viewer viewer) {}

    public StageRoutes(
            Stage stage, StageTickets tickets, PlaybackTokens tokens, Set<String> allowedOrigins, Clock clock) {
        this.stage = stage;
        this.tickets = tickets;
        this.tokens = tokens;
        this.allowedOrigins = allowedOrigins;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.jetty.modifyWebSocketServletFactory(factory -> {
            factory.setMaxBinaryMessageSize(MAX_CHUNK_BYTES);
            factory.setIdleTimeout(IDLE);
        });
        config.routes.ws("/v1/stage/guest", this::guest);
        config.routes.before("/v1/stage/lives/*", this::cors);
        config.routes.options("/v1/stage/lives/*", ctx -> ctx.status(HttpStatus.NO_CONTENT));
        config.routes.get("/v1/stage/lives/{liveId}", ctx -> ctx.json(stage.describe(host(ctx))));
        config.routes.post("/v1/stage/lives/{liveId}/guests/{guestId}", this::moveGuest);
        config.routes.put("/v1/stage/lives/{liveId}/layout", this::layout);
        config.routes.get("/v1/stage/lives/{liveId}/guests/{guestId}/preview.jpg", this::preview);
    }

    /** The guest's latest picture as a small JPEG, for the creator's green room (the panel asks once a second). */
    private void preview(Context ctx) {
        String liveId = host(ctx);
        Stage.Guest guest = stage.guest(liveId, ctx.pathParam("guestId"))
                .orElseThrow(() -> new io.javalin.http.NotFoundResponse(
                        "no guest " + ctx.pathParam("guestId") + " is in the green room or on stage"));
        org.bytedeco.ffmpeg.avutil.AVFrame picture = guest.feed().pictureAt(Long.MAX_VALUE);
        if (picture == null) {
            throw new io.javalin.http.NotFoundResponse("no picture from this guest yet");
        }
        byte[] jpeg;
        try {
            int[] size = TileScaler.fit(picture.width(), picture.height(), 320, 180);
            org.bytedeco.ffmpeg.avutil.AVFrame small = io.stagepass.media.Pictures.scaled(picture, size[0], size[1]);
            try {
                jpeg = io.stagepass.media.Pictures.jpeg(small);
            } finally {
                io.stagepass.media.Pictures.free(small);
            }
        } finally {
            org.bytedeco.ffmpeg.global.avutil.av_frame_free(picture);
        }
        ctx.header("Cache-Control", "no-store").contentType("image/jpeg").result(jpeg);
    }

    private void guest(WsConfig ws) {
        ws.onMessage(this::hello);
        ws.onBinaryMessage(this::media);
        ws.onClose(ctx -> left(ctx));
        ws.onError(ctx -> left(ctx));
    }

    private void left(WsContext ctx) {
        Watching watch = watching.remove(ctx.sessionId());
        Stage.Guest guest = guests.remove(ctx.sessionId());
        if (watch != null) {
            stage.returnFeed(watch.liveId()).unsubscribe(watch.viewer());
        }
        if (guest != null) {
            stage.leave(guest);
        }
    }

    private void hello(WsMessageContext ctx) {
        if (guests.containsKey(ctx.sessionId())) {
            return; // the page may say more later (it does not need to): only the first message introduces it
        }
        String origin = ctx.header("Origin");
        if (origin != null && !allowedOrigins.contains("*") && !allowedOrigins.contains(origin)) {
            ctx.closeSession(4403, "this page's origin may not join a stage");
            return;
        }
        JsonNode hello;
        try {
            hello = JSON.readTree(ctx.message());
        } catch (Exception e) {
            ctx.closeSession(4400, "the first message must be JSON: {\"token\": ..., \"name\": ...}");
            return;
        }
        Optional<PlaybackTokens.Claims> claims = tokens.verify(
                        hello.path("token").asText(null), clock.instant())
                .filter(c -> c.ticketId().isPresent() && c.session().equals(Optional.of("guest")));
        if (claims.isEmpty()) {
            ctx.closeSession(4401, "a valid guest stage token is required: open the stage from your ticket page");
            return;
        }
        String name = displayName(hello.path("name").asText(""));
        if (name == null) {
            ctx.closeSession(4400, "give a name of 1 to " + MAX_NAME + " letters: viewers see it");
            return;
        }
        String liveId = claims.get().liveId();
        String ticketId = claims.get().ticketId().get();
        Optional<TicketLedger> ticket;
        try {
            ticket = tickets.ticket(liveId, ticketId, GRANT_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.closeSession(1011, "ingest is stopping");
            return;
        }
        if (ticket.isEmpty()
                || !ticket.get().granted()
                || !GUEST_TIER.equals(ticket.get().tier())) {
            ctx.closeSession(
                    4403,
                    ticket.isPresent() && ticket.get().granted()
                            ? "only a guest ticket joins the stage"
                            : "this ticket does not stand (refunded, disputed or unknown): it cannot join the stage");
            return;
        }
        try {
            Stage.Guest guest = stage.join(liveId, ticketId, name, GUEST_TIER, link(ctx));
            guests.put(ctx.sessionId(), guest);
            if (tickets.ticket(liveId, ticketId, Duration.ZERO)
                    .filter(TicketLedger::granted)
                    .isEmpty()) { // revoked while joining: the revocation may have found nobody to remove
                stage.revoke(liveId, ticketId, "this ticket no longer stands: it cannot join the stage");
                return;
            }
            ctx.send("{\"type\":\"welcome\",\"guestId\":\"" + guest.guestId() + "\",\"liveId\":\"" + liveId
                    + "\",\"onStage\":false,\"muted\":false}");
            ReturnFeed.Viewer viewer = viewer(ctx);
            watching.put(ctx.sessionId(), new Watching(liveId, viewer));
            stage.returnFeed(liveId).subscribe(viewer); // the creator, seen and heard with a short delay
            if (!ctx.session.isOpen()) {
                left(ctx); // the browser went away while it was being let in: its close came first
                return;
            }
            LOG.info("live {}: guest {} joined the green room", liveId, guest.guestId());
        } catch (Stage.Refused e) {
            ctx.closeSession(4000 + e.status(), e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            ctx.closeSession(1011, "ingest is stopping");
        }
    }

    private void media(WsBinaryMessageContext ctx) {
        Stage.Guest guest = guests.get(ctx.sessionId());
        if (guest == null) {
            ctx.closeSession(4400, "say who you are (token and name) before sending media");
            return;
        }
        ByteBuffer data = ctx.data();
        byte[] chunk = new byte[data.remaining()];
        data.get(chunk);
        if (!guest.feed().offer(chunk)) {
            if (guest.feed().closed()) {
                return; // removed (a refund, the creator's stage ended): its own close, with the reason, is on its way
            }
            String failure = guest.feed().failure();
            if (failure != null) {
                ctx.closeSession(4415, "the stage cannot read your recording: " + failure);
            } else {
                ctx.closeSession(
                        4408, "your camera's data arrives faster than the stage can take it: lower its quality");
            }
        }
    }

    private static ReturnFeed.Viewer viewer(WsContext ctx) {
        return new ReturnFeed.Viewer() {
            @Override
            public void text(String json) {
                try {
                    ctx.send(json);
                } catch (RuntimeException e) {
                    // gone: its close handler unsubscribes it
                }
            }

            private final java.util.concurrent.atomic.AtomicLong inFlight =
                    new java.util.concurrent.atomic.AtomicLong();

            @Override
            public boolean binary(byte[] bytes) {
                if (inFlight.get() > MAX_FEED_BACKLOG) {
                    return false; // a slow link: nothing more is queued for it until it has caught up
                }
                inFlight.addAndGet(bytes.length);
                try {
                    ctx.session.sendBinary(
                            ByteBuffer.wrap(bytes),
                            org.eclipse.jetty.websocket.api.Callback.from(
                                    () -> inFlight.addAndGet(-bytes.length),
                                    failure -> inFlight.addAndGet(-bytes.length)));
                    return true;
                } catch (RuntimeException e) {
                    inFlight.addAndGet(-bytes.length);
                    return false; // gone: its close handler unsubscribes it
                }
            }
        };
    }

    private static Stage.GuestLink link(WsContext ctx) {
        return new Stage.GuestLink() {
            @Override
            public void send(String json) {
                try {
                    ctx.send(json);
                } catch (RuntimeException e) {
                    // the browser went away: its close handler takes it off the stage
                }
            }

            @Override
            public void close(int code, String reason) {
                try {
                    ctx.closeSession(code, reason);
                } catch (RuntimeException e) {
                    // already closed
                }
            }
        };
    }

    /** A name as viewers see it: printable, trimmed, at most 40 characters; null when nothing is left. */
    static String displayName(String raw) {
        String cleaned = raw.codePoints()
                .filter(c -> !Character.isISOControl(c) && Character.getType(c) != Character.FORMAT)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()
                .strip();
        if (cleaned.isEmpty() || cleaned.codePointCount(0, cleaned.length()) > MAX_NAME) {
            return null;
        }
        return cleaned;
    }

    private void cors(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && (allowedOrigins.contains("*") || allowedOrigins.contains(origin))) {
            ctx.header("Access-Control-Allow-Origin", origin);
            ctx.header("Vary", "Origin");
            ctx.header("Access-Control-Allow-Methods", "GET, POST, PUT, OPTIONS");
            ctx.header("Access-Control-Allow-Headers", "Authorization, Content-Type");
            ctx.header("Access-Control-Max-Age", "600");
        }
    }

    /** The live a host token runs; 401 without one, 403 for another live's. */
    private String host(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim()
                : null;
        PlaybackTokens.Claims claims = tokens.verify(token, clock.instant())
                .filter(c -> c.ticketId().isEmpty() && c.session().equals(Optional.of("host")))
                .orElseThrow(() -> new UnauthorizedResponse(
                        "a host stage token is required (Authorization: Bearer TOKEN): the dashboard's Stage panel "
                                + "gets one from POST /v1/creator/lives/{liveId}/stage-token"));
        String liveId = ctx.pathParam("liveId");
        if (!claims.liveId().equals(liveId)) {
            throw new ForbiddenResponse("this host token runs the stage of another live");
        }
        return liveId;
    }

    private void moveGuest(Context ctx) throws Exception {
        String liveId = host(ctx);
        JsonNode body = body(ctx);
        JsonNode onStage = body.get("onStage");
        JsonNode muted = body.get("muted");
        if ((onStage == null || !onStage.isBoolean()) && (muted == null || !muted.isBoolean())) {
            throw new BadRequestResponse("send {\"onStage\": true|false} and/or {\"muted\": true|false}");
        }
        String guestId = ctx.pathParam("guestId");
        try {
            if (muted != null && muted.isBoolean()) {
                stage.setMuted(liveId, guestId, muted.booleanValue());
            }
            if (onStage != null && onStage.isBoolean()) {
                stage.setOnStage(liveId, guestId, onStage.booleanValue());
            }
        } catch (Stage.Refused e) {
            throw new HttpResponseException(e.status(), e.getMessage());
        }
        ctx.json(stage.describe(liveId));
    }

    private void layout(Context ctx) throws Exception {
        String liveId = host(ctx);
        String wanted = body(ctx).path("layout").asText("");
        Layout layout = Layout.fromWire(wanted)
                .orElseThrow(() -> new BadRequestResponse(
                        "layout must be side-by-side or picture-in-picture, got '" + wanted + "'"));
        stage.setLayout(liveId, layout);
        ctx.json(stage.describe(liveId));
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode node = JSON.readTree(ctx.req().getInputStream().readNBytes(4096));
            if (node == null || !node.isObject()) {
                throw new BadRequestResponse("the body must be a JSON object");
            }
            return node;
        } catch (java.io.IOException e) {
            throw new BadRequestResponse("the body must be JSON: " + e.getMessage());
        }
    }
}
