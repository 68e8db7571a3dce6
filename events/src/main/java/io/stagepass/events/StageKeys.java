package io.stagepass.events;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * A guest stage key: what a guest types into OBS or a phone app as the stream key to join a live's green room from an
 * encoder instead of a browser. It is {@code stage_} and a stage token ({@link PlaybackTokens#forStage}) for the
 * guest's ticket whose session names the guest; the replay API issues it, ingest checks it when the encoder
 * publishes. It grants what the guest's ticket grants and no more: the stage of that one live, one connection at a
 * time, for as long as the ticket stands.
 */
public final class StageKeys {
    /** What tells ingest's RTMP server that a stream key is a guest's, not a creator's. */
    public static final String PREFIX = "stage_";

    private static final String SESSION = "encoder:";
    /** The longest name a guest may give, in characters. */
    public static final int MAX_NAME = 40;

    private StageKeys() {}

    /** The token session of a guest stage key for a guest called {@code name}. */
    public static String session(String name) {
        return SESSION + Base64.getUrlEncoder().withoutPadding().encodeToString(name.getBytes(StandardCharsets.UTF_8));
    }

    /** The guest's name a guest stage key's session carries; empty for any other session. */
    public static Optional<String> name(String session) {
        if (session == null || !session.startsWith(SESSION)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(
                    Base64.getUrlDecoder().decode(session.substring(SESSION.length())), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** The stream key for a sealed stage token. */
    public static String key(String token) {
        return PREFIX + token;
    }

    /** The stage token inside a guest stage key, or null when it is not one. */
    public static String token(String streamKey) {
        return streamKey != null && streamKey.startsWith(PREFIX) ? streamKey.substring(PREFIX.length()) : null;
    }

    /**
     * A guest's name as viewers see it (the panel, the facts, the replay's chapters): printable (no control or
     * formatting characters, which could reorder what follows), trimmed, 1 to {@link #MAX_NAME} characters; null when
     * nothing is left.
     */
    public static String displayName(String raw) {
        if (raw == null) {
            return null;
        }
        String cleaned = raw.codePoints()
                .filter(c -> !Character.isISOControl(c)
                        && Character.getType(c) != Character.FORMAT
                        && Character.getType(c) != Character.LINE_SEPARATOR
                        && Character.getType(c) != Character.PARAGRAPH_SEPARATOR)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
                .toString()
                .strip();
        if (cleaned.isEmpty() || cleaned.codePointCount(0, cleaned.length()) > MAX_NAME) {
            return null;
        }
        return cleaned;
    }
}
