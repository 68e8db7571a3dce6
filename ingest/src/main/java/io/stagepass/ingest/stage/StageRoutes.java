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
 * elsewhere, 4415 unreadable media, 4421 the live streams through another ingest instance: join again, 4429 green
 * room full). The creator's panel runs the stage over HTTP with a host token: {@code GET /v1/stage/lives/{id}}, {@code
 * POST /v1/stage/lives/{id}/guests/{guestId}} ({@code {"onStage": true, "muted": false}}), {@code PUT
 * /v1/stage/lives/{id}/layout} ({@code {"layout": "side-by-side"}}).
 */
public final class StageRoutes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StageRoutes.class);
    private static final long MAX_CHUNK_BYTES = 2L * 1024 * 1024;
    private static final Duration IDLE = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = HttpServices.json();

    private final Stage stage;
    private final StageDoor door;
    private final StageLocations locations;
    private final PlaybackTokens tokens;
    private final Set<String> allowedOrigins;
    private final Clock clock;
    private final Map<String, Stage.Guest> guests = new ConcurrentHashMap<>();
    private final Map<String, Watching> watching = new ConcurrentHashMap<>();
    /** Bytes of the return feed a guest's connection may have in flight before it starts again at a keyframe. */
    private static final long MAX_FEED_BACKLOG = 4L * 1024 * 1024;

    /** Creators listening to a guest at once, per live (the creator's panel, a co-host's). */
    static final int MAX_LISTENERS = 4;
    /** Bytes of a guest's sound a listener may have in flight before blocks are dropped (about 2.7 s). */
    private static final long MAX_LISTEN_BACKLOG = 256 * 1024;

    private final Map<String, Listener> listeners = new ConcurrentHashMap<>();
    private final java.util.concurrent.ScheduledExecutorService ticker =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "stage-listen");
                thread.setDaemon(true);
                return thread;
            });

    /** A creator's connection hearing one guest. */
    private record Listener(String liveId, java.util.concurrent.ScheduledFuture<?> ticking) {}

    /** A guest's connection receiving a live's return feed. */
    private record Watching(String liveId, ReturnFeed.Viewer viewer) {}

    public StageRoutes(
            Stage stage,
            StageDoor door,
            StageLocations locations,
            PlaybackTokens tokens,
            Set<String> allowedOrigins,
            Clock clock) {
        this.locations = locations;
        this.stage = stage;
        this.door = door;
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
        config.routes.ws("/v1/stage/listen", ws -> {
            ws.onMessage(this::listen);
            ws.onClose(this::stopListening);
            ws.onError(this::stopListening);
        });
        config.routes.before("/v1/stage/lives/*", this::cors);
        config.routes.options("/v1/stage/lives/*", ctx -> ctx.status(HttpStatus.NO_CONTENT));
        config.routes.get("/v1/stage/lives/{liveId}", ctx -> ctx.json(stage.describe(host(ctx))));
        config.routes.post("/v1/stage/lives/{liveId}/guests/{guestId}", this::moveGuest);
        config.routes.put("/v1/stage/lives/{liveId}/layout", this::layout);
        config.routes.get("/v1/stage/lives/{liveId}/guests/{guestId}/preview.jpg", this::preview);
        config.routes.get("/v1/stage/lives/{liveId}/program.jpg", this::program);
    }

    /**
     * What viewers see: the first picture of the program's newest segment, as a JPEG (the panel asks every two
     * seconds; pictures are made only while it does). 404 until the next segment after the first ask.
     */
    private void program(Context ctx) {
        String liveId = host(ctx);
        ProgramPicture.Snapshot snapshot = stage.programPicture(liveId).ask(clock.millis());
        if (snapshot == null) {
            throw new io.javalin.http.NotFoundResponse(
                    "no program picture yet: it comes with the live's next segment (2 s) while this is asked");
        }
        ctx.header("Cache-Control", "no-store")
                .header("X-Program-Sequence", Long.toString(snapshot.sequence()))
                .header("X-Program-Age-Millis", Long.toString(Math.max(0, clock.millis() - snapshot.madeAtMillis())))
                .contentType("image/jpeg")
                .result(snapshot.jpeg());
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

    /**
     * The creator hears a guest: {@code {"token": HOST TOKEN, "guestId": "g_..."}} first, then the guest's sound as
     * binary messages of mono 16-bit little-endian PCM at 48 kHz, about every 100 ms, until the guest leaves (1000)
     * or the panel closes. Refusals close with 4400 (hello), 4401 (token), 4403 (origin, another live), 4404 (no such
     * guest), 4429 (too many listeners on this live).
     */
    private void listen(WsMessageContext ctx) {
        if (listeners.containsKey(ctx.sessionId())) {
            return;
        }
        String origin = ctx.header("Origin");
        if (origin != null && !allowedOrigins.contains("*") && !allowedOrigins.contains(origin)) {
            ctx.closeSession(4403, "this page's origin may not listen to a stage");
            return;
        }
        JsonNode hello;
        try {
            hello = JSON.readTree(ctx.message());
        } catch (Exception e) {
            ctx.closeSession(4400, "the first message must be JSON: {\"token\": ..., \"guestId\": ...}");
            return;
        }
        Optional<PlaybackTokens.Claims> claims = hostClaims(hello.path("token").asText(null));
        if (claims.isEmpty()) {
            ctx.closeSession(4401, "a host stage token is required: the dashboard's Stage panel has one");
            return;
        }
        String liveId = claims.get().liveId();
        if (locations.elsewhere(liveId).isPresent()) {
            ctx.closeSession(4421, "this live streams through another ingest server: get a new host token");
            return;
        }
        Optional<Stage.Guest> found = stage.guest(liveId, hello.path("guestId").asText(""));
        if (found.isEmpty()) {
            ctx.closeSession(4404, "no such guest in this live's green room or on its stage");
            return;
        }
        Stage.Guest guest = found.get();
        java.time.Instant expires = claims.get().expiresAt();
        synchronized (listeners) {
            long onThisLive = listeners.values().stream()
                    .filter(l -> l.liveId().equals(liveId))
                    .count();
            if (onThisLive >= MAX_LISTENERS) {
                ctx.closeSession(4429, "at most " + MAX_LISTENERS + " listeners per live: close another panel first");
                return;
            }
            ctx.send("{\"type\":\"listening\",\"guestId\":\"" + guest.guestId() + "\",\"rate\":" + Listening.RATE
                    + ",\"channels\":1,\"format\":\"s16le\"}");
            Listening listening = new Listening(guest.feed());
            java.util.concurrent.atomic.AtomicLong inFlight = new java.util.concurrent.atomic.AtomicLong();
            java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.ScheduledFuture<?> ticking = ticker.scheduleAtFixedRate(
                    () -> {
                        try {
                            if (closing.get()) {
                                return; // its close handler cancels this
                            }
                            if (guest.removed() || !ctx.session.isOpen()) {
                                closing.set(true);
                                ctx.closeSession(1000, "the guest left the green room");
                                return;
                            }
                            if (!clock.instant().isBefore(expires)) {
                                closing.set(true);
                                ctx.closeSession(4401, "the host token expired: listen again");
                                return;
                            }
                            byte[] block = listening.next();
                            if (block == null || inFlight.get() > MAX_LISTEN_BACKLOG) {
                                return; // nothing new, or a slow link: this block is dropped, the next one follows
                            }
                            inFlight.addAndGet(block.length);
                            ctx.session.sendBinary(
                                    ByteBuffer.wrap(block),
                                    org.eclipse.jetty.websocket.api.Callback.from(
                                            () -> inFlight.addAndGet(-block.length),
                                            failure -> inFlight.addAndGet(-block.length)));
                        } catch (RuntimeException e) {
                            LOG.debug("stage: a listener of live {} went away: {}", liveId, e.getMessage());
                        }
                    },
                    0,
                    100,
                    java.util.concurrent.TimeUnit.MILLISECONDS);
            listeners.put(ctx.sessionId(), new Listener(liveId, ticking));
        }
        if (!ctx.session.isOpen()) {
            stopListening(ctx);
        }
    }

    private void stopListening(WsContext ctx) {
        Listener listener = listeners.remove(ctx.sessionId());
        if (listener != null) {
            listener.ticking().cancel(false);
        }
    }

    @Override
    public void close() {
        ticker.shutdownNow();
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
        try {
            Stage.Guest guest = door.browser(
                    hello.path("token").asText(null), hello.path("name").asText(""), link(ctx));
            String liveId = guest.liveId;
            guests.put(ctx.sessionId(), guest);
            ctx.send("{\"type\":\"welcome\",\"guestId\":\"" + guest.guestId() + "\",\"liveId\":\"" + liveId
                    + "\",\"onStage\":false,\"muted\":false}");
            ReturnFeed.Viewer viewer = viewer(ctx);
            watching.put(ctx.sessionId(), new Watching(liveId, viewer));
            stage.returnFeed(liveId).subscribe(viewer); // the creator, seen and heard with a short delay
            if (!ctx.session.isOpen()) {
                left(ctx); // the browser went away while it was being let in: its close came first
                return;
            }
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

    /** The live a host token runs; 401 without one, 403 for another live's, 421 when it streams through another ingest. */
    private String host(Context ctx) {
        String header = ctx.header("Authorization");
        String token = header != null && header.startsWith("Bearer ")
                ? header.substring(7).trim()
                : null;
        PlaybackTokens.Claims claims = hostClaims(token)
                .orElseThrow(() -> new UnauthorizedResponse(
                        "a host stage token is required (Authorization: Bearer TOKEN): the dashboard's Stage panel "
                                + "gets one from POST /v1/creator/lives/{liveId}/stage-token"));
        String liveId = ctx.pathParam("liveId");
        if (!claims.liveId().equals(liveId)) {
            throw new ForbiddenResponse("this host token runs the stage of another live");
        }
        Optional<StageLocations.Location> elsewhere = locations.elsewhere(liveId);
        if (elsewhere.isPresent()) {
            throw new HttpResponseException(
                    421,
                    "this live streams through another ingest server, "
                            + elsewhere.get().ingestUrl() + "/v1/stage/lives/" + liveId
                            + ": get a new host token (the replay API's answer names it)");
        }
        return liveId;
    }

    private Optional<PlaybackTokens.Claims> hostClaims(String token) {
        return tokens.verify(token, clock.instant())
                .filter(c -> c.ticketId().isEmpty() && c.session().equals(Optional.of("host")));
    }

    private void moveGuest(Context ctx) throws Exception {
        String liveId = host(ctx);
        JsonNode body = body(ctx);
        JsonNode onStage = body.get("onStage");
        JsonNode muted = body.get("muted");
        JsonNode remove = body.get("remove");
        if ((onStage == null || !onStage.isBoolean())
                && (muted == null || !muted.isBoolean())
                && (remove == null || !remove.asBoolean(false))) {
            throw new BadRequestResponse(
                    "send {\"onStage\": true|false} and/or {\"muted\": true|false}, or {\"remove\": true}");
        }
        String guestId = ctx.pathParam("guestId");
        try {
            if (remove != null && remove.asBoolean(false)) {
                stage.remove(liveId, guestId);
                ctx.json(stage.describe(liveId));
                return;
            }
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
