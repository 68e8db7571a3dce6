package io.stagepass.acceptance.client;

import com.stripe.StripeClient;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.RefundCreateParams;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;

/**
 * Stripe as the sandbox stands in for it: a buyer paying on the hosted Checkout page, and the platform's calls to
 * Stripe's API (sessions, fees from balance transactions, refunds) through stripe-java, as the services make them.
 */
public final class StripeSandboxClient {
    /** The sandbox takes any test key. */
    private static final String TEST_KEY = "sk_test_stagepass_acceptance";

    private final String apiBase;
    private final StripeClient stripe;
    private final HttpClient http =
            HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    public StripeSandboxClient(String apiBase) {
        this.apiBase = Urls.trimmed(apiBase);
        this.stripe = StripeClient.builder()
                .setApiKey(TEST_KEY)
                .setApiBase(this.apiBase)
                .build();
    }

    public String apiBase() {
        return apiBase;
    }

    /** stripe-java pointed at the sandbox, for calls this client does not wrap. */
    public StripeClient stripe() {
        return stripe;
    }

    /**
     * Pays on the hosted page the checkout route sent the buyer to, as the buyer's browser posts it; returns where
     * Stripe sends them back (the ticket page). The sandbox then sends ingest the signed webhook.
     */
    public String pay(ApiClient.Checkout checkout, String email) throws Exception {
        HttpResponse<String> paid = http.send(
                HttpRequest.newBuilder(checkout.hostedPage())
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "email=" + URLEncoder.encode(email, StandardCharsets.UTF_8)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (paid.statusCode() != 303) {
            throw new UnavailableException("the sandbox's checkout page answered " + paid.statusCode());
        }
        return paid.headers().firstValue("Location").orElseThrow();
    }

    /**
     * Goes through Stripe's hosted onboarding as the creator's browser would: opens the account link, sends the form;
     * returns where Stripe sends them back. The sandbox then sends ingest Connect's {@code account.updated}.
     */
    public String completeOnboarding(URI accountLink) throws Exception {
        HttpResponse<String> page =
                http.send(HttpRequest.newBuilder(accountLink).build(), HttpResponse.BodyHandlers.ofString());
        if (page.statusCode() != 200) {
            throw new UnavailableException("the sandbox's onboarding page answered " + page.statusCode());
        }
        HttpResponse<String> sent = http.send(
                HttpRequest.newBuilder(URI.create(accountLink + "/submit"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Test+Creator&iban=DE89370400440532013000"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (sent.statusCode() != 303) {
            throw new UnavailableException("the sandbox's onboarding form answered " + sent.statusCode());
        }
        return sent.headers().firstValue("Location").orElseThrow();
    }

    public Session session(String sessionId) throws Exception {
        return stripe.checkout().sessions().retrieve(sessionId);
    }

    /** Stripe's fee on a ticket, from its charge's balance transaction (what ingest reads too). */
    public long fee(String sessionId) throws Exception {
        return fee(session(sessionId));
    }

    /** Stripe's fee on a ticket whose Checkout Session is at hand. */
    public long fee(Session session) throws Exception {
        PaymentIntent intent = stripe.paymentIntents()
                .retrieve(
                        session.getPaymentIntent(),
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.balance_transaction")
                                .build());
        return intent.getLatestChargeObject().getBalanceTransactionObject().getFee();
    }

    /** Refunds a ticket's payment in full through Stripe's API. */
    public void refund(String sessionId) throws Exception {
        stripe.refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(session(sessionId).getPaymentIntent())
                        .build());
    }
}
