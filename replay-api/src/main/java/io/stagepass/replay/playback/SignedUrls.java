package io.stagepass.replay.playback;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived links to the objects of a live (segments, replay media, poster, sprites): {@code
 * /v1/lives/LIVE/objects/BUCKET/PATH?t=TICKET_REF&e=EXPIRES&s=SIGNATURE}, where the signature is an HMAC-SHA256 over
 * {@code url-v1|LIVE|TICKET_REF|BUCKET/PATH|EXPIRES} under the link secret and the ticket reference an opaque HMAC of
 * the ticket (never Stripe's Checkout Session id). So a link is bound to the ticket and the object, dies after at most
 * {@link #MAX_TTL}, is checked with no lookup at all, and tells whoever sees it nothing about the buyer.
 */
public final class SignedUrls {
    /** The longest a link may live; a leaked one dies this soon at the latest. */
    public static final Duration MAX_TTL = Duration.ofMinutes(10);

    /**
     * How long a link lives unless the deployment says otherwise: the player fetches a playlist's fresh links before
     * its old ones run out, so a short life costs a viewer nothing, and a revoked ticket plays on for 2 minutes at most.
     */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(2);
    /** One path segment of an object: no dots alone, no separators, nothing encoded. */
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,127}");

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final Duration ttl;

    public SignedUrls(String secret, Duration ttl) {
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException(
                    "signed URLs live between 1 s and " + MAX_TTL.toMinutes() + " min, not " + ttl);
        }
        this.key = new SecretKeySpec(("stagepass-url|" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.ttl = ttl;
    }

    /** The object an URL names: a bucket of ours and a path under the live's prefix. */
    public record ObjectRef(String liveId, String bucket, String path) {
        /** The object's key in its bucket: every object of a live lives under {@code LIVE/}. */
        public String key() {
            return liveId + "/" + path;
        }
    }

    /**
     * Whether a path below a live is one we may name: known bucket, plain segments (letters, digits, '_', '-', '.', no
     * segment made of dots), nothing that could leave the live's prefix once decoded.
     */
    public static Optional<ObjectRef> parse(String liveId, String bucket, String path) {
        if (!bucket.equals("segments") && !bucket.equals("replays")) {
            return Optional.empty();
        }
        String[] segments = path.split("/", -1);
        if (segments.length == 0 || segments.length > 4) {
            return Optional.empty();
        }
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches() || segment.chars().allMatch(c -> c == '.')) {
                return Optional.empty();
            }
        }
        return Optional.of(new ObjectRef(liveId, bucket, path));
    }

    /** A link to {@code object} for {@code ticketId}, valid from {@code now} for this instance's TTL. */
    public String sign(ObjectRef object, String ticketId, Instant now) {
        long expires = now.plus(ttl).getEpochSecond();
        String ref = ticketRef(object.liveId(), ticketId);
        return "/v1/lives/" + object.liveId() + "/objects/" + object.bucket() + "/" + object.path() + "?t=" + ref
                + "&e=" + expires + "&s=" + signature(object, ref, expires);
    }

    /** The opaque reference a link carries for a ticket: stable per live and ticket, meaningless to anyone else. */
    public String ticketRef(String liveId, String ticketId) {
        return "tk_" + mac("ticket|" + liveId + "|" + ticketId).substring(0, 22);
    }

    /** Why a link is refused, or empty when it is genuine and unexpired. */
    public Optional<String> check(ObjectRef object, String ticketRef, String expires, String signature, Instant now) {
        if (ticketRef == null || expires == null || signature == null) {
            return Optional.of("the link is not signed (t, e and s are required)");
        }
        long expiresAt;
        try {
            expiresAt = Long.parseLong(expires);
        } catch (NumberFormatException e) {
            return Optional.of("the link's expiry is not a number");
        }
        byte[] expected = signature(object, ticketRef, expiresAt).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("the link's signature does not match (tampered, or for another object or ticket)");
        }
        if (now.getEpochSecond() >= expiresAt) {
            return Optional.of(
                    "the link expired at " + Instant.ofEpochSecond(expiresAt) + "; reload the playlist for fresh ones");
        }
        if (expiresAt - now.getEpochSecond() > MAX_TTL.toSeconds() + 60) {
            return Optional.of("the link claims to live longer than links do");
        }
        return Optional.empty();
    }

    private String signature(ObjectRef object, String ticketRef, long expires) {
        return mac(String.join(
                "|",
                "url-v1",
                object.liveId(),
                ticketRef,
                object.bucket() + "/" + object.path(),
                Long.toString(expires)));
    }

    private String mac(String claims) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return ENCODER.encodeToString(mac.doFinal(claims.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
