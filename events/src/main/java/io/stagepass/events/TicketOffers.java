package io.stagepass.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The offer a Checkout Session is made for, signed by the replay API and checked by ingest before a payment becomes a
 * ticket. The session's metadata names the live, the tier, the creator, the price and the currency as offered; its
 * {@code client_reference_id} is their HMAC-SHA256 with the deployment's mode (live or test). A paid session grants a
 * ticket only when the signature holds and Stripe charged exactly that price in that currency, in payment mode, in the
 * deployment's mode: a Payment Link, an invoice or a session someone else made on the same account, a test-mode event
 * on a live deployment, or a session whose amount was changed is refused with the reason.
 */
public final class TicketOffers {
    public static final String LIVE_ID = "live_id";
    public static final String TIER = "tier";
    public static final String CREATOR_ID = "creator_id";
    public static final String PRICE_MINOR = "price_minor";
    public static final String CURRENCY = "currency";

    private static final String VERSION = "of1_";
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final SecretKeySpec key;
    private final boolean livemode;

    /** {@code livemode}: whether the deployment takes real money (its Stripe key is a live one). */
    public TicketOffers(String secret, boolean livemode) {
        if (secret == null || secret.length() < 32) {
            throw new IllegalArgumentException("the checkout secret must be at least 32 characters");
        }
        this.key = new SecretKeySpec(("stagepass-offer|" + secret).getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.livemode = livemode;
    }

    /** Whether a Stripe secret or restricted key takes real money ({@code sk_live_}, {@code rk_live_}). */
    public static boolean livemode(String stripeApiKey) {
        return stripeApiKey != null && (stripeApiKey.startsWith("sk_live_") || stripeApiKey.startsWith("rk_live_"));
    }

    /** The metadata of a session offering {@code tier} of {@code live} at its price. */
    public static Map<String, String> metadata(
            String liveId, String creatorId, String tier, long priceMinor, String currency) {
        return Map.of(
                LIVE_ID, liveId,
                CREATOR_ID, creatorId,
                TIER, tier,
                PRICE_MINOR, Long.toString(priceMinor),
                CURRENCY, currency.toUpperCase(Locale.ROOT));
    }

    /** The {@code client_reference_id} of a session with this metadata (at most 200 characters, as Stripe allows). */
    public String reference(Map<String, String> metadata) {
        String claims = String.join(
                "|",
                VERSION,
                livemode ? "live" : "test",
                metadata.getOrDefault(LIVE_ID, ""),
                metadata.getOrDefault(CREATOR_ID, ""),
                metadata.getOrDefault(TIER, ""),
                metadata.getOrDefault(PRICE_MINOR, ""),
                metadata.getOrDefault(CURRENCY, ""));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return VERSION + ENCODER.encodeToString(mac.doFinal(claims.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }

    /**
     * Why a session cannot be a ticket, or empty when it is one we offered and was charged as offered.
     *
     * @param metadata          the session's metadata
     * @param clientReferenceId the session's {@code client_reference_id}
     * @param mode              the session's mode ({@code payment}, {@code subscription}, {@code setup})
     * @param amountTotal       what the session charged, in minor units (null when Stripe did not say)
     * @param currency          the session's currency
     * @param eventLivemode     the event's {@code livemode}
     */
    public Optional<String> problem(
            Map<String, String> metadata,
            String clientReferenceId,
            String mode,
            Long amountTotal,
            String currency,
            boolean eventLivemode) {
        if (eventLivemode != livemode) {
            return Optional.of("a " + (eventLivemode ? "live-mode" : "test-mode") + " payment on a "
                    + (livemode ? "live" : "test") + " deployment");
        }
        if (!"payment".equals(mode)) {
            return Optional.of("a session in mode " + mode + ", not a one-time payment");
        }
        if (clientReferenceId == null
                || !MessageDigest.isEqual(
                        reference(metadata).getBytes(StandardCharsets.US_ASCII),
                        clientReferenceId.getBytes(StandardCharsets.US_ASCII))) {
            return Optional.of("not a session Stagepass made: its client_reference_id does not sign its offer");
        }
        long offered;
        try {
            offered = Long.parseLong(metadata.get(PRICE_MINOR));
        } catch (NumberFormatException e) {
            return Optional.of("the offer has no price");
        }
        if (amountTotal == null || amountTotal != offered) {
            return Optional.of("charged " + amountTotal + " where " + offered + " was offered");
        }
        if (currency == null || !currency.equalsIgnoreCase(metadata.get(CURRENCY))) {
            return Optional.of("charged in " + currency + " where " + metadata.get(CURRENCY) + " was offered");
        }
        return Optional.empty();
    }
}
