package io.stagepass.replay.creators;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.stagepass.events.Creator;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.TicketTier;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.views.TopicView;
import io.stagepass.replay.Links;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.Revenue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The creators' API: their account and key, their lives (create, update, list, get) and stream keys. Every route
 * needs the creator's key ({@link CreatorAuth}); every answer is JSON; every write is acknowledged by Kafka and
 * visible in the views before the answer goes out.
 */
public final class CreatorRoutes {
    static final int DEFAULT_PAGE = 20;
    static final int MAX_PAGE = 100;
    private static final Duration READ_YOUR_WRITE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CreatorAuth auth;
    private final Lives lives;
    private final Revenue revenue;
    private final TopicView views;
    private final Catalog catalog;
    private final Links links;
    private final Clock clock;

    /** {@code views} is the one {@code lives} and {@code revenue} are part of: the answer to a write waits for it. */
    public CreatorRoutes(
            CreatorAuth auth,
            Lives lives,
            Revenue revenue,
            TopicView views,
            Catalog catalog,
            Links links,
            Clock clock) {
        this.auth = auth;
        this.lives = lives;
        this.revenue = revenue;
        this.views = views;
        this.catalog = catalog;
        this.links = links;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/creator", this::account);
        config.routes.patch("/v1/creator", this::updateAccount);
        config.routes.post("/v1/creator/key", this::rotateKey);
        config.routes.get("/v1/lives", this::list);
        config.routes.post("/v1/lives", this::create);
        config.routes.get("/v1/lives/{liveId}", this::get);
        config.routes.patch("/v1/lives/{liveId}", this::update);
        config.routes.post("/v1/lives/{liveId}/stream-key", this::rotateStreamKey);
    }

    private void account(Context ctx) {
        ctx.json(account(auth.creator(ctx)));
    }

