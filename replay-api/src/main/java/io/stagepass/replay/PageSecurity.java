package io.stagepass.replay;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import java.net.URI;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * The headers every answer of the replay API carries, and the check on writes a browser makes with its cookie.
 *
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles and fonts from this origin only (no inline script), media and
 *       images from here or blob: (Media Source Extensions), beacons to ingest, forms to here and to Stripe's
 *       Checkout, and {@code frame-ancestors 'none'} but for the player page, which the origins its creator lists
 *       ({@code PATCH /v1/creator}, {@code embedOrigins}) may frame, and those of {@code STAGEPASS_EMBED_ORIGINS}
 *       (the deployment's own sites) for every creator; with {@code X-Frame-Options} for old browsers.
 *   <li>{@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: strict-origin-when-cross-origin} (the player
 *       page says {@code no-referrer}: its URL holds a token), and HSTS when the request came over https (directly,
 *       or as {@code X-Forwarded-Proto} says).
 *   <li>{@link #requireSameOrigin}: a cookie-authenticated write must come from a page of this API ({@code Origin}),
 *       so another site cannot make a signed-in creator's browser act.
 * </ul>
 */
public final class PageSecurity {
    /** One year, the usual HSTS lifetime. */
    static final String HSTS = "max-age=31536000";

    private final String policy;
    private final String common;
    private final List<String> deploymentOrigins;
    private final Function<String, List<String>> creatorOrigins;

    /**
     * @param beaconTargets origins pages send beacons to (ingest)
     * @param objectStores  origins media come from besides this one (the object store, in redirect mode)
     * @param formTargets   origins forms may be sent to, or redirect to after (Stripe Checkout's)
     * @param embedOrigins  origins allowed to frame every player page ({@code STAGEPASS_EMBED_ORIGINS}); none by default
     * @param creatorOrigins the origins the creator of a live lets frame its player page, by live id (none when the
     *                       live or its creator is unknown)
     */
    public PageSecurity(
            List<String> beaconTargets,
            List<String> objectStores,
            List<String> formTargets,
            List<String> embedOrigins,
            Function<String, List<String>> creatorOrigins) {
        Set<String> connect = new LinkedHashSet<>(List.of("'self'"));
        beaconTargets.stream().map(PageSecurity::origin).forEach(connect::add);
        // a guest's stage page opens a WebSocket to ingest: ws(s):// of the same origin
        beaconTargets.stream()
                .map(PageSecurity::origin)
                .map(o -> o.replaceFirst("^http", "ws"))
                .forEach(connect::add);
        objectStores.stream().map(PageSecurity::origin).forEach(connect::add); // hls.js follows the 302 there
        Set<String> images = new LinkedHashSet<>(List.of("'self'", "data:", "blob:"));
        objectStores.stream().map(PageSecurity::origin).forEach(images::add);
        Set<String> media = new LinkedHashSet<>(List.of("'self'", "blob:")); // Media Source Extensions play blob:
        objectStores.stream().map(PageSecurity::origin).forEach(media::add);
        Set<String> forms = new LinkedHashSet<>(List.of("'self'"));
        formTargets.stream().map(PageSecurity::origin).forEach(forms::add);
        String common = "default-src 'self'; script-src 'self'; style-src 'self'; img-src " + String.join(" ", images)
                + "; media-src " + String.join(" ", media) + "; connect-src " + String.join(" ", connect)
                + "; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action "
                + String.join(" ", forms) + "; frame-ancestors ";
        this.common = common;
        this.policy = common + "'none'";
        this.deploymentOrigins = embedOrigins.stream().map(PageSecurity::origin).toList();
        this.creatorOrigins = creatorOrigins;
    }

    /** Who may frame {@code /watch/LIVE}: the deployment's origins and those the live's creator lists. */
    private Set<String> frameAncestors(String path) {
        Set<String> origins = new LinkedHashSet<>(deploymentOrigins);
        String rest = path.substring("/watch/".length());
        String liveId = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
        if (!liveId.isEmpty()) {
            creatorOrigins.apply(liveId).stream().map(PageSecurity::origin).forEach(origins::add);
        }
        return origins;
    }

    public void register(JavalinConfig config) {
        config.routes.before(this::headers);
    }

    private void headers(Context ctx) {
        Set<String> ancestors = ctx.path().startsWith("/watch/") ? frameAncestors(ctx.path()) : Set.of();
        ctx.header("Content-Security-Policy", ancestors.isEmpty() ? policy : common + String.join(" ", ancestors));
        if (ancestors.isEmpty()) {
            ctx.header("X-Frame-Options", "DENY");
        }
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "strict-origin-when-cross-origin");
        if (https(ctx)) {
            ctx.header("Strict-Transport-Security", HSTS);
        }
    }

    /** Whether the browser reached us over https: directly, or through a proxy that says so. */
    public static boolean https(Context ctx) {
        String forwarded = ctx.header("X-Forwarded-Proto");
        return "https".equalsIgnoreCase(ctx.scheme())
                || forwarded != null && "https".equalsIgnoreCase(forwarded.split(",")[0].strip());
    }

    /**
     * Refuses a cookie-authenticated write that a page of another origin could have made: the {@code Origin} header
     * (which browsers send with every POST, and scripts cannot forge) must name the host the request was sent to.
     * With {@code json}, the body must also be declared JSON, which a cross-site form cannot send.
     */
    public static void requireSameOrigin(Context ctx, boolean json) {
        String origin = ctx.header("Origin");
        String host = ctx.header("Host");
        String authority = null;
        try {
            authority = origin == null ? null : URI.create(origin).getRawAuthority();
        } catch (IllegalArgumentException e) {
            // unparseable: refused below
        }
        if (authority == null || host == null || !authority.equalsIgnoreCase(host.strip())) {
            throw new ForbiddenResponse("a signed-in browser may change things only from this site's own pages"
                    + " (Origin " + (origin == null ? "missing" : "'" + origin + "'") + ")");
        }
        String type = ctx.contentType();
        if (json && (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json"))) {
            throw new HttpResponseException(
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE.getCode(),
                    "send this request as JSON (Content-Type: application/json)");
        }
    }

    private static String origin(String url) {
        URI uri = URI.create(url);
        return uri.getScheme() + "://" + uri.getRawAuthority();
    }
}
