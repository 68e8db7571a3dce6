package io.stagepass.ingest;

import io.stagepass.ingest.rtmp.RtmpServer;
import io.stagepass.ingest.rtmp.TlsFiles;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.config.StripeSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Configuration of the ingest service, read once at start-up.
 *
 * @param host            {@code STAGEPASS_INGEST_HOST}, default 127.0.0.1 (0.0.0.0 in containers)
 * @param port            {@code STAGEPASS_INGEST_PORT}, default 8090
 * @param spoolDir        {@code STAGEPASS_INGEST_SPOOL_DIR}, default {@code data/ingest/spool}: segments wait here until delivered
 * @param spoolMaxBytes   {@code STAGEPASS_INGEST_SPOOL_MAX}, default 2GB: beyond it segments are refused with 507
 * @param maxBody         {@code STAGEPASS_INGEST_MAX_BODY}, default 64MB: a larger segment is refused with 413
 * @param reconnectWindow {@code STAGEPASS_INGEST_RECONNECT_WINDOW}, default 60s: silence after which a live has ended
 * @param durationWait    {@code STAGEPASS_INGEST_DURATION_WAIT}, default 3s: how long a segment waits for the playlist
 *                        that gives its duration before its fact is sent without one
 * @param senders         {@code STAGEPASS_INGEST_SENDERS}, default 8: lives delivered to S3 and Kafka in parallel
 * @param beacons         viewer beacon settings
 * @param stripe          Stripe webhook settings
 * @param rtmp            RTMP ingest settings
 * @param stageSecret     {@code STAGEPASS_STAGE_SECRET}, required ({@link Secret}): verifies the stage tokens the replay
 *                        API gives guests' browsers and creators' stage panels
 * @param publicUrl       {@code STAGEPASS_INGEST_PUBLIC_URL}: this instance's own URL as browsers reach it directly;
 *                        unset, it names nothing (right for one instance). With several instances each names its own:
 *                        a live's stage runs on the instance its creator streams to, and the replay API sends guests
 *                        and the creator's panel there
 * @param rtmpPublicUrl   {@code STAGEPASS_RTMP_PUBLIC_URL}: this instance's RTMP server URL as encoders reach it
 *                        (rtmp://HOST[:PORT]/live), for guests who stream from an encoder; set with the other or not
 */
public record IngestConfig(
        String host,
        int port,
        KafkaSettings kafka,
        S3Settings s3,
        Path spoolDir,
        long spoolMaxBytes,
        long maxBody,
        Duration reconnectWindow,
        Duration durationWait,
        int senders,
        Beacons beacons,
        Stripe stripe,
        Rtmp rtmp,
        String stageSecret,
        String publicUrl,
        String rtmpPublicUrl) {
    public IngestConfig(
            String host,
            int port,
            KafkaSettings kafka,
            S3Settings s3,
            Path spoolDir,
            long spoolMaxBytes,
            long maxBody,
            Duration reconnectWindow,
            Duration durationWait,
            int senders,
            Beacons beacons,
            Stripe stripe,
            Rtmp rtmp,
            String stageSecret) {
        this(
                host,
                port,
                kafka,
                s3,
                spoolDir,
                spoolMaxBytes,
                maxBody,
                reconnectWindow,
                durationWait,
                senders,
                beacons,
                stripe,
                rtmp,
                stageSecret,
                null,
                null);
    }

    /** The same instance, reached at other public URLs (null: the defaults from the ports it binds). */
    public IngestConfig withPublicUrls(String publicUrl, String rtmpPublicUrl) {
        return new IngestConfig(
                host,
                port,
                kafka,
                s3,
                spoolDir,
                spoolMaxBytes,
                maxBody,
                reconnectWindow,
                durationWait,
                senders,
                beacons,
                stripe,
                rtmp,
                stageSecret,
                publicUrl,
                rtmpPublicUrl);
    }

    /** The same instance with another spool and port (several instances on one machine, in tests). */
    public IngestConfig withSpool(Path spoolDir, int port, Rtmp rtmp) {
        return new IngestConfig(
                host,
                port,
                kafka,
                s3,
                spoolDir,
                spoolMaxBytes,
                maxBody,
                reconnectWindow,
                durationWait,
                senders,
                beacons,
                stripe,
                rtmp,
                stageSecret,
                publicUrl,
                rtmpPublicUrl);
    }

    @Override
    public String toString() {
        return "IngestConfig[host=" + host + ", port=" + port + ", spoolDir=" + spoolDir + ", beacons=" + beacons
                + ", stripe=" + stripe + ", rtmp=" + rtmp + "]";
    }

    /**
     * @param port            {@code STAGEPASS_RTMP_PORT}, default 1935 (0: any free port), on the ingest host
     * @param limits          {@code STAGEPASS_RTMP_MAX_CONNECTIONS} (default 64), {@code
     *                        STAGEPASS_RTMP_MAX_CONNECTIONS_PER_ADDRESS} (default 16; raise it behind a TCP proxy, where
     *                        every publisher comes from the proxy's address) and fixed bounds per connection
     * @param tlsPort         {@code STAGEPASS_RTMPS_PORT}, default 443: RTMPS, when a certificate is given
     * @param certificateFile {@code STAGEPASS_RTMPS_CERT}: PEM certificate chain; unset, there is no RTMPS listener
     *                        (a TLS-terminating proxy in front of the RTMP port is the other way)
     * @param keyFile         {@code STAGEPASS_RTMPS_KEY}: its PEM (PKCS#8) private key
     */
    public record Rtmp(int port, RtmpServer.Limits limits, int tlsPort, Path certificateFile, Path keyFile) {
        public Rtmp(int port, RtmpServer.Limits limits) {
            this(port, limits, 0, null, null);
        }

        public java.util.Optional<javax.net.ssl.SSLContext> tls() {
            return certificateFile == null
                    ? java.util.Optional.empty()
                    : java.util.Optional.of(TlsFiles.serverContext(certificateFile, keyFile));
        }
    }

    /**
     * @param tokenSecret    {@code STAGEPASS_BEACON_SECRET}, required ({@link Secret}): verifies the beacon tokens the
     *                       replay API gives players (ingest holds no secret that opens playback)
     * @param allowedOrigins {@code STAGEPASS_PLAYER_ORIGINS}, comma-separated, default the replay API's own origins
     * @param perMinute      {@code STAGEPASS_BEACON_RATE}, default 30: requests per minute per player session (burst 10)
     */
    public record Beacons(String tokenSecret, Set<String> allowedOrigins, int perMinute) {
        @Override
        public String toString() {
            return "Beacons[allowedOrigins=" + allowedOrigins + ", perMinute=" + perMinute + "]";
        }
    }

    /**
     * @param webhookSecret {@code STAGEPASS_STRIPE_WEBHOOK_SECRET} (whsec_...), required: verifies every webhook
     * @param apiKey        {@code STAGEPASS_STRIPE_API_KEY} (sk_...): fetches fees and Checkout Sessions
     * @param apiBase       {@code STAGEPASS_STRIPE_API_BASE}, default https://api.stripe.com (a local stand-in in tests)
     * @param checkoutSecret {@code STAGEPASS_CHECKOUT_SECRET}, required: checks that a paid session is an offer the
     *                       replay API signed, charged as offered
     * @param connectWebhookSecret {@code STAGEPASS_STRIPE_CONNECT_WEBHOOK_SECRET} (whsec_...), required: verifies the
     *                       Connect endpoint's webhooks (creators' accounts and payouts)
     */
    public record Stripe(
            String webhookSecret, String apiKey, String apiBase, String checkoutSecret, String connectWebhookSecret) {
        @Override
        public String toString() {
            return "Stripe[apiBase=" + apiBase + "]";
        }
    }

    public static final String HOST = "STAGEPASS_INGEST_HOST";
    public static final String PORT = "STAGEPASS_INGEST_PORT";
    public static final String SPOOL_DIR = "STAGEPASS_INGEST_SPOOL_DIR";
    public static final String SPOOL_MAX = "STAGEPASS_INGEST_SPOOL_MAX";
    public static final String MAX_BODY = "STAGEPASS_INGEST_MAX_BODY";
    public static final String RECONNECT_WINDOW = "STAGEPASS_INGEST_RECONNECT_WINDOW";
    public static final String DURATION_WAIT = "STAGEPASS_INGEST_DURATION_WAIT";
    public static final String SENDERS = "STAGEPASS_INGEST_SENDERS";
    public static final String PLAYER_ORIGINS = "STAGEPASS_PLAYER_ORIGINS";
    public static final String BEACON_RATE = "STAGEPASS_BEACON_RATE";
    public static final String STRIPE_WEBHOOK_SECRET = Secret.STRIPE_WEBHOOK.variable();
    public static final String STRIPE_API_KEY = StripeSettings.API_KEY;
    public static final String STRIPE_API_BASE = StripeSettings.API_BASE;
    public static final String RTMP_PORT = "STAGEPASS_RTMP_PORT";
    public static final String PUBLIC_URL = "STAGEPASS_INGEST_PUBLIC_URL";
    public static final String RTMP_PUBLIC_URL = "STAGEPASS_RTMP_PUBLIC_URL";
    public static final String RTMP_MAX_CONNECTIONS = "STAGEPASS_RTMP_MAX_CONNECTIONS";
    public static final String RTMP_MAX_PER_ADDRESS = "STAGEPASS_RTMP_MAX_CONNECTIONS_PER_ADDRESS";
    public static final String RTMPS_PORT = "STAGEPASS_RTMPS_PORT";
    public static final String RTMPS_CERT = "STAGEPASS_RTMPS_CERT";
    public static final String RTMPS_KEY = "STAGEPASS_RTMPS_KEY";
    public static final int DEFAULT_PORT = 8090;
    public static final int DEFAULT_RTMP_PORT = 1935;

    public static IngestConfig fromEnv(Env env) {
        return read(env);
    }

    private static IngestConfig read(Env env) {
        String host = env.string(HOST, "127.0.0.1");
        Map<Secret, String> secrets = env.secrets(
                Secret.BEACONS, Secret.CHECKOUT, Secret.STRIPE_WEBHOOK, Secret.STRIPE_CONNECT_WEBHOOK, Secret.STAGE);
        return new IngestConfig(
                host,
                env.port(PORT, DEFAULT_PORT),
                KafkaSettings.fromEnv(env),
                S3Settings.fromEnv(env),
                env.path(SPOOL_DIR, "data/ingest/spool"),
                env.bytes(SPOOL_MAX, 2L * 1024 * 1024 * 1024),
                env.bytes(MAX_BODY, 64L * 1024 * 1024),
                env.duration(RECONNECT_WINDOW, Duration.ofSeconds(60)),
                env.duration(DURATION_WAIT, Duration.ofSeconds(3)),
                env.integer(SENDERS, 8, 1, 256),
                new Beacons(
                        secrets.get(Secret.BEACONS),
                        Set.copyOf(List.of(env.string(PLAYER_ORIGINS, "http://127.0.0.1:8080,http://localhost:8080")
                                .split("\\s*,\\s*"))),
                        env.integer(BEACON_RATE, 30, 1, 100_000)),
                stripe(
                        env,
                        secrets.get(Secret.STRIPE_WEBHOOK),
                        secrets.get(Secret.CHECKOUT),
                        secrets.get(Secret.STRIPE_CONNECT_WEBHOOK)),
                rtmp(env),
                secrets.get(Secret.STAGE),
                url(env, PUBLIC_URL, "http://", "https://"),
                rtmpUrl(env, url(env, PUBLIC_URL, "http://", "https://")));
    }

    /** The RTMP server URL, given with the public URL or not at all: an instance names both or neither. */
    private static String rtmpUrl(Env env, String publicUrl) {
        String rtmp = url(env, RTMP_PUBLIC_URL, "rtmp://", "rtmps://");
        if ((rtmp == null) != (publicUrl == null)) {
            throw new ConfigException(PUBLIC_URL + " and " + RTMP_PUBLIC_URL
                    + " go together: set both (this instance's own addresses, when there are several) or neither");
        }
        if (rtmp != null && !rtmp.matches("rtmps?://[^/?#\\s]+/live")) {
            throw new ConfigException(
                    RTMP_PUBLIC_URL + " must be rtmp://HOST[:PORT]/live or rtmps://..., got '" + rtmp + "'");
        }
        return rtmp;
    }

    private static String url(Env env, String name, String plain, String secure) {
        String value = env.string(name, null);
        if (value == null) {
            return null;
        }
        String url = value.strip().replaceAll("/+$", "");
        if (!url.startsWith(plain) && !url.startsWith(secure) || url.length() <= secure.length()) {
            throw new ConfigException(name + " must start with " + plain + " or " + secure + ", got '" + value + "'");
        }
        return url;
    }

    private static Rtmp rtmp(Env env) {
        RtmpServer.Limits defaults = RtmpServer.Limits.defaults();
        Path certificate = env.string(RTMPS_CERT, null) == null ? null : env.path(RTMPS_CERT, null);
        Path key = env.string(RTMPS_KEY, null) == null ? null : env.path(RTMPS_KEY, null);
        if ((certificate == null) != (key == null)) {
            throw new ConfigException(
                    RTMPS_CERT + " and " + RTMPS_KEY + " go together: set both for RTMPS, or neither");
        }
        return new Rtmp(
                env.port(RTMP_PORT, DEFAULT_RTMP_PORT),
                new RtmpServer.Limits(
                        env.integer(RTMP_MAX_CONNECTIONS, defaults.maxConnections(), 1, 10_000),
                        env.integer(RTMP_MAX_PER_ADDRESS, defaults.maxConnectionsPerAddress(), 1, 10_000),
                        defaults.maxMessageBytes(),
                        defaults.maxChunkStreams(),
                        defaults.handshakeTimeout(),
                        defaults.publishTimeout(),
                        defaults.idleTimeout(),
                        defaults.writeTimeout(),
                        defaults.segmentTarget()),
                env.port(RTMPS_PORT, 443),
                certificate,
                key);
    }

    private static Stripe stripe(Env env, String webhookSecret, String checkoutSecret, String connectWebhookSecret) {
        StripeSettings api = StripeSettings.fromEnv(env);
        return new Stripe(webhookSecret, api.apiKey(), api.apiBase(), checkoutSecret, connectWebhookSecret);
    }
}