    /** What a creator may change of their account here: the sites that may frame their player pages. */
    private void updateAccount(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        JsonNode body = body(ctx);
        java.util.Iterator<String> names = body.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (!name.equals("embedOrigins")) {
                throw new InvalidFieldsException(Map.of(name, "not changeable here; embedOrigins is"));
            }
        }
        if (!body.has("embedOrigins")) {
            throw new InvalidFieldsException(
                    Map.of("embedOrigins", "required: the origins that may frame your player"));
        }
        Catalog.Account updated = catalog.setEmbedOrigins(creator, EmbedOrigins.parse(body.get("embedOrigins")));
        await(updated.written());
        ctx.json(account(updated.creator()));
    }

    private void rotateKey(Context ctx) throws InterruptedException {
        Catalog.Account rotated = catalog.rotateKey(auth.creator(ctx));
        await(rotated.written());
        Map<String, Object> body = account(rotated.creator());
        body.put("apiKey", rotated.apiKey());
        body.put("detail", "shown once: store it now. The previous key no longer works, and dashboard sessions end.");
        ctx.status(HttpStatus.CREATED).json(body);
    }

    private void list(Context ctx) {
        Creator creator = auth.creator(ctx);
        int limit = limit(ctx.queryParam("limit"));
        List<Live> lives = this.lives.livesOf(creator.getCreatorId());
        int from = 0;
        String cursor = ctx.queryParam("cursor");
        if (cursor != null) {
            String after = decodeCursor(cursor);
            from = lives.size();
            for (int i = 0; i < lives.size(); i++) {
                if (lives.get(i).getLiveId().equals(after)) {
                    from = i + 1;
                    break;
                }
            }
        }
        List<Map<String, Object>> page = new ArrayList<>();
        for (int i = from; i < Math.min(lives.size(), from + limit); i++) {
            page.add(live(lives.get(i)));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("data", page);
        body.put("total", lives.size());
        body.put(
                "nextCursor",
                from + limit < lives.size()
                        ? encodeCursor(lives.get(from + limit - 1).getLiveId())
                        : null);
        ctx.json(body);
    }

    private void create(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        LiveSpec spec = LiveSpec.create(body(ctx), clock);
        Catalog.Scheduled scheduled = catalog.schedule(creator.getCreatorId(), spec);
        await(scheduled.written());
        ctx.status(HttpStatus.CREATED)
                .header("Location", "/v1/lives/" + scheduled.live().getLiveId())
                .json(withKey(scheduled));
    }

    /** One live, with how to stream it: the settings with {@link StreamSetup#KEY_PLACEHOLDER} where the key goes. */
    private void get(Context ctx) {
        Creator creator = auth.creator(ctx);
        Live live = auth.ownLive(ctx, creator);
        Map<String, Object> body = live(live);
        if (live.getType() != LiveEventType.ENDED) {
            body.put("stream", links.streamSetup(StreamSetup.KEY_PLACEHOLDER));
        }
        ctx.json(body);
    }

    private void update(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        Live current = auth.ownLive(ctx, creator);
        JsonNode body = body(ctx);
        LiveSpec spec = LiveSpec.update(body, current, clock);
        boolean sold = revenue.of(current.getLiveId())
                .map(live ->
                        live.lines().stream().anyMatch(line -> line.totals().ticketsSold() > 0))
                .orElse(false);
        boolean started = current.getType() == LiveEventType.STARTED || current.getType() == LiveEventType.ENDED;
        if (!spec.currency().equals(current.getCurrency()) && (sold || started)) {
            throw new InvalidFieldsException(Map.of(
                    "currency",
                    "cannot change once tickets are sold or the live has started (it is " + current.getCurrency()
                            + ")"));
        }
        // A live playlist may only grow at its end or drop from its start (RFC 8216 6.2.1), and the 360p rendition is
        // made segment by segment from the start: both are settled when the live starts.
        Map<String, String> settled = new java.util.LinkedHashMap<>();
        if (started && spec.dvrWindowMinutes() != current.getDvrWindowMinutes()) {
            settled.put(
                    "dvrWindowMinutes",
                    "cannot change once the live has started (it is " + current.getDvrWindowMinutes() + ")");
        }
        if (started && spec.lowRendition() != current.getLowRendition()) {
            settled.put(
                    "lowRendition",
                    "cannot change once the live has started (it is " + current.getLowRendition() + ")");
        }
        if (!settled.isEmpty()) {
            throw new InvalidFieldsException(settled);
        }
        if (current.getType() == LiveEventType.ENDED && body.has("scheduledStart")) {
            throw new InvalidFieldsException(Map.of("scheduledStart", "the live has ended"));
        }
        Catalog.Scheduled updated = catalog.update(current, spec);
        await(updated.written());
        ctx.json(live(updated.live()));
    }

    private void rotateStreamKey(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        Live current = auth.ownLive(ctx, creator);
        if (current.getType() == LiveEventType.ENDED) {
            throw new BadRequestResponse("the live has ended: a stream key cannot be issued for it");
        }
        Catalog.Scheduled rotated = catalog.rotateStreamKey(current);
        await(rotated.written());
        ctx.status(HttpStatus.CREATED).json(withKey(rotated));
    }

    private Map<String, Object> withKey(Catalog.Scheduled scheduled) {
        Map<String, Object> body = live(scheduled.live());
        body.put("streamKey", scheduled.streamKey());
        body.put("stream", links.streamSetup(scheduled.streamKey()));
        body.put("detail", "the stream key is shown once: store it now. Only its SHA-256 is kept.");
        return body;
    }

    static Map<String, Object> account(Creator creator) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("creatorId", creator.getCreatorId());
        body.put("displayName", creator.getDisplayName());
        body.put("email", creator.getEmail());
        body.put("defaultCurrency", creator.getDefaultCurrency());
        body.put("embedOrigins", List.copyOf(creator.getEmbedOrigins()));
        return body;
    }

    /** A live as creators see it. */
    Map<String, Object> live(Live live) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", live.getLiveId());
        body.put("creatorId", live.getCreatorId());
        body.put("title", live.getTitle());
        body.put("description", live.getDescription());
        body.put("scheduledStart", live.getScheduledStart());
        body.put("status", status(live));
        body.put("startedAt", live.getStartedAt());
        body.put("endedAt", live.getEndedAt());
        body.put("currency", live.getCurrency());
        List<Map<String, Object>> tiers = new ArrayList<>();
        for (TicketTier tier : live.getTiers()) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("tier", tier.getTier());
            t.put("priceMinor", tier.getPriceMinor());
            t.put("price", Prices.format(tier.getPriceMinor(), live.getCurrency()));
            tiers.add(t);
        }
        body.put("tiers", tiers);
        body.put("replayWindowDays", live.getReplayWindowDays());
        body.put("screensPerTicket", live.getScreensPerTicket());
        body.put("dvrWindowMinutes", live.getDvrWindowMinutes());
        body.put("lowRendition", live.getLowRendition());
        body.put("ticketPage", links.ticketPage(live.getLiveId()));
        body.put("dashboard", links.dashboard(live.getLiveId()));
        return body;
    }

    /** What a live is now: scheduled, live or ended. */
    public static String status(Live live) {
        return switch (live.getType()) {
            case STARTED -> "live";
            case ENDED -> "ended";
            default -> "scheduled";
        };
    }

    private void await(RecordMetadata written) throws InterruptedException {
        views.awaitApplied(written, READ_YOUR_WRITE); // a slow view only delays visibility, never the write
    }

    private static JsonNode body(Context ctx) {
        String body = ctx.body();
        if (body.isBlank()) {
            throw new InvalidFieldsException(Map.of("body", "a JSON object is expected"));
        }
        try {
            return JSON.readTree(body);
        } catch (Exception e) {
            throw new InvalidFieldsException(Map.of(
                    "body", "not JSON: " + e.getMessage().lines().findFirst().orElse("")));
        }
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_PAGE;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_PAGE) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new InvalidFieldsException(
                Map.of("limit", "a whole number from 1 to " + MAX_PAGE + ", got '" + value + "'"));
    }

    private static String encodeCursor(String liveId) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(("after|" + liveId).getBytes(StandardCharsets.UTF_8));
    }

    private static String decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("after|")) {
                return text.substring("after|".length());
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw new BadRequestResponse("cursor is not one this API gave out (use nextCursor as it is)");
    }
}
