package io.stagepass.platform.config;

/**
 * How a service reaches Stripe's API: ingest reads Checkout Sessions and balance transactions, the replay API creates
 * Checkout Sessions. The defaults are the embedded stack's: a test key, and Stripe's real API (which a test key
 * cannot charge); the launcher's {@code --stripe-sandbox} points the base at a local stand-in.
 *
 * @param apiKey  {@code STAGEPASS_STRIPE_API_KEY} (sk_...)
 * @param apiBase {@code STAGEPASS_STRIPE_API_BASE}, default https://api.stripe.com
 */
public record StripeSettings(String apiKey, String apiBase) {
    public static final String API_KEY = "STAGEPASS_STRIPE_API_KEY";
    public static final String API_BASE = "STAGEPASS_STRIPE_API_BASE";
    public static final String EMBEDDED_API_KEY = "sk_test_embedded_stagepass";
    public static final String DEFAULT_API_BASE = "https://api.stripe.com";

    public static StripeSettings fromEnv(Env env) {
        return new StripeSettings(
                env.string(API_KEY, EMBEDDED_API_KEY),
                env.httpUrl(API_BASE, DEFAULT_API_BASE).toString());
    }

    @Override
    public String toString() {
        return "StripeSettings[apiBase=" + apiBase + "]"; // never the key
    }
}
