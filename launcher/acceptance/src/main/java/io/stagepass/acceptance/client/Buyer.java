package io.stagepass.acceptance.client;

import io.stagepass.platform.lifecycle.Await;

/**
 * A buyer going through the doors people use: the ticket page's checkout form on the replay API, then Stripe's hosted
 * page (the sandbox), which sends them back to their ticket page.
 */
public final class Buyer {
    /** A bought ticket: its id (the Checkout Session's) and the ticket page the buyer was sent back to. */
    public record Ticket(String id, String ticketPage) {}

    private static final java.time.Duration TICKET_PAGE = java.time.Duration.ofSeconds(30);

    private final ApiClient api;
    private final StripeSandboxClient stripe;

    public Buyer(ApiClient api, StripeSandboxClient stripe) {
        this.api = api;
        this.stripe = stripe;
    }

    /** Buys a ticket of the live's {@code viewer} tier. */
    public Ticket buy(String liveId, String email) throws Exception {
        return buy(liveId, "viewer", email);
    }

    public Ticket buy(String liveId, String tier, String email) throws Exception {
        // A buyer comes through the live's ticket page, which the API serves once its catalog view has the live (a
        // moment after it was scheduled; longer on a busy machine).
        Await.expect(
                "the ticket page of " + liveId,
                TICKET_PAGE,
                () -> api.page("/lives/" + liveId).statusCode(),
                status -> status != 404);
        ApiClient.Checkout checkout = api.checkout(liveId, tier, email);
        return new Ticket(checkout.sessionId(), stripe.pay(checkout, email));
    }
}
