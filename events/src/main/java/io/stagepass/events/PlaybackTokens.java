package io.stagepass.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tokens a player holds: which live it may watch or report on and which ticket it plays for (none for an anonymous
 * page visitor), until when. Signed with HMAC-SHA256. Two kinds, under two different secrets: playback tokens (the
 * replay API issues and checks them; they open media) and beacon tokens (the replay API issues them, ingest checks
 * them; they only let a player report). Ingest holds the beacon secret alone, so it cannot make a token that plays.
 * Format: {@code BASE64URL(claims).BASE64URL(mac)} with claims {@code v1|liveId|ticketId or -|expiresEpochSeconds}
 * ({@code b1|...|nonce} for beacon tokens, each one of a kind, whose MAC key is also derived apart).
 */
public final class PlaybackTokens {
    private static final String PLAYBACK = "v1";
    private static final String BEACON = "b1";
    private static final int MIN_SECRET_LENGTH = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final java.security.SecureRandom NONCES = new java.security.SecureRandom();

    /** What a valid token says. {@code ticketId} is empty for an anonymous visitor of the live's page. */
    public record Claims(String liveId, Optional<String> ticketId, Instant expiresAt) {}

    private final SecretKeySpec key;
    private final String version;

    /** Playback tokens, under {@code STAGEPASS_PLAYBACK_TOKEN_SECRET}. */
    public PlaybackTokens(String secret) {
        this(secret, PLAYBACK);
    }

    private PlaybackTokens(String secret, String version) {
        if (secret == null || secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalArgumentException("a token secret must be at least " + MIN_SECRET_LENGTH + " characters");
        }
        String keyMaterial = version.equals(PLAYBACK) ? secret : "stagepass-beacon|" + secret;
        this.key = new SecretKeySpec(keyMaterial.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.version = version;
    }

    /** Beacon tokens, under {@code STAGEPASS_BEACON_SECRET}: they let a player report, never play. */
    public static PlaybackTokens forBeacons(String secret) {
        return new PlaybackTokens(secret, BEACON);
    }

    public String issue(String liveId, String ticketId, Instant expiresAt) {
        if (liveId.contains("|") || ticketId != null && ticketId.contains("|")) {
            throw new IllegalArgumentException("ids must not contain '|'");
        }
        String claims = String.join(
                "|", version, liveId, ticketId == null ? "-" : ticketId, Long.toString(expiresAt.getEpochSecond()));
        if (version.equals(BEACON)) {
            // Each beacon token is one of a kind, so that two page loads in the same second are two visits.
            byte[] nonce = new byte[12];
            NONCES.nextBytes(nonce);
            claims += "|" + ENCODER.encodeToString(nonce);
        }
        byte[] claimBytes = claims.getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(claimBytes) + "." + ENCODER.encodeToString(mac(claimBytes));
    }

    /** The claims of a genuine, unexpired token; empty for anything else (forged, tampered, expired, garbled). */
    public Optional<Claims> verify(String token, Instant now) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0 || dot != token.lastIndexOf('.')) {
            return Optional.empty();
        }
        try {
            byte[] claimBytes = DECODER.decode(token.substring(0, dot));
            byte[] signature = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(signature, mac(claimBytes))) {
                return Optional.empty();
            }
            String[] parts = new String(claimBytes, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != (version.equals(BEACON) ? 5 : 4) || !parts[0].equals(version)) {
                return Optional.empty();
            }
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (!now.isBefore(expiresAt)) {
                return Optional.empty();
            }
            return Optional.of(
                    new Claims(parts[1], parts[2].equals("-") ? Optional.empty() : Optional.of(parts[2]), expiresAt));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
