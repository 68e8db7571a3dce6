package io.stagepass.replay.playback;

import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.replay.views.Health;
import io.stagepass.replay.views.LiveMedia;
import io.stagepass.replay.views.Media;
import io.stagepass.replay.views.Replays;
import io.stagepass.replay.views.StageAppearances;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * What a ticket holder's player asks for: the master playlist (live while the creator streams, the replay once READY,
 * the whole live with an end in between), the media playlists it names, the thumbnail track, and a summary for the
 * player page. Every request is checked by {@link Access}; the media inside are signed links ({@link SignedUrls}).
 */
public final class PlaybackRoutes {
    /** The modes a live's playback can be in. */
    public enum Mode {
        LIVE,
        ENDED,
        REPLAY
    }

    static final String MPEGURL = "application/vnd.apple.mpegurl";
    static final String NO_CACHE = "no-cache";

    private final Access access;
    private final Replays replays;
    private final Media media;
    private final MediaObjects objects;
    private final SignedUrls urls;
    private final Screens screens;
    private final Clock clock;
    private final SignedPlaylists signed;
    private final Health health;
    private final StageAppearances stage;

    public PlaybackRoutes(
            Access access,
            Replays replays,
            Media media,
            MediaObjects objects,
            SignedUrls urls,
            Screens screens,
            StageAppearances stage,
            Health health,
            Clock clock) {
        this.health = health;
        this.screens = screens;
        this.stage = stage;
        this.access = access;
        this.replays = replays;
        this.media = media;
        this.objects = objects;
        this.urls = urls;
        this.clock = clock;
        this.signed = new SignedPlaylists(clock);
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/lives/{liveId}/master.m3u8", this::master);
        config.routes.get("/v1/lives/{liveId}/live.m3u8", this::live);
        config.routes.get("/v1/lives/{liveId}/replay/{version}/{playlist}", this::replayMedia);
        config.routes.get("/v1/lives/{liveId}/thumbnails.vtt", this::thumbnails);
        config.routes.get("/v1/lives/{liveId}/thumbs/{segment}", this::liveThumbnail);
        config.routes.get("/v1/lives/{liveId}/playback", this::playback);
        config.routes.post("/v1/lives/{liveId}/playback/takeover", this::takeOver);
        config.routes.post("/v1/lives/{liveId}/playback/release", this::release);
    }

    /** Where a live's playback stands, and the replay version served when there is one. */
    record State(Mode mode, int replayVersion) {}

    State state(Live live) {
        int served = servedVersion(live.getLiveId());
        if (served > 0) {
            return new State(Mode.REPLAY, served);
        }
        return new State(live.getType() == LiveEventType.ENDED ? Mode.ENDED : Mode.LIVE, 0);
    }

    private int servedVersion(String liveId) {
        Optional<ReplayStatus> ready = replays.ready(liveId);
        if (ready.isPresent()) {
            return ready.get().getVersion();
        }
        return replays.latest(liveId).map(ReplayStatus::getServedVersion).orElse(0); // the READY record compacted away
    }

    private void master(Context ctx) throws Exception {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        String screen = hold(ctx, viewer);
        State state = state(viewer.live());
        String token = query(viewer.token(), screen);
        String liveId = viewer.live().getLiveId();
        String body;
        if (state.mode() == Mode.REPLAY) {
            String master = objects.text("replays", liveId + "/v" + state.replayVersion() + "/master.m3u8")
                    .orElseThrow(() -> new NotFoundResponse("the replay's master playlist is missing"));
            body = ReplayPlaylists.rewrite(
                    master, uri -> "/v1/lives/" + liveId + "/replay/" + state.replayVersion() + "/" + uri + token);
        } else {
            String media = "/v1/lives/" + liveId + "/live.m3u8" + token;
            List<LivePlaylists.Rendition> renditions = this.media
                    .of(liveId)
                    .map(stored -> stored.renditions().stream()
                            .map(name -> new LivePlaylists.Rendition(
                                    name, stored.rendition(name), media + "&rendition=" + name))
                            .toList())
                    .orElse(List.of());
            String resolution = health.of(liveId)
                    .filter(h -> h.getWidth() != null && h.getHeight() != null)
                    .map(h -> h.getWidth() + "x" + h.getHeight())
                    .orElse(null);
            body = LivePlaylists.master(segments(liveId), media, resolution, renditions);
        }
        playlist(ctx, state, body);
    }

