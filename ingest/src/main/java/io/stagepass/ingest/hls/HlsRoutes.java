package io.stagepass.ingest.hls;

import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.ConflictResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.stagepass.events.Live;
import io.stagepass.ingest.lives.LiveCatalog;
import io.stagepass.platform.http.HttpServices;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * HLS pushed over HTTP, as {@code ffmpeg -f hls -method PUT http://HOST/live/STREAM_KEY/index.m3u8} sends it:
 * {@code PUT /live/{streamKey}/{file}} for playlists, segments and init sections, {@code DELETE} accepted and
 * ignored (we keep everything), {@code POST /live/{streamKey}/end} to end a live explicitly. Each request is
 * validated (file name: 400), then authenticated (stream key: 403), then stored. The typed refusals of a push (the
 * live has ended: 403, too large: 413, the spool is full: 507) are mapped to their answers once, in {@link #register}.
 */
public final class HlsRoutes {
    private final LiveCatalog catalog;
    private final HlsIngest ingest;
    private final SegmentSender sender;
    private final Spool spool;
    private final AtomicLong spoolFullRejections = new AtomicLong();

    public HlsRoutes(LiveCatalog catalog, HlsIngest ingest, SegmentSender sender, Spool spool) {
        this.catalog = catalog;
        this.ingest = ingest;
        this.sender = sender;
        this.spool = spool;
    }

    public void register(JavalinConfig config) {
        config.routes.exception(
                LiveEndedException.class,
                (e, ctx) -> HttpServices.writeError(ctx, HttpStatus.FORBIDDEN, e.getMessage()));
        config.routes.exception(
                SequenceOutOfRangeException.class,
                (e, ctx) -> HttpServices.writeError(ctx, HttpStatus.BAD_REQUEST, e.getMessage()));
        config.routes.exception(
                BodyTooLargeException.class,
                (e, ctx) -> HttpServices.writeError(ctx, HttpStatus.CONTENT_TOO_LARGE, e.getMessage()));
        config.routes.exception(SpoolFullException.class, (e, ctx) -> {
            spoolFullRejections.incrementAndGet();
            HttpServices.writeError(ctx, HttpStatus.INSUFFICIENT_STORAGE, e.getMessage());
        });
        config.routes.put("/live/{streamKey}/{file}", this::put);
        config.routes.delete("/live/{streamKey}/{file}", this::delete);
        config.routes.post("/live/{streamKey}/end", this::end);
        config.routes.get("/v1/ingest/status", this::status);
    }

    private void put(Context ctx) throws Exception {
        HlsFile file;
        Live live;
        try {
            file = HlsFile.parse(ctx.pathParam("file"))
                    .orElseThrow(
                            () -> new BadRequestResponse(
                                    "file name must be letters, digits, '_' or '-' with a .m3u8, .ts, .m4s or .mp4 extension; segments end in their number"));
            live = authenticate(ctx);
        } catch (HttpResponseException | LiveEndedException e) {
            discardBody(ctx);
            throw e;
        }
        if (file.kind() == HlsFile.Kind.PLAYLIST) {
            byte[] body = ctx.req().getInputStream().readNBytes(PLAYLIST_LIMIT + 1);
            if (body.length > PLAYLIST_LIMIT) {
                throw new HttpResponseException(
                        HttpStatus.CONTENT_TOO_LARGE.getCode(),
                        "a playlist may be at most " + PLAYLIST_LIMIT + " bytes");
            }
            try {
                ingest.acceptPlaylist(live.getLiveId(), body);
            } catch (IllegalArgumentException e) {
                throw new BadRequestResponse("malformed playlist: " + e.getMessage());
            }
            ctx.status(HttpStatus.CREATED).json(Map.of("liveId", live.getLiveId()));
            return;
        }
        long sequence = ingest.acceptSegment(live.getLiveId(), file, ctx.req().getInputStream());
        sender.nudge();
        ctx.status(HttpStatus.CREATED).json(Map.of("liveId", live.getLiveId(), "sequence", sequence));
    }

    private void delete(Context ctx) throws LiveEndedException {
        HlsFile.parse(ctx.pathParam("file")).orElseThrow(() -> new BadRequestResponse("not a file name we accept"));
        authenticate(ctx);
        ctx.status(HttpStatus.NO_CONTENT); // ffmpeg's delete_segments: we keep everything for the replay
    }

    private void end(Context ctx) throws Exception {
        Live live = authenticate(ctx);
        if (!ingest.endExplicitly(live.getLiveId())) {
            throw new ConflictResponse("live " + live.getLiveId() + " has not started: there is nothing to end yet");
        }
        sender.nudge();
        ctx.status(HttpStatus.ACCEPTED).json(Map.of("liveId", live.getLiveId(), "status", "ending"));
    }

    private void status(Context ctx) {
        ctx.json(Map.of(
                "spoolBytes",
                spool.usedBytes(),
                "delivered",
                sender.deliveredCount(),
                "deliveryFailures",
                sender.failureCount(),
                "spoolFullRejections",
                spoolFullRejections.get()));
    }

    private Live authenticate(Context ctx) throws LiveEndedException {
        String key = ctx.pathParam("streamKey");
        if (!HlsFile.isPlausibleStreamKey(key)) {
            throw new ForbiddenResponse("unknown stream key");
        }
        Live live = catalog.byStreamKey(key).orElseThrow(() -> new ForbiddenResponse("unknown or revoked stream key"));
        if (ingest.hasEnded(live)) {
            throw new LiveEndedException(live.getLiveId());
        }
        return live;
    }

    /**
     * Reads a refused push's body to its end (up to {@link #DISCARD_LIMIT}) before the answer, which closes the
     * connection. A server that closes a connection with unread bytes in it resets it, and a client still sending
     * its body then sees a broken pipe instead of the answer (it made {@code HlsRoutesIT} fail now and then); with
     * the body read, the close is orderly and the answer arrives.
     */
    private static void discardBody(Context ctx) {
        long declared = ctx.req().getContentLengthLong();
        if (declared > DISCARD_LIMIT) {
            return; // too much to read for nothing: the connection closes
        }
        try {
            InputStream body = ctx.req().getInputStream();
            byte[] buffer = new byte[64 * 1024];
            long read = 0;
            int n;
            while (read <= DISCARD_LIMIT && (n = body.read(buffer)) >= 0) {
                read += n;
            }
        } catch (IOException e) {
            // the client went away: nothing to answer
        }
    }

    private static final int PLAYLIST_LIMIT = 1024 * 1024;
    private static final long DISCARD_LIMIT = 16L * 1024 * 1024;
}
