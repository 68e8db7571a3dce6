package io.stagepass.replay.creators;

import io.stagepass.events.Creator;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The dashboard's sign-in: a cookie that names the creator, is signed (HMAC-SHA256 under a key derived from the
 * playback secret) and expires. It also carries the first characters of the API key's hash it was made with, so
 * rotating the key signs every session out. The key itself is never in the cookie or in the page. Format:
 * {@code BASE64URL("session-v1|CREATOR|EXPIRES|KEYHASH16").BASE64URL(mac)}.
 */
public final class Sessions {
    public static final String COOKIE = "stagepass_session";
    public static final Duration TTL = Duration.ofHours(12);

    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final SecretKeySpec key;

    public Sessions(String secret) {
        this.key = new SecretKeySpec(("stagepass-session|" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public String issue(Creator creator, Instant now) {
        String claims =
                "session-v1|" + creator.getCreatorId() + "|" + now.plus(TTL).getEpochSecond() + "|"
                        + creator.getApiKeySha256().substring(0, 16);
        byte[] bytes = claims.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(bytes) + "." + ENCODER.encodeToString(mac(bytes));
    }

    /** The creator id of a genuine, unexpired session, with the key-hash prefix it was made with. */
    public record Claims(String creatorId, String keyHashPrefix) {}

    public Optional<Claims> verify(String cookie, Instant now) {
        if (cookie == null) {
            return Optional.empty();
        }
        int dot = cookie.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            byte[] claims = DECODER.decode(cookie.substring(0, dot));
            // Compared as text, so a signature that only differs in base64's unused trailing bits is refused too.
            byte[] expected = ENCODER.encodeToString(mac(claims)).getBytes(StandardCharsets.US_ASCII);
            if (!MessageDigest.isEqual(expected, cookie.substring(dot + 1).getBytes(StandardCharsets.US_ASCII))) {
                return Optional.empty();
            }
            String[] parts = new String(claims, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 4 || !parts[0].equals("session-v1")) {
                return Optional.empty();
            }
            if (!now.isBefore(Instant.ofEpochSecond(Long.parseLong(parts[2])))) {
                return Optional.empty();
            }
            return Optional.of(new Claims(parts[1], parts[3]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] claims) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(claims);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