    private void live(Context ctx) {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        hold(ctx, viewer);
        String liveId = viewer.live().getLiveId();
        LiveMedia stored = media.of(liveId)
                .filter(live -> !live.isEmpty())
                .orElseThrow(() -> new NotFoundResponse("the live has not started streaming yet"));
        List<SegmentStored> all = stored.segments(0);
        boolean ended = viewer.live().getType() == LiveEventType.ENDED;
        Instant now = clock.instant();
        String rendition = ctx.queryParam("rendition");
        NavigableMap<Long, SegmentStored> made = null;
        if (rendition != null) {
            if (!stored.renditions().contains(rendition)) {
                throw new NotFoundResponse(
                        "the live has no such rendition (it may have 360p, once the worker made it)");
            }
            made = stored.rendition(rendition);
            all = LivePlaylists.renditionSlots(all, made, ended);
        }
        // A delta update (_HLS_skip=YES, RFC 8216bis 6.2.5.1) is what hls.js asks for on each reload once the playlist
        // says CAN-SKIP-UNTIL; v2 (skip date ranges too) is answered the same: a live has none.
        String skip = ctx.queryParam("_HLS_skip");
        LivePlaylists.Reach reach = new LivePlaylists.Reach(
                viewer.live().getDvrWindowMinutes() * 60_000_000L, "YES".equals(skip) || "v2".equals(skip));
        NavigableMap<Long, SegmentStored> lower = made;
        List<SegmentStored> listed = all;
        String key = String.join(
                "|",
                liveId,
                viewer.ticketId(),
                String.valueOf(rendition),
                String.valueOf(reach.skip()),
                Long.toString(reach.dvrWindowMicros()),
                Integer.toString(all.size()),
                Integer.toString(made == null ? -1 : made.size()),
                Boolean.toString(ended));
        String body = signed.get(
                key,
                () -> LivePlaylists.media(
                        listed,
                        ended,
                        reach,
                        segment -> {
                            SegmentStored own =
                                    lower == null ? segment : lower.getOrDefault(segment.getSequence(), segment);
                            return sign("segments", own.getObjectKey(), liveId, viewer.ticketId(), now);
                        },
                        segment -> {
                            SegmentStored init = stored.initFor(segment);
                            // A rendition's segments are MPEG-TS whatever the source's: never an init section (a map
                            // would
                            // apply to every segment after it; a gap is not fetched)
                            return init == null || lower != null
                                    ? null
                                    : sign("segments", init.getObjectKey(), liveId, viewer.ticketId(), now);
                        },
                        segment -> lower != null && !lower.containsKey(segment.getSequence())));
        playlist(ctx, state(viewer.live()), body);
    }

    private void replayMedia(Context ctx) throws Exception {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        hold(ctx, viewer);
        String liveId = viewer.live().getLiveId();
        String version = ctx.pathParam("version");
        if (!version.matches("[1-9][0-9]{0,5}")) {
            throw new NotFoundResponse("no replay version " + version);
        }
        String playlist = ctx.pathParam("playlist");
        if (!playlist.matches("media(-[0-9]{3,4}p)?\\.m3u8")) {
            throw new NotFoundResponse("no playlist " + playlist + " (media.m3u8, or media-360p.m3u8 for a rendition)");
        }
        String prefix = liveId + "/v" + version + "/";
        String media = objects.text("replays", prefix + playlist)
                .orElseThrow(() -> new NotFoundResponse("no playlist " + playlist + " in replay version " + version));
        Instant now = clock.instant();
        playlist(
                ctx,
                state(viewer.live()),
                ReplayPlaylists.rewrite(media, uri -> sign("replays", prefix + uri, liveId, viewer.ticketId(), now)));
    }

    private void thumbnails(Context ctx) throws Exception {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        State state = state(viewer.live());
        if (state.mode() != Mode.REPLAY) {
            throw new NotFoundResponse("thumbnails come with the replay, once it is ready");
        }
        String liveId = viewer.live().getLiveId();
        String prefix = liveId + "/v" + state.replayVersion() + "/";
        String vtt = objects.text("replays", prefix + "thumbnails.vtt")
                .orElseThrow(() -> new NotFoundResponse("the replay has no thumbnails"));
        Instant now = clock.instant();
        ctx.header("Cache-Control", NO_CACHE)
                .contentType("text/vtt; charset=utf-8")
                .result(ReplayPlaylists.thumbnails(
                        vtt, image -> sign("replays", prefix + image, liveId, viewer.ticketId(), now)));
    }

    /**
     * During the live, the scrub bar's thumbnail of a segment, by its media sequence number in the live playlist
     * ({@code 42.jpg}): the first picture of the segment, made with its 360p rendition. 404 for a segment without one
     * (not made yet, or the live has no lower rendition).
     */
    private void liveThumbnail(Context ctx) throws Exception {
        String name = ctx.pathParam("segment");
        if (!name.matches("[0-9]{1,9}\\.jpg")) {
            throw new NotFoundResponse("a thumbnail is named by its segment's media sequence number: 42.jpg");
        }
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        int index = Integer.parseInt(name.substring(0, name.length() - 4));
        String liveId = viewer.live().getLiveId();
        List<SegmentStored> stored = segments(liveId);
        if (index >= stored.size()) {
            throw new NotFoundResponse("the live has " + stored.size() + " segments so far");
        }
        String key = SegmentKeys.thumbnail(liveId, stored.get(index).getSequence());
        java.nio.ByteBuffer jpeg = objects.buffer("segments", key)
                .orElseThrow(() -> new NotFoundResponse("no thumbnail of that segment (yet)"));
        byte[] bytes = new byte[jpeg.remaining()];
        jpeg.duplicate().get(bytes);
        ctx.header("Cache-Control", "private, max-age=3600")
                .contentType("image/jpeg")
                .result(bytes);
    }

