package io.stagepass.replay.checkout;

import com.stripe.StripeClient;
import io.stagepass.platform.config.StripeSettings;

/** The replay API's client for Stripe's API: its key and address, two retries, timeouts a buyer can wait through. */
public final class StripeClients {
    private StripeClients() {}

    public static StripeClient of(StripeSettings settings) {
        return StripeClient.builder()
                .setApiKey(settings.apiKey())
                .setApiBase(settings.apiBase())
                .setMaxNetworkRetries(2)
                .setConnectTimeout(5_000)
                .setReadTimeout(15_000)
                .build();
    }
}
