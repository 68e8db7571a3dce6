package io.stagepass.events;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tokens a player holds: which live it may watch or report on and which ticket it plays for (none for an anonymous
 * page visitor), until when. Three kinds, each under its own key: playback tokens (the replay API issues and checks
 * them; they open media), beacon tokens (the replay API issues them, ingest checks them; they only let a player
 * report: ingest holds the beacon secret alone, so it cannot make a token that plays) and buyer tokens (the cookie the
 * browser that paid keeps, to get its watch link again).
 *
 * <p>A token is opaque: {@code BASE64URL(nonce | AES-256-GCM(claims))} with claims {@code v1|liveId|ticketId or
 * -|expiresEpochSeconds|session or -} ({@code b1|...} for beacon tokens, {@code k1|...} for buyer tokens), under a key
 * derived from the secret and the kind. A beacon token's session is the one the server gave the page (the screen a
 * player holds, or a page visit): ingest counts its beacons under it, whatever session the batch names. Nobody who sees a token (a shared screen, a log, a referrer) learns the live, the Stripe
 * Checkout Session id of the ticket or the expiry, and GCM's tag makes any change to it a forgery.
 */
public final class PlaybackTokens {
    private static final String PLAYBACK = "v1";
    private static final String BEACON = "b1";
    private static final String BUYER = "k1";
    private static final String STAGE = "s1";
    private static final int MIN_SECRET_LENGTH = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();
    private static final SecureRandom NONCES = new SecureRandom();

    /**
     * What a valid token says. {@code ticketId} is empty for an anonymous visitor of the live's page; {@code session}
     * is the session the server bound the token to, if any.
     */
    public record Claims(String liveId, Optional<String> ticketId, Instant expiresAt, Optional<String> session) {
        public Claims(String liveId, Optional<String> ticketId, Instant expiresAt) {
            this(liveId, ticketId, expiresAt, Optional.empty());
        }
    }

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
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] aesKey = derive.doFinal(("stagepass-token-key|" + version).getBytes(StandardCharsets.UTF_8));
            this.key = new SecretKeySpec(aesKey, "AES");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
        this.version = version;
    }

    /** Beacon tokens, under {@code STAGEPASS_BEACON_SECRET}: they let a player report, never play. */
    public static PlaybackTokens forBeacons(String secret) {
        return new PlaybackTokens(secret, BEACON);
    }

    /**
     * Buyer tokens, under the playback secret but a key of their own: the cookie a browser gets when it starts a
     * Checkout, which alone may fetch that ticket's watch link again.
     */
    public static PlaybackTokens forBuyers(String secret) {
        return new PlaybackTokens(secret, BUYER);
    }

    /**
     * Stage tokens, under {@code STAGEPASS_STAGE_SECRET}: the replay API issues them, ingest checks them. A guest's
     * (ticket set, session {@code guest}) lets one browser send camera and microphone to the live's green room; the
     * creator's (no ticket, session {@code host}) runs the live's stage. Neither plays anything.
     */
    public static PlaybackTokens forStage(String secret) {
        return new PlaybackTokens(secret, STAGE);
    }

    public String issue(String liveId, String ticketId, Instant expiresAt) {
        return issue(liveId, ticketId, expiresAt, null);
    }

    /** A token bound to {@code session} (null: none). */
    public String issue(String liveId, String ticketId, Instant expiresAt, String session) {
        if (liveId.contains("|")
                || ticketId != null && ticketId.contains("|")
                || session != null && session.contains("|")) {
            throw new IllegalArgumentException("ids must not contain '|'");
        }
        String claims = String.join(
                "|",
                version,
                liveId,
                ticketId == null ? "-" : ticketId,
                Long.toString(expiresAt.getEpochSecond()),
                session == null ? "-" : session);
        byte[] nonce = new byte[NONCE_BYTES];
        NONCES.nextBytes(nonce); // also makes every token one of a kind: two page loads are two visits
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(version.getBytes(StandardCharsets.US_ASCII));
            byte[] sealed = cipher.doFinal(claims.getBytes(StandardCharsets.UTF_8));
            return ENCODER.encodeToString(ByteBuffer.allocate(nonce.length + sealed.length)
                    .put(nonce)
                    .put(sealed)
                    .array());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES/GCM is part of every JRE", e);
        }
    }

    /** The claims of a genuine, unexpired token; empty for anything else (forged, tampered, expired, garbled). */
    public Optional<Claims> verify(String token, Instant now) {
        if (token == null || token.length() > 1024) {
            return Optional.empty();
        }
        try {
            byte[] bytes = DECODER.decode(token);
            if (bytes.length < NONCE_BYTES + TAG_BITS / 8 + 1) {
                return Optional.empty();
            }
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, NONCE_BYTES));
            cipher.updateAAD(version.getBytes(StandardCharsets.US_ASCII));
            byte[] claimBytes = cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES);
            String[] parts = new String(claimBytes, StandardCharsets.UTF_8).split("\\|", -1);
            if (parts.length != 5 || !parts[0].equals(version)) {
                return Optional.empty();
            }
            Instant expiresAt = Instant.ofEpochSecond(Long.parseLong(parts[3]));
            if (!now.isBefore(expiresAt)) {
                return Optional.empty();
            }
            return Optional.of(new Claims(
                    parts[1],
                    parts[2].equals("-") ? Optional.empty() : Optional.of(parts[2]),
                    expiresAt,
                    parts[4].equals("-") ? Optional.empty() : Optional.of(parts[4])));
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return Optional.empty(); // not base64, or its tag does not hold: forged or tampered with
        }
    }
}
