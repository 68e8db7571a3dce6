package io.stagepass.replay.clips;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.config.JavalinConfig;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.stagepass.events.Clip;
import io.stagepass.events.ClipStatus;
import io.stagepass.events.ClipVisibility;
import io.stagepass.events.Creator;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.views.TopicView;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.CreatorAuth;
import io.stagepass.replay.creators.CreatorRoutes;
import io.stagepass.replay.playback.Access;
import io.stagepass.replay.playback.SignedUrls;
import io.stagepass.replay.views.Clips;
import io.stagepass.replay.views.LiveMedia;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.Media;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Clips: a creator marks a span of a live or its replay ({@code POST /v1/lives/{id}/clips}) and the jobs worker cuts it
 * without re-encoding. A public clip is anyone's (the ticket page shows it as a preview, {@code /previews}); one for
 * ticket holders needs a valid ticket of the live, as playback does. Media links are the playback's signed, short-lived
 * links, bound to the clip's MP4 alone.
 */
public final class ClipRoutes {
    static final long MIN_MILLIS = 1_000;
    static final long MAX_MILLIS = 10 * 60_000;
    static final int MAX_CLIPS = 100;
    static final int MAX_TITLE = 100;
    private static final Duration READ_YOUR_WRITE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("title", "startMillis", "endMillis", "visibility");

    private final CreatorAuth auth;
    private final Access access;
    private final Lives lives;
    private final Media media;
    private final Clips clips;
    private final SignedUrls urls;
    private final Catalog catalog;
    private final TopicView views;
    private final Clock clock;

    public ClipRoutes(
            CreatorAuth auth,
            Access access,
            Lives lives,
            Media media,
            Clips clips,
            SignedUrls urls,
            Catalog catalog,
            TopicView views,
            Clock clock) {
        this.auth = auth;
        this.access = access;
        this.lives = lives;
        this.media = media;
        this.clips = clips;
        this.urls = urls;
        this.catalog = catalog;
        this.views = views;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/v1/lives/{liveId}/clips", this::create);
        config.routes.get("/v1/lives/{liveId}/clips", this::list);
        config.routes.get("/v1/lives/{liveId}/clips/{clipId}", this::one);
        config.routes.delete("/v1/lives/{liveId}/clips/{clipId}", this::delete);
        config.routes.get("/v1/lives/{liveId}/previews", this::previews);
    }

