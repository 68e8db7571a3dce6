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

/**
 * The headers every answer of the replay API carries, and the check on writes a browser makes with its cookie.
 *
 * <ul>
 *   <li>{@code Content-Security-Policy}: scripts, styles and fonts from this origin only (no inline script), media and
 *       images from here or blob: (Media Source Extensions), beacons to ingest, forms to here and to Stripe's
 *       Checkout, and {@code frame-ancestors 'none'} but for the player page, which the origins in {@code
 *       STAGEPASS_EMBED_ORIGINS} may frame; with {@code X-Frame-Options} for old browsers.
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
    private final String watchPolicy;
    private final boolean embeddable;

    /**
     * @param beaconTargets origins pages send beacons to (ingest)
     * @param objectStores  origins media come from besides this one (the object store, in redirect mode)
     * @param formTargets   origins forms may be sent to, or redirect to after (Stripe Checkout's)
     * @param embedOrigins  origins allowed to frame the player page ({@code STAGEPASS_EMBED_ORIGINS}); none by default
     */
    public PageSecurity(
            List<String> beaconTargets,
            List<String> objectStores,
            List<String> formTargets,
            List<String> embedOrigins) {
        Set<String> connect = new LinkedHashSet<>(List.of("'self'"));
        beaconTargets.stream().map(PageSecurity::origin).forEach(connect::add);
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
        this.policy = common + "'none'";
        this.embeddable = !embedOrigins.isEmpty();
        this.watchPolicy = common
                + (embeddable
                        ? String.join(
                                " ",
                                embedOrigins.stream().map(PageSecurity::origin).toList())
                        : "'none'");
    }

    public void register(JavalinConfig config) {
        config.routes.before(this::headers);
    }

    private void headers(Context ctx) {
        boolean watch = ctx.path().startsWith("/watch/");
        ctx.header("Content-Security-Policy", watch ? watchPolicy : policy);
        if (!(watch && embeddable)) {
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
