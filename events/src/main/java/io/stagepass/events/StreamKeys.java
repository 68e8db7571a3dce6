package io.stagepass.events;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Stream keys: the secret an encoder puts in its ingest URL. Only the SHA-256 of a key is ever stored (in the
 * live's catalog record); the key itself is shown once, to the creator.
 */
public final class StreamKeys {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 24;
    /** The characters of every key {@link #newKey} makes. */
    public static final int LENGTH = 32;

    private StreamKeys() {}

    /** A new random key: 32 URL-safe characters (192 bits). */
    public static String newKey() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String sha256(String key) {
        return sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
