package io.stagepass.events;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * API keys: {@code spk_} (a creator's) or {@code sak_} (an analyst's) and 43 URL-safe characters (256 random bits).
 * Only the SHA-256 of a key is stored, in the account's catalog record; the key itself is shown once, when it is
 * issued or rotated.
 */
public final class ApiKeys {
    public static final String PREFIX = "spk_";
    public static final String ANALYST_PREFIX = "sak_";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern FORMAT = Pattern.compile("spk_[A-Za-z0-9_-]{43}");
    private static final Pattern ANALYST_FORMAT = Pattern.compile("sak_[A-Za-z0-9_-]{43}");

    private ApiKeys() {}

    public static String newKey() {
        return newKey(PREFIX);
    }

    public static String newAnalystKey() {
        return newKey(ANALYST_PREFIX);
    }

    private static String newKey(String prefix) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** Whether {@code key} has the shape of a key (it may still be unknown or rotated away). */
    public static boolean wellFormed(String key) {
        return key != null && FORMAT.matcher(key).matches();
    }

    /** Whether {@code key} has the shape of an analyst key. */
    public static boolean wellFormedAnalystKey(String key) {
        return key != null && ANALYST_FORMAT.matcher(key).matches();
    }

    public static String sha256(String key) {
        return StreamKeys.sha256(key);
    }
}
