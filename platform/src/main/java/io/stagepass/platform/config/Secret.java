package io.stagepass.platform.config;

import java.util.Locale;
import java.util.Set;

/**
 * The secrets of a deployment, one per purpose, each held only by the services that need it. None has a default:
 * outside the embedded stack (which makes its own at random and keeps them in its data directory) every one a
 * service needs is required at start-up, at least 32 characters, not a placeholder published anywhere, and different
 * from the service's other secrets.
 */
public enum Secret {
    /** Signs the playback tokens of watch links. Replay API only. */
    PLAYBACK_TOKENS("STAGEPASS_PLAYBACK_TOKEN_SECRET", "signs playback tokens"),
    /** Signs the short-lived links to media objects. Replay API only. */
    OBJECT_LINKS("STAGEPASS_LINK_SECRET", "signs object links"),
    /** Signs creators' dashboard session cookies. Replay API only. */
    SESSIONS("STAGEPASS_SESSION_SECRET", "signs dashboard sessions"),
    /** Signs the beacon tokens players report with: the replay API issues them, ingest verifies them. */
    BEACONS("STAGEPASS_BEACON_SECRET", "signs beacon tokens"),
    /**
     * Signs the ticket offer a Checkout Session is made for (its {@code client_reference_id}): the replay API signs,
     * ingest checks that a paid session is one of ours, for the price offered.
     */
    CHECKOUT("STAGEPASS_CHECKOUT_SECRET", "signs checkout offers"),
    /** Stripe's signing secret of the webhook endpoint ({@code whsec_...}). Ingest only. */
    STRIPE_WEBHOOK("STAGEPASS_STRIPE_WEBHOOK_SECRET", "verifies Stripe's webhooks"),
    /**
     * Stripe's signing secret of the Connect webhook endpoint ({@code whsec_...}): the events of creators' connected
     * accounts (onboarding, payouts). Ingest only.
     */
    STRIPE_CONNECT_WEBHOOK("STAGEPASS_STRIPE_CONNECT_WEBHOOK_SECRET", "verifies Stripe's Connect webhooks"),
    /**
     * Signs stage tokens: a paying guest's browser joining a live's green room, the creator's stage panel. The replay
     * API issues them, ingest verifies them.
     */
    STAGE("STAGEPASS_STAGE_SECRET", "signs stage tokens"),
    /** The platform operator's key for the operator's routes (the platform's fees). Replay API only. */
    OPERATOR("STAGEPASS_OPERATOR_SECRET", "authenticates the platform's operator");

    /** The shortest secret accepted. */
    public static final int MIN_LENGTH = 32;

    /**
     * Values that were ever published (in this repository's compose file, docs, or as an embedded default): anyone
     * could sign with them. A value containing one of the marker words is refused too.
     */
    static final Set<String> PUBLISHED = Set.of(
            "stagepass-embedded-playback-token-secret",
            "change-me-to-a-secret-of-32-characters",
            "whsec_embedded_stagepass_test_secret",
            "whsec_set_me");

    private static final Set<String> PLACEHOLDER_WORDS =
            Set.of("change-me", "change_me", "changeme", "set_me", "set-me", "placeholder", "your-secret", "example");

    private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

    private final String variable;
    private final String purpose;

    Secret(String variable, String purpose) {
        this.variable = variable;
        this.purpose = purpose;
    }

    /** The environment variable it is read from. */
    public String variable() {
        return variable;
    }

    public String purpose() {
        return purpose;
    }

    /** Why {@code value} cannot be this secret, or null when it can. */
    String problem(String value) {
        if (value.length() < MIN_LENGTH) {
            return "must be at least " + MIN_LENGTH + " characters, got " + value.length();
        }
        String lower = value.toLowerCase(Locale.ROOT);
        if (PUBLISHED.contains(value) || PLACEHOLDER_WORDS.stream().anyMatch(lower::contains)) {
            return "is a published placeholder: anyone could sign with it";
        }
        if (value.chars().distinct().count() < 12) {
            return "does not look random (fewer than 12 different characters)";
        }
        if (signedByStripe() && !value.startsWith("whsec_")) {
            return "must be the endpoint's signing secret from Stripe, starting with whsec_";
        }
        return null;
    }

    /** A webhook endpoint's signing secret, which Stripe makes (whsec_...). */
    private boolean signedByStripe() {
        return this == STRIPE_WEBHOOK || this == STRIPE_CONNECT_WEBHOOK;
    }

    /** A fresh random value for this purpose (256 bits), as the embedded stack makes them. */
    public String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String value = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        return signedByStripe() ? "whsec_" + value : value;
    }

    /** The command docs and errors suggest for making one. */
    public String howToMake() {
        return signedByStripe()
                ? "copy it from the webhook endpoint in Stripe's dashboard (or `stripe listen`)"
                : "make one with `openssl rand -base64 32`";
    }
}