    private void create(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        Live live = auth.ownLive(ctx, creator);
        JsonNode body = body(ctx);
        Map<String, String> problems = new LinkedHashMap<>();
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.put(name, "unknown field (known: " + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        String title =
                body.path("title").isTextual() ? body.get("title").asText().strip() : "";
        if (title.isEmpty() || title.length() > MAX_TITLE) {
            problems.put("title", "required: 1 to " + MAX_TITLE + " characters");
        }
        long start = millis(body, "startMillis", problems);
        long end = millis(body, "endMillis", problems);
        ClipVisibility visibility = ClipVisibility.TICKET_HOLDERS;
        if (body.has("visibility")) {
            String value = body.get("visibility").asText("");
            if (value.equals("public")) {
                visibility = ClipVisibility.PUBLIC;
            } else if (!value.equals("ticket_holders")) {
                problems.put("visibility", "public or ticket_holders (the default)");
            }
        }
        if (problems.isEmpty()) {
            if (end - start < MIN_MILLIS || end - start > MAX_MILLIS) {
                problems.put(
                        "endMillis",
                        "a clip lasts " + MIN_MILLIS / 1000 + " s to " + MAX_MILLIS / 60_000
                                + " min; this one would last " + (end - start) + " ms");
            } else if ("scheduled".equals(CreatorRoutes.status(live))) {
                problems.put("startMillis", "the live has not started: there is nothing to clip yet");
            } else {
                long stored =
                        media.of(live.getLiveId()).map(LiveMedia::storedMicros).orElse(0L) / 1000;
                if (end > stored) {
                    problems.put(
                            "endMillis",
                            "after the media stored so far, which ends at " + stored + " ms (" + clock(stored) + ")");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFieldsException(problems);
        }
        long kept = clips.of(live.getLiveId()) // deleted ones are not among them
                .map(c -> c.all().stream()
                        .filter(clip -> clip.getType() != ClipStatus.FAILED)
                        .count())
                .orElse(0L);
        if (kept >= MAX_CLIPS) {
            throw new ConflictResponse("a live has at most " + MAX_CLIPS + " clips (failed ones do not count)");
        }
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Clip clip = Clip.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(now)
                .setType(ClipStatus.REQUESTED)
                .setClipId(Ids.newId("clip"))
                .setLiveId(live.getLiveId())
                .setCreatorId(creator.getCreatorId())
                .setTitle(title)
                .setVisibility(visibility)
                .setStartMillis(start)
                .setEndMillis(end)
                .setRequestedAt(now)
                .build();
        views.awaitApplied(catalog.clip(clip), READ_YOUR_WRITE);
        ctx.status(HttpStatus.ACCEPTED)
                .header("Location", "/v1/lives/" + live.getLiveId() + "/clips/" + clip.getClipId())
                .json(json(clip, "creator"));
    }

    /**
     * Takes a clip down: it leaves the ticket page, its route and the list at once (the views have the fact before the
     * answer), and the jobs worker deletes its MP4; a link given out before works until it expires or the MP4 is gone.
     */
    private void delete(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        Live live = auth.ownLive(ctx, creator);
        Clip clip = clips.of(live.getLiveId())
                .flatMap(c -> c.clip(ctx.pathParam("clipId")))
                .orElseThrow(
                        () -> new NotFoundResponse("no clip " + ctx.pathParam("clipId") + " of " + live.getLiveId()));
        Instant now = clock.instant().truncatedTo(ChronoUnit.MILLIS);
        Clip deleted = Clip.newBuilder(clip)
                .setEventId(Ids.newEventId())
                .setOccurredAt(now)
                .setSchemaVersion((Integer)
                        Clip.getClassSchema().getField("schemaVersion").defaultVal())
                .setType(ClipStatus.DELETED)
                .build();
        views.awaitApplied(catalog.clip(deleted), READ_YOUR_WRITE);
        ctx.status(HttpStatus.NO_CONTENT);
    }

    /** Every clip of the creator's live, whatever its state, with a link to each ready one. */
    private void list(Context ctx) {
        Creator creator = auth.creator(ctx);
        Live live = auth.ownLive(ctx, creator);
        List<Map<String, Object>> data = new ArrayList<>();
        boolean expired = expired(live);
        clips.of(live.getLiveId()).ifPresent(c -> c.all().forEach(clip -> data.add(json(clip, "creator", expired))));
        ctx.json(Map.of("liveId", live.getLiveId(), "data", data));
    }

    /** One ready clip: a public one for anyone, one for ticket holders with a valid ticket of the live. */
    private void one(Context ctx) {
        String liveId = ctx.pathParam("liveId");
        Clip clip = clips.of(liveId)
                .flatMap(c -> c.clip(ctx.pathParam("clipId")))
                .filter(c -> c.getType() == ClipStatus.READY)
                .filter(c -> lives.live(liveId).map(live -> !expired(live)).orElse(false))
                .orElseThrow(() -> new NotFoundResponse("no ready clip " + ctx.pathParam("clipId") + " of " + liveId));
        String holder = "public";
        if (clip.getVisibility() == ClipVisibility.TICKET_HOLDERS) {
            holder = access.check(liveId, Access.token(ctx)).ticketId(); // 401/403 as playback answers them
        }
        ctx.header("Cache-Control", "no-store").json(json(clip, holder));
    }

    /** The public, ready clips of a live: what its ticket page shows to sell it. */
    private void previews(Context ctx) {
        String liveId = ctx.pathParam("liveId");
        Live live = lives.live(liveId).orElseThrow(() -> new NotFoundResponse("no live " + liveId));
        List<Map<String, Object>> data = new ArrayList<>();
        clips.of(liveId)
                .filter(c -> !expired(live))
                .ifPresent(c -> c.all().stream()
                        .filter(clip ->
                                clip.getType() == ClipStatus.READY && clip.getVisibility() == ClipVisibility.PUBLIC)
                        .forEach(clip -> data.add(json(clip, "public"))));
        ctx.header("Cache-Control", "no-store").json(Map.of("liveId", liveId, "data", data));
    }

    /**
     * Whether the live's replay window has closed: retention deleted its objects, the clips' MP4s with them (they go
     * with the replay).
     */
    private boolean expired(Live live) {
        Instant closes = Access.windowClosesAt(live);
        return closes != null && !clock.instant().isBefore(closes);
    }

    private Map<String, Object> json(Clip clip, String holder) {
        return json(clip, holder, false);
    }

    /**
     * A clip as the API shows it; a ready one carries a link to its MP4 signed for {@code holder}, unless the replay
     * window closed ({@code expired}: the status says so).
     */
    private Map<String, Object> json(Clip clip, String holder, boolean expired) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("clipId", clip.getClipId());
        body.put("liveId", clip.getLiveId());
        body.put("title", clip.getTitle());
        body.put("visibility", clip.getVisibility() == ClipVisibility.PUBLIC ? "public" : "ticket_holders");
        body.put(
                "status",
                expired && clip.getType() == ClipStatus.READY
                        ? "expired"
                        : clip.getType().name().toLowerCase(java.util.Locale.ROOT));
        body.put("startMillis", clip.getStartMillis());
        body.put("endMillis", clip.getEndMillis());
        body.put("requestedAt", clip.getRequestedAt());
        if (clip.getType() == ClipStatus.READY && !expired) {
            body.put("clipStartMillis", clip.getClipStartMillis());
            body.put("durationMillis", clip.getDurationMillis());
            body.put("width", clip.getWidth());
            body.put("height", clip.getHeight());
            body.put("byteSize", clip.getByteSize());
            String path = "clips/" + clip.getClipId() + ".mp4";
            body.put(
                    "media",
                    urls.sign(new SignedUrls.ObjectRef(clip.getLiveId(), "replays", path), holder, clock.instant()));
        }
        if (clip.getType() == ClipStatus.FAILED) {
            body.put("error", clip.getError());
        }
        return body;
    }

    private static long millis(JsonNode body, String field, Map<String, String> problems) {
        JsonNode node = body.get(field);
        if (node == null || !node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0) {
            problems.put(field, "required: a whole number of milliseconds on the replay's timeline, at least 0");
            return 0;
        }
        return node.asLong();
    }

    private static JsonNode body(Context ctx) {
        try {
            JsonNode body = JSON.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new InvalidFieldsException(Map.of("body", "a JSON object is expected"));
            }
            return body;
        } catch (IOException e) {
            throw new InvalidFieldsException(Map.of("body", "not JSON: " + e.getMessage()));
        }
    }

    /** m:ss of a position in milliseconds. */
    static String clock(long millis) {
        return String.format("%d:%02d", millis / 60_000, millis / 1000 % 60);
    }
}
