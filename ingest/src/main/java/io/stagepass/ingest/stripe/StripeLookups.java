package io.stagepass.ingest.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.checkout.SessionListParams;
import io.stagepass.events.Money;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * What a webhook does not carry and Stripe's API does: the Checkout Session behind a charge (its metadata names
 * the live and the tier) and how a payment settled, from its balance transaction. Reads only, so no
 * idempotency keys are needed; every write to Stripe (the replay API's, and {@link ConnectMoney}'s) carries one.
 */
public final class StripeLookups {
    /**
     * How a charge landed in the Stripe account's balance: its amount, Stripe's fee and the net, in minor units of the
     * account's {@code currency}, and the exchange rate when Stripe converted (null otherwise).
     */
    public record Settlement(
            long amountMinor, long feeMinor, long netMinor, String currency, BigDecimal exchangeRate) {}

    private final StripeClient client;

    public StripeLookups(StripeClient client) {
        this.client = client;
    }

    public static StripeLookups create(String apiKey, String apiBase) {
        return new StripeLookups(StripeClient.builder()
                .setApiKey(apiKey)
                .setApiBase(apiBase)
                .setMaxNetworkRetries(2)
                .setConnectTimeout(5_000)
                .setReadTimeout(10_000)
                .build());
    }

    /** The client, for the Connect rules' writes ({@link ConnectMoney}). */
    StripeClient client() {
        return client;
    }

    /** The Checkout Session that created a payment intent, if any. */
    public Optional<Session> sessionOf(String paymentIntentId) throws StripeException {
        var sessions = client.checkout()
                .sessions()
                .list(SessionListParams.builder()
                        .setPaymentIntent(paymentIntentId)
                        .setLimit(1L)
                        .build());
        return sessions.getData().stream().findFirst();
    }

    /**
     * A payment intent's latest charge with its balance transaction: one read for a webhook, for how the charge
     * settled ({@link #settlement(Charge)}) and where its money went ({@link ConnectMoney}).
     */
    public Optional<Charge> latestCharge(String paymentIntentId) throws StripeException {
        if (paymentIntentId == null) {
            return Optional.empty();
        }
        PaymentIntent intent = client.paymentIntents()
                .retrieve(
                        paymentIntentId,
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.balance_transaction")
                                .build());
        return Optional.ofNullable(intent.getLatestChargeObject());
    }

    /** How a charge settled, once Stripe has made its balance transaction. */
    public static Optional<Settlement> settlement(Optional<Charge> charged) {
        Charge charge = charged.orElse(null);
        BalanceTransaction balance = charge == null ? null : charge.getBalanceTransactionObject();
        if (balance == null) {
            return Optional.empty();
        }
        return Optional.of(new Settlement(
                balance.getAmount(),
                balance.getFee(),
                balance.getNet(),
                Money.requireCurrency(balance.getCurrency()),
                balance.getExchangeRate()));
    }
}
