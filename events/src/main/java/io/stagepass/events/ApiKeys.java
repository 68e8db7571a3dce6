package io.stagepass.events;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * Creators' API keys: {@code spk_} and 43 URL-safe characters (256 random bits). Only the SHA-256 of a key is stored,
 * in the creator's catalog record; the key itself is shown once, when it is issued or rotated.
 */
public final class ApiKeys {
    public static final String PREFIX = "spk_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("spk_[A-Za-z0-9_-]{43}");

    private ApiKeys() {}

    public static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code key} has the shape of a key (it may still be unknown or rotated away). */
    public static boolean wellFormed(String key) {
        return key != null && FORMAT.matcher(key).matches();
    }

    public static String sha256(String key) {
        return StreamKeys.sha256(key);
    }
}
