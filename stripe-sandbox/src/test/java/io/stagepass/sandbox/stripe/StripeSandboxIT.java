package io.stagepass.sandbox.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.Event;
import com.stripe.model.PaymentIntent;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.RefundCreateParams;
import com.stripe.param.checkout.SessionCreateParams;
import com.stripe.param.checkout.SessionListParams;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The sandbox as stripe-java sees it: every answer and every webhook parses into stripe-java's own classes. */
class StripeSandboxIT {
    private static final String SECRET = "whsec_sandbox_test";
    private static final String CONNECT_SECRET = "whsec_sandbox_connect_test";
    private final List<Event> webhooks = new CopyOnWriteArrayList<>();
    private final List<Event> connectWebhooks = new CopyOnWriteArrayList<>();
    private HttpServer receiver;
    private StripeSandbox sandbox;
    private StripeClient client;

    @BeforeEach
    void start() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        receiver.createContext("/webhook", exchange -> {
            String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                webhooks.add(Webhook.constructEvent(
                        payload, exchange.getRequestHeaders().getFirst("Stripe-Signature"), SECRET));
                exchange.sendResponseHeaders(200, -1);
            } catch (Exception e) {
                exchange.sendResponseHeaders(400, -1);
            }
            exchange.close();
        });
        receiver.createContext("/connect", exchange -> {
            String payload = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            try {
                connectWebhooks.add(Webhook.constructEvent(
                        payload, exchange.getRequestHeaders().getFirst("Stripe-Signature"), CONNECT_SECRET));
                exchange.sendResponseHeaders(200, -1);
            } catch (Exception e) {
                exchange.sendResponseHeaders(400, -1);
            }
            exchange.close();
        });
        receiver.start();
        sandbox = StripeSandbox.start(
                        0, "http://127.0.0.1:" + receiver.getAddress().getPort() + "/webhook", SECRET, "EUR")
                .connectWebhooks(
                        List.of("http://127.0.0.1:" + receiver.getAddress().getPort() + "/connect"), CONNECT_SECRET);
        client = StripeClient.builder()
                .setApiKey("sk_test_sandbox")
                .setApiBase(sandbox.apiBase())
                .build();
    }

    @AfterEach
    void stop() {
        sandbox.close();
        receiver.stop(0);
    }

    private Session create(String currency, long amount, String idempotencyKey) throws Exception {
        return client.checkout()
                .sessions()
                .create(
                        SessionCreateParams.builder()
                                .setMode(SessionCreateParams.Mode.PAYMENT)
                                .setSuccessUrl("http://127.0.0.1/ok?session={CHECKOUT_SESSION_ID}")
                                .setCancelUrl("http://127.0.0.1/cancel")
                                .addLineItem(SessionCreateParams.LineItem.builder()
                                        .setQuantity(1L)
                                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                                .setCurrency(currency)
                                                .setUnitAmount(amount)
                                                .setProductData(
                                                        SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                                                .setName("Sunrise flow")
                                                                .build())
                                                .build())
                                        .build())
                                .putMetadata("live_id", "live_1")
                                .putMetadata("tier", "viewer")
                                .putMetadata("creator_id", "creator_1")
                                .build(),
                        RequestOptions.builder()
                                .setIdempotencyKey(idempotencyKey)
                                .build());
    }

    @Test
    void aSessionIsCreatedPaidOnItsPageAndReportedByASignedWebhook() throws Exception {
        Session session = create("eur", 1500, "key-1");
        assertThat(session.getId()).startsWith("cs_test_");
        assertThat(session.getUrl()).startsWith(sandbox.apiBase() + "/checkout/");
        assertThat(session.getMetadata()).containsEntry("live_id", "live_1").containsEntry("tier", "viewer");
        assertThat(session.getPaymentStatus()).isEqualTo("unpaid");
        assertThat(create("eur", 1500, "key-1").getId())
                .as("the same idempotency key, the same session")
                .isEqualTo(session.getId());
        assertThat(sandbox.requests())
                .anyMatch(r -> r.contains("Idempotency-Key=key-1")
                        && r.contains("line_items[0][price_data][unit_amount]=1500"));

        HttpResponse<String> paid = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(session.getUrl()))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("email=viewer%40example.com"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).isEqualTo(303);
        assertThat(paid.headers().firstValue("Location")).contains("http://127.0.0.1/ok?session=" + session.getId());

        assertThat(webhooks).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo("checkout.session.completed");
            Session completed =
                    (Session) event.getDataObjectDeserializer().getObject().orElseThrow();
            assertThat(completed.getPaymentStatus()).isEqualTo("paid");
            assertThat(completed.getCustomerDetails().getEmail()).isEqualTo("viewer@example.com");
            assertThat(completed.getAmountTotal()).isEqualTo(1500);
        });
        Session retrieved = client.checkout().sessions().retrieve(session.getId());
        PaymentIntent intent = client.paymentIntents()
                .retrieve(
                        retrieved.getPaymentIntent(),
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.balance_transaction")
                                .build());
        BalanceTransaction balance = intent.getLatestChargeObject().getBalanceTransactionObject();
        assertThat(balance.getFee()).as("1.5 %% of 15.00 rounded, plus 0.25").isEqualTo(23 + 25);
        assertThat(balance.getNet()).isEqualTo(1500 - balance.getFee());
        assertThat(balance.getCurrency()).isEqualTo("eur");
        assertThat(client.checkout()
                        .sessions()
                        .list(SessionListParams.builder()
                                .setPaymentIntent(intent.getId())
                                .build())
                        .getData())
                .extracting(Session::getId)
                .containsExactly(session.getId());

        client.refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(intent.getId())
                        .setAmount(500L)
                        .build());
        assertThat(webhooks).hasSize(2);
        Charge refunded =
                (Charge) webhooks.get(1).getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(refunded.getAmountRefunded()).isEqualTo(500);
        assertThat(refunded.getRefunded()).isFalse();
        assertThat(((Number) webhooks.get(1).getData().getPreviousAttributes().get("amount_refunded")).longValue())
                .isZero();
    }

    @Test
    void aChargeInAnotherCurrencySettlesInTheAccountsCurrencyWithItsRate() throws Exception {
        Session session = create("usd", 2000, "key-usd");
        sandbox.pay(session.getId(), "buyer@example.com");
        PaymentIntent intent = client.paymentIntents()
                .retrieve(
                        client.checkout().sessions().retrieve(session.getId()).getPaymentIntent(),
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.balance_transaction")
                                .build());
        BalanceTransaction balance = intent.getLatestChargeObject().getBalanceTransactionObject();
        assertThat(intent.getCurrency()).isEqualTo("usd");
        assertThat(balance.getCurrency()).isEqualTo("eur");
        assertThat(balance.getAmount()).isEqualTo(1840); // 20.00 USD at 0.92
        assertThat(balance.getExchangeRate()).isEqualByComparingTo("0.92");
        assertThat(balance.getNet()).isEqualTo(1840 - balance.getFee());
    }

    @Test
    void badRequestsAreRefusedInStripesShape() {
        assertThatThrownBy(() -> client.paymentIntents().retrieve("pi_nope"))
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("No such payment_intent");
        StripeClient anonymous = StripeClient.builder()
                .setApiKey("pk_test_wrong")
                .setApiBase(sandbox.apiBase())
                .build();
        assertThatThrownBy(() -> anonymous.checkout().sessions().retrieve("cs_1"))
                .hasMessageContaining("API key");
    }

    @Test
    void connectOnboardsAnExpressAccountAndDestinationChargesMoveMoneyAsStripeReportsIt() throws Exception {
        com.stripe.model.Account account = client.accounts()
                .create(
                        com.stripe.param.AccountCreateParams.builder()
                                .setType(com.stripe.param.AccountCreateParams.Type.EXPRESS)
                                .putMetadata("creator_id", "creator_1")
                                .build(),
                        RequestOptions.builder().setIdempotencyKey("acct-1").build());
        assertThat(account.getId()).startsWith("acct_");
        assertThat(account.getChargesEnabled()).isFalse();
        assertThat(account.getRequirements().getCurrentlyDue()).isNotEmpty();
        assertThat(client.accounts()
                        .create(
                                com.stripe.param.AccountCreateParams.builder()
                                        .setType(com.stripe.param.AccountCreateParams.Type.EXPRESS)
                                        .build(),
                                RequestOptions.builder()
                                        .setIdempotencyKey("acct-1")
                                        .build())
                        .getId())
                .as("a retried creation makes no second account")
                .isEqualTo(account.getId());
        assertThatThrownBy(() -> client.checkout().sessions().create(destination(1500, account.getId(), 180)))
                .as("no destination charge to an account that cannot take charges")
                .isInstanceOf(InvalidRequestException.class)
                .hasMessageContaining("capabilities");

        com.stripe.model.AccountLink link = client.accountLinks()
                .create(com.stripe.param.AccountLinkCreateParams.builder()
                        .setAccount(account.getId())
                        .setType(com.stripe.param.AccountLinkCreateParams.Type.ACCOUNT_ONBOARDING)
                        .setRefreshUrl("http://127.0.0.1/refresh")
                        .setReturnUrl("http://127.0.0.1/return")
                        .build());
        HttpClient http = HttpClient.newHttpClient();
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(link.getUrl()))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString())
                        .body())
                .contains(account.getId());
        assertThat(http.send(
                                HttpRequest.newBuilder(URI.create(link.getUrl()))
                                        .build(),
                                HttpResponse.BodyHandlers.discarding())
                        .headers()
                        .firstValue("Location"))
                .as("a link is single-use: the second visit goes to the refresh URL")
                .contains("http://127.0.0.1/refresh");
        HttpResponse<Void> submitted = http.send(
                HttpRequest.newBuilder(URI.create(link.getUrl() + "/submit"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString("name=Ada&iban=DE89370400440532013000"))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(submitted.headers().firstValue("Location")).contains("http://127.0.0.1/return");
        assertThat(connectWebhooks).singleElement().satisfies(event -> {
            assertThat(event.getType()).isEqualTo("account.updated");
            assertThat(event.getAccount()).isEqualTo(account.getId());
            com.stripe.model.Account updated = (com.stripe.model.Account)
                    event.getDataObjectDeserializer().getObject().orElseThrow();
            assertThat(updated.getChargesEnabled()).isTrue();
            assertThat(updated.getPayoutsEnabled()).isTrue();
        });
        assertThat(webhooks)
                .as("Connect's events go to the Connect endpoint only")
                .isEmpty();

        Session session = client.checkout().sessions().create(destination(1500, account.getId(), 180));
        sandbox.pay(session.getId(), "buyer@example.com");
        PaymentIntent intent = client.paymentIntents()
                .retrieve(
                        client.checkout().sessions().retrieve(session.getId()).getPaymentIntent(),
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.transfer")
                                .addExpand("latest_charge.application_fee")
                                .build());
        Charge charge = intent.getLatestChargeObject();
        com.stripe.model.Transfer transfer = charge.getTransferObject();
        assertThat(transfer.getDestination()).isEqualTo(account.getId());
        assertThat(transfer.getAmount())
                .as("the whole amount goes to the account")
                .isEqualTo(1500);
        assertThat(charge.getApplicationFeeObject().getAmount())
                .as("and the fee comes back")
                .isEqualTo(180);

        com.stripe.model.Refund refund = client.refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(intent.getId())
                        .setAmount(500L)
                        .setReverseTransfer(true)
                        .setRefundApplicationFee(true)
                        .build());
        assertThat(refund.getTransferReversal()).startsWith("trr_");
        assertThat(client.transfers().retrieve(transfer.getId()).getAmountReversed())
                .isEqualTo(500);
        assertThat(client.applicationFees().retrieve(charge.getApplicationFee()).getAmountRefunded())
                .as("a third of the fee, with a third of the charge")
                .isEqualTo(60);
        com.stripe.model.TransferReversal reversal = client.transfers()
                .reversals()
                .create(
                        transfer.getId(),
                        com.stripe.param.TransferReversalCreateParams.builder()
                                .setAmount(300L)
                                .putMetadata("stagepass_dispute", "dp_1")
                                .build());
        assertThat(reversal.getMetadata()).containsEntry("stagepass_dispute", "dp_1");
        assertThat(client.transfers().reversals().list(transfer.getId()).getData())
                .hasSize(2);
        client.transfers()
                .create(com.stripe.param.TransferCreateParams.builder()
                        .setAmount(300L)
                        .setCurrency("eur")
                        .setDestination(account.getId())
                        .setTransferGroup("returns_1")
                        .build());
        assertThat(client.transfers()
                        .list(com.stripe.param.TransferListParams.builder()
                                .setTransferGroup("returns_1")
                                .build())
                        .getData())
                .extracting(com.stripe.model.Transfer::getAmount)
                .containsExactly(300L);

        sandbox.payout(account.getId(), false);
        assertThat(connectWebhooks).hasSize(2);
        com.stripe.model.Payout payout = (com.stripe.model.Payout)
                connectWebhooks.get(1).getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(connectWebhooks.get(1).getType()).isEqualTo("payout.paid");
        assertThat(payout.getAmount())
                .as("the balance: 15.00 - 1.80 fee - 5.00 reversed + 0.60 fee refunded - 3.00 + 3.00")
                .isEqualTo(1500 - 180 - 500 + 60 - 300 + 300);
    }

    private static SessionCreateParams destination(long amount, String account, long fee) {
        return SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl("http://127.0.0.1/ok")
                .setCancelUrl("http://127.0.0.1/cancel")
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency("eur")
                                .setUnitAmount(amount)
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName("Sunrise flow")
                                        .build())
                                .build())
                        .build())
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .setApplicationFeeAmount(fee)
                        .setTransferData(SessionCreateParams.PaymentIntentData.TransferData.builder()
                                .setDestination(account)
                                .build())
                        .build())
                .build();
    }
}
