package io.stagepass.replay;

import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.config.StripeSettings;
import io.stagepass.replay.payouts.PlatformFee;
import io.stagepass.replay.playback.ObjectRoutes;
import io.stagepass.replay.playback.SignedUrls;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * Configuration of the replay API, read once at start-up.
 *
 * @param host             {@code STAGEPASS_API_HOST}, default 127.0.0.1 (0.0.0.0 in containers)
 * @param port             {@code STAGEPASS_API_PORT}, default 8080
 * @param secrets          {@code STAGEPASS_PLAYBACK_TOKEN_SECRET}, {@code STAGEPASS_LINK_SECRET}, {@code
 *                         STAGEPASS_SESSION_SECRET}, {@code STAGEPASS_BEACON_SECRET} and {@code
 *                         STAGEPASS_CHECKOUT_SECRET} (the last two shared with ingest), {@code
 *                         STAGEPASS_OPERATOR_SECRET}: required, one per purpose
 *                         ({@link Secret})
 * @param linkTtl          {@code STAGEPASS_SIGNED_URL_TTL}, default 2m (10s to 10m): how long an object link lives, and
 *                         so how long a revoked ticket can play on at most (in redirect mode too); the player
 *                         renews the links it is about to use
 * @param delivery         {@code STAGEPASS_OBJECT_DELIVERY}, {@code stream} (default: the API sends the bytes) or
 *                         {@code redirect} (302 to a presigned URL of the object store)
 * @param s3PublicEndpoint {@code STAGEPASS_S3_PUBLIC_ENDPOINT}, default the S3 endpoint: what presigned URLs name, for
 *                         browsers that reach the object store under another address
 * @param ingestPublicUrl  {@code STAGEPASS_INGEST_PUBLIC_URL}, default http://127.0.0.1:8090: where player pages send
 *                         their beacons
 * @param cacheBytes       {@code STAGEPASS_API_CACHE}, default 256MB: immutable objects kept in memory
 * @param publicUrl        {@code STAGEPASS_API_PUBLIC_URL}, default (null) http://127.0.0.1:PORT: the API as buyers and
 *                         creators reach it, in ticket, checkout and dashboard links (https there marks the session
 *                         cookie Secure)
 * @param stripe           {@code STAGEPASS_STRIPE_API_KEY} and {@code STAGEPASS_STRIPE_API_BASE}: creates Checkout
 *                         Sessions
 * @param rtmpPublicUrl    {@code STAGEPASS_RTMP_PUBLIC_URL}, default rtmp://INGEST_HOST:1935/live: the server URL
 *                         creators put in OBS (rtmps://... behind a TLS-terminating proxy)
 * @param embedOrigins     {@code STAGEPASS_EMBED_ORIGINS}, comma-separated, default none: the sites that may show the
 *                         player page in a frame (every other page may be framed by nobody)
 * @param platformFee      {@code STAGEPASS_PLATFORM_FEE_PERCENT} and {@code STAGEPASS_PLATFORM_FEE_FIXED}: the
 *                         platform's fee on each ticket ({@link PlatformFee})
 */
public record ReplayApiConfig(
        String host,
        int port,
        KafkaSettings kafka,
        S3Settings s3,
        Secrets secrets,
        Duration linkTtl,
        ObjectRoutes.Delivery delivery,
        URI s3PublicEndpoint,
        String ingestPublicUrl,
        long cacheBytes,
        String publicUrl,
        StripeSettings stripe,
        String rtmpPublicUrl,
        java.util.List<String> embedOrigins,
        PlatformFee platformFee) {
    /** The API's secrets, one per purpose; never printed. */
    public record Secrets(
            String playbackTokens,
            String objectLinks,
            String sessions,
            String beacons,
            String checkout,
            String operator,
            String stage) {
        /** Fresh random secrets, for a stack started in one process (tests, benchmarks). */
        public static Secrets random() {
            return new Secrets(
                    Secret.PLAYBACK_TOKENS.random(),
                    Secret.OBJECT_LINKS.random(),
                    Secret.SESSIONS.random(),
                    Secret.BEACONS.random(),
                    Secret.CHECKOUT.random(),
                    Secret.OPERATOR.random(),
                    Secret.STAGE.random());
        }

        static Secrets fromEnv(Env env) {
            Map<Secret, String> values = env.secrets(
                    Secret.PLAYBACK_TOKENS,
                    Secret.OBJECT_LINKS,
                    Secret.SESSIONS,
                    Secret.BEACONS,
                    Secret.CHECKOUT,
                    Secret.OPERATOR,
                    Secret.STAGE);
            return new Secrets(
                    values.get(Secret.PLAYBACK_TOKENS),
                    values.get(Secret.OBJECT_LINKS),
                    values.get(Secret.SESSIONS),
                    values.get(Secret.BEACONS),
                    values.get(Secret.CHECKOUT),
                    values.get(Secret.OPERATOR),
                    values.get(Secret.STAGE));
        }

        @Override
        public String toString() {
            return "Secrets[7, not shown]";
        }
    }

    public static final String HOST = "STAGEPASS_API_HOST";
    public static final String PORT = "STAGEPASS_API_PORT";
    public static final String LINK_TTL = "STAGEPASS_SIGNED_URL_TTL";
    public static final String DELIVERY = "STAGEPASS_OBJECT_DELIVERY";
    public static final String S3_PUBLIC_ENDPOINT = "STAGEPASS_S3_PUBLIC_ENDPOINT";
    public static final String INGEST_PUBLIC_URL = "STAGEPASS_INGEST_PUBLIC_URL";
    public static final String CACHE = "STAGEPASS_API_CACHE";
    public static final String PUBLIC_URL = "STAGEPASS_API_PUBLIC_URL";
    public static final String RTMP_PUBLIC_URL = "STAGEPASS_RTMP_PUBLIC_URL";
    public static final String EMBED_ORIGINS = "STAGEPASS_EMBED_ORIGINS";
    public static final int DEFAULT_PORT = 8080;

    private static java.util.List<String> embedOrigins(Env env) {
        java.util.List<String> origins = new java.util.ArrayList<>();
        for (String part : env.string(EMBED_ORIGINS, "").split(",")) {
            if (!part.isBlank()) {
                URI origin = env.with(Map.of(EMBED_ORIGINS, part.strip())).httpUrl(EMBED_ORIGINS, null);
                if (origin.getPath() != null
                        && !origin.getPath().isEmpty()
                        && !origin.getPath().equals("/")) {
                    throw new ConfigException(
                            EMBED_ORIGINS + " lists origins (https://site.example), not pages: '" + part.strip() + "'");
                }
                origins.add(origin.getScheme() + "://" + origin.getRawAuthority());
            }
        }
        return java.util.List.copyOf(origins);
    }

    public static ReplayApiConfig fromEnv(Env env) {
        String host = env.string(HOST, "127.0.0.1");
        S3Settings s3 = S3Settings.fromEnv(env);
        Duration ttl = env.duration(LINK_TTL, SignedUrls.DEFAULT_TTL);
        if (ttl.compareTo(SignedUrls.MAX_TTL) > 0 || ttl.toSeconds() < 10) {
            throw new ConfigException(LINK_TTL + " must be between 10s and 10m, got " + ttl);
        }
        String delivery = env.string(DELIVERY, "stream").toUpperCase(Locale.ROOT);
        if (!delivery.equals("STREAM") && !delivery.equals("REDIRECT")) {
            throw new ConfigException(DELIVERY + " must be stream or redirect, got '" + env.string(DELIVERY, "") + "'");
        }
        int port = env.port(PORT, DEFAULT_PORT);
        URI ingest = env.httpUrl(INGEST_PUBLIC_URL, "http://127.0.0.1:8090");
        String rtmp = env.string(RTMP_PUBLIC_URL, "rtmp://" + ingest.getHost() + ":1935/live")
                .replaceAll("/+$", "");
        if (!rtmp.matches("^rtmps?://[^/\\s?#]+/[A-Za-z0-9_./-]+$")) {
            throw new ConfigException(
                    RTMP_PUBLIC_URL + " must be rtmp://HOST[:PORT]/live or rtmps://..., got '" + rtmp + "'");
        }
        return new ReplayApiConfig(
                host,
                port,
                KafkaSettings.fromEnv(env),
                s3,
                Secrets.fromEnv(env),
                ttl,
                ObjectRoutes.Delivery.valueOf(delivery),
                env.httpUrl(S3_PUBLIC_ENDPOINT, s3.endpoint().toString()),
                ingest.toString(),
                env.bytes(CACHE, 256L * 1024 * 1024),
                env.string(PUBLIC_URL, null) == null
                        ? null
                        : env.httpUrl(PUBLIC_URL, null).toString().replaceAll("/+$", ""),
                StripeSettings.fromEnv(env),
                rtmp,
                embedOrigins(env),
                PlatformFee.fromEnv(env));
    }
}