    /** What the player page needs: the mode, the playlist, and for a replay its poster, thumbnails and download. */
    private void playback(Context ctx) {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        answerPlayback(ctx, viewer, hold(ctx, viewer));
    }

    /** "Watch here instead": this screen takes the place of the ticket's oldest. */
    private void takeOver(Context ctx) {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        String screen = screen(ctx);
        screens.takeOver(
                viewer.live().getLiveId(),
                viewer.ticketId(),
                screen,
                viewer.live().getScreensPerTicket());
        answerPlayback(ctx, viewer, screen);
    }

    /** The player page went away (navigator.sendBeacon): its screen is free at once. */
    private void release(Context ctx) {
        Access.Viewer viewer = access.check(ctx.pathParam("liveId"), Access.token(ctx));
        screens.release(viewer.live().getLiveId(), viewer.ticketId(), screen(ctx));
        ctx.status(HttpStatus.NO_CONTENT);
    }

    private void answerPlayback(Context ctx, Access.Viewer viewer, String screen) {
        Live live = viewer.live();
        State state = state(live);
        String token = query(viewer.token(), screen);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", live.getLiveId());
        body.put("title", live.getTitle());
        body.put("mode", state.mode().name().toLowerCase());
        body.put("master", "/v1/lives/" + live.getLiveId() + "/master.m3u8" + token);
        body.put("beaconToken", access.beaconToken(viewer, screen)); // its beacons count under this screen
        body.put("token", access.renewedToken(viewer)); // the player swaps it in: a watching screen never expires
        if (state.mode() == Mode.REPLAY) {
            Instant now = clock.instant();
            String prefix = live.getLiveId() + "/v" + state.replayVersion() + "/";
            body.put("version", state.replayVersion());
            body.put("thumbnails", "/v1/lives/" + live.getLiveId() + "/thumbnails.vtt" + token);
            body.put("poster", sign("replays", prefix + "poster.jpg", live.getLiveId(), viewer.ticketId(), now));
            body.put("download", sign("replays", prefix + "download.mp4", live.getLiveId(), viewer.ticketId(), now));
            replays.ready(live.getLiveId()).ifPresent(ready -> body.put("durationMillis", ready.getDurationMillis()));
        }
        body.put("chapters", chapters(live.getLiveId()));
        Instant closes = Access.windowClosesAt(live);
        if (closes != null) {
            body.put("availableUntil", closes.toString());
        }
        ctx.header("Cache-Control", NO_CACHE).json(body);
    }

    /** Who was on stage and when, on the live's timeline: the player marks them on its scrub bar. */
    private java.util.List<Map<String, Object>> chapters(String liveId) {
        return stage
                .of(liveId)
                .map(s -> s.chapters(media.of(liveId).map(m -> m.segments(0)).orElse(java.util.List.of())))
                .orElse(java.util.List.of())
                .stream()
                .map(StageAppearances::describe)
                .toList();
    }

    /** The screen a request names ({@code ?screen=}), required of every player. */
    private static String screen(Context ctx) {
        String screen = ctx.queryParam("screen");
        if (!Screens.wellFormed(screen)) {
            throw new BadRequestResponse("screen is required: each player names its screen with ?screen= (8 to 64 "
                    + "letters, digits, '_' or '-', random per page)");
        }
        return screen;
    }

    /**
     * Holds the request's screen for the viewer's ticket, or refuses (409) when the ticket already plays on as many
     * screens as its live allows; returns the screen.
     */
    private String hold(Context ctx, Access.Viewer viewer) {
        String screen = screen(ctx);
        int limit = viewer.live().getScreensPerTicket();
        Screens.Outcome outcome = screens.hold(viewer.live().getLiveId(), viewer.ticketId(), screen, limit);
        if (!outcome.held()) {
            int others = outcome.others().size();
            throw new HttpResponseException(
                    HttpStatus.CONFLICT.getCode(),
                    "this ticket is playing on " + others + " other screen" + (others == 1 ? "" : "s") + " (at most "
                            + limit + " at once): choose \"watch here instead\" to stop the one that started first");
        }
        return screen;
    }

    private static String query(String token, String screen) {
        return "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8) + "&screen=" + screen;
    }

    private List<SegmentStored> segments(String liveId) {
        return media.of(liveId).map(live -> live.segments(0)).orElse(List.of());
    }

    private String sign(String bucket, String key, String liveId, String ticketId, Instant now) {
        String path = key.substring(liveId.length() + 1); // every key of a live starts with its id
        SignedUrls.ObjectRef object = SignedUrls.parse(liveId, bucket, path)
                .orElseThrow(() -> new IllegalStateException("not a key of live " + liveId + ": " + key));
        return urls.sign(object, ticketId, now);
    }

    private static void playlist(Context ctx, State state, String body) {
        ctx.header("Cache-Control", NO_CACHE)
                .header("X-Stagepass-Mode", state.mode().name().toLowerCase())
                .contentType(MPEGURL)
                .result(body);
    }
}
