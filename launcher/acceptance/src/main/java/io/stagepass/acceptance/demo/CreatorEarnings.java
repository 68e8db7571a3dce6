package io.stagepass.acceptance.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.facts.StripeEarnings;
import io.stagepass.platform.lifecycle.Await;
import java.util.List;

/**
 * The creator gets paid: their earnings route (with their key) equals what Stripe holds for the demo's destination
 * charges, to the cent (transfers to their connected account, less the refund's reversal, less the platform fee kept),
 * once the refund has followed the money.
 */
record CreatorEarnings(ApiClient api, StripeSandboxClient stripe, Sent sent) implements Check {
    private record Seen(StripeEarnings stripe, JsonNode route) {
        boolean agrees(int refunded) {
            JsonNode eur = route.path("currencies").path(0);
            return stripe.reversedPerTicket().get(refunded) > 0
                    && eur.path("earningsMinor").asLong(Long.MIN_VALUE) == stripe.creatorMinor()
                    && eur.path("platformFeesMinor").asLong(Long.MIN_VALUE) == stripe.platformFeesMinor();
        }
    }

    @Override
    public String name() {
        return "creator's earnings";
    }

    @Override
    public CheckResult run() throws Exception {
        int refunded = sent.tickets().indexOf(sent.refundedTicket());
        Await.Outcome<Seen> seen = Await.until(
                Waits.PIPELINE,
                Waits.POLL,
                () -> new Seen(
                        StripeEarnings.of(stripe, sent.tickets()), api.json(sent.apiKey(), "/v1/creator/earnings")),
                now -> now.agrees(refunded));
        JsonNode eur = seen.value().route().path("currencies").path(0);
        StripeEarnings truth = seen.value().stripe();
        String line = String.format(
                "Earnings (replay API, for the creator): %d %s cents (gross %d, platform fee %d, refunds %d), "
                        + "Stripe's own transfers, reversals and fees: %d: %s",
                eur.path("earningsMinor").asLong(),
                DemoTraffic.CURRENCY,
                eur.path("grossMinor").asLong(),
                eur.path("platformFeesMinor").asLong(),
                eur.path("refundsMinor").asLong(),
                truth.creatorMinor(),
                seen.met() ? "the same" : "NOT the same (" + seen.value().route() + ")");
        return CheckResult.of(
                name(),
                seen.met(),
                List.of(
                        line,
                        String.format(
                                "  the platform's fees %d %s cents, less Stripe's processing fees %d: %d to the platform (the "
                                        + "operator's GET /v1/operator/fees)",
                                truth.platformFeesMinor(),
                                DemoTraffic.CURRENCY,
                                truth.stripeFeesMinor(),
                                truth.platformFeesMinor() - truth.stripeFeesMinor())));
    }
}
