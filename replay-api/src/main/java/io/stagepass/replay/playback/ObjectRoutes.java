package io.stagepass.replay.playback;

import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.stagepass.events.Bucket;
import jakarta.servlet.ServletOutputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.HttpOutput;

/**
 * {@code GET /v1/lives/{liveId}/objects/{bucket}/{path}}: the bytes behind a signed link. Checks the path (it must
 * stay under the live's prefix: 400 otherwise), then the signature and expiry (403), nothing else: no token, no
 * lookup, so it is as cheap as serving a file. Streams the object ({@code Range} answered with 206) or, in redirect
 * mode, sends the player to a presigned URL of the object store itself.
 */
public final class ObjectRoutes {
    /** How objects reach viewers. */
    public enum Delivery {
        STREAM,
        REDIRECT
    }

    /** Segments and replay files never change under a name: a browser may keep them as long as the link lives. */
    static final String IMMUTABLE = "private, max-age=600, immutable";

    private static final Pattern RANGE = Pattern.compile("^bytes=(\\d*)-(\\d*)$");

    private final SignedUrls urls;
    private final MediaObjects objects;
    private final Delivery delivery;
    private final Clock clock;

    public ObjectRoutes(SignedUrls urls, MediaObjects objects, Delivery delivery, Clock clock) {
        this.urls = urls;
        this.objects = objects;
        this.delivery = delivery;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.before("/v1/lives/*", ObjectRoutes::refuseTraversal);
        config.routes.get("/v1/lives/{liveId}/objects/{bucket}/<path>", this::get);
    }

    /**
     * A request whose raw path tries to climb ({@code ..}, however encoded, or an encoded separator) is refused before
     * anything else looks at it: the server's own normalisation must not turn it into a path that happens to exist.
     */
    private static void refuseTraversal(Context ctx) {
        String raw = ctx.req().getRequestURI().toLowerCase(Locale.ROOT);
        if (raw.contains("/..")
                || raw.contains("%2e")
                || raw.contains("%252e")
                || raw.contains("%2f")
                || raw.contains("%5c")
                || raw.contains("\\")) {
            throw new BadRequestResponse("the path leaves the live's prefix: '..' and encoded separators are refused");
        }
    }

    private void get(Context ctx) throws Exception {
        String liveId = ctx.pathParam("liveId");
        SignedUrls.ObjectRef object = SignedUrls.parse(liveId, ctx.pathParam("bucket"), ctx.pathParam("path"))
                .filter(o -> liveId.matches("[A-Za-z0-9_-]{1,64}"))
                .orElseThrow(() -> new BadRequestResponse(
                        "not an object of this live: the path must stay under the live's prefix"));
        Optional<String> refused =
                urls.check(object, ctx.queryParam("t"), ctx.queryParam("e"), ctx.queryParam("s"), clock.instant());
        if (refused.isPresent()) {
            throw new ForbiddenResponse(refused.get());
        }
        // A replay built while its live streamed has a download made of parts (S3 cannot append): its head and its
        // fragments, served here as the one MP4 they are, in either delivery mode.
        Optional<MediaObjects.Composite> composite =
                object.bucket().equals("replays") && object.path().endsWith("/download.mp4")
                        ? objects.composite(object.bucket(), object.key())
                        : Optional.empty();
        if (delivery == Delivery.REDIRECT && composite.isEmpty()) {
            // The presigned URL dies with the link (at least 1 s: S3's minimum), so a revoked ticket's last link
            // opens nothing after the link's own expiry.
            long left = Long.parseLong(ctx.queryParam("e")) - clock.instant().getEpochSecond();
            ctx.header("Cache-Control", "no-store")
                    .redirect(
                            objects.presigned(object.bucket(), object.key(), (int) Math.max(1, left)),
                            HttpStatus.FOUND);
            return;
        }
        ctx.header("Accept-Ranges", "bytes")
                .header("Cache-Control", IMMUTABLE)
                .contentType(Bucket.contentType(object.path()));
        long size = composite.isPresent() ? composite.get().size() : objects.size(object.bucket(), object.key());
        if (size < 0) {
            throw new NotFoundResponse("no such object");
        }
        String range = ctx.header("Range");
        long start = 0;
        long end = size - 1;
        if (range != null) {
            Matcher bytes = RANGE.matcher(range.strip());
            if (!bytes.matches() || bytes.group(1).isEmpty() && bytes.group(2).isEmpty()) {
                throw unsatisfiable(ctx, size, "only one range, as bytes=START-END, bytes=START- or bytes=-LENGTH");
            }
            if (bytes.group(1).isEmpty()) {
                start = Math.max(0, size - Long.parseLong(bytes.group(2)));
            } else {
                start = Long.parseLong(bytes.group(1));
                end = bytes.group(2).isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(bytes.group(2)));
            }
            if (start > end || start >= size) {
                throw unsatisfiable(ctx, size, "the object has " + size + " bytes");
            }
            ctx.status(HttpStatus.PARTIAL_CONTENT).header("Content-Range", "bytes " + start + "-" + end + "/" + size);
        }
        long length = end - start + 1;
        ctx.header("Content-Length", Long.toString(length));
        if (composite.isPresent()) {
            ServletOutputStream out = ctx.res().getOutputStream();
            long at = 0;
            for (MediaObjects.Part part : composite.get().parts()) {
                long from = Math.max(start, at);
                long to = Math.min(end + 1, at + part.size());
                if (from < to) {
                    try (var in = objects.range(object.bucket(), part.key(), from - at, to - from)) {
                        in.transferTo(out);
                    }
                }
                at += part.size();
                if (at > end) {
                    break;
                }
            }
            out.flush();
        } else if (size <= MediaObjects.CACHEABLE_BYTES) {
            ByteBuffer all = objects.buffer(object.bucket(), object.key())
                    .orElseThrow(() -> new NotFoundResponse("no such object"));
            ByteBuffer part = all.slice((int) start, (int) length);
            // One write straight to the connection, from a direct buffer when the server is Jetty: no stream copying
            // through a buffer in between, no copy out of the heap, no compression layer (video does not compress).
            ServletOutputStream out = ctx.res().getOutputStream();
            if (out instanceof HttpOutput jetty) {
                jetty.write(part);
            } else {
                byte[] bytes = new byte[part.remaining()];
                part.get(bytes);
                out.write(bytes);
            }
            out.flush();
        } else {
            ctx.result(objects.range(object.bucket(), object.key(), start, length));
        }
    }

    private static HttpResponseException unsatisfiable(Context ctx, long size, String detail) {
        ctx.header("Content-Range", "bytes */" + size);
        return new HttpResponseException(
                HttpStatus.RANGE_NOT_SATISFIABLE.getCode(),
                "Range not satisfiable: " + detail,
                Map.of("size", Long.toString(size)));
    }
}
