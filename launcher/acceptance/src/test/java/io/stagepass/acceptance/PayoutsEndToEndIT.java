package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.model.Charge;
import com.stripe.model.PaymentIntent;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.RefundCreateParams;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Buyer;
import io.stagepass.acceptance.client.LiveRequest;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.demo.DemoScenario;
import io.stagepass.acceptance.demo.LakeEarnings;
import io.stagepass.acceptance.facts.StripeEarnings;
import io.stagepass.acceptance.testing.Browser;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.sandbox.stripe.StripeSandbox;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

/**
 * Creators get paid, on the whole stack with the Stripe sandbox standing in for Stripe Connect: onboarding through
 * Stripe's hosted page in a browser, sales refused until then, and a creator's earnings, the platform's fees and the
 * monthly statements each equal to what Stripe itself holds (its transfers, reversals, application fees and balance
 * transactions, read back through stripe-java), after duplicated and shuffled webhooks and an outage of Stripe's API.
 */
class PayoutsEndToEndIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Stack stack;
    static StripeSandbox sandbox;
    static ApiClient api;
    static StripeSandboxClient stripe;
    static Buyer buyer;

    @BeforeAll
    static void start() throws Exception {
        // The demo's settings: the sandbox, and a lake that publishes a partition-hour after 3 quiet seconds.
        stack = Stack.start(StackConfig.onFreePorts(dir.resolve("data"), DemoScenario.STACK_DEFAULTS), line -> {});
        sandbox = stack.stripeSandbox().orElseThrow();
        api = new ApiClient("http://127.0.0.1:" + stack.apiPort());
        stripe = new StripeSandboxClient(sandbox.apiBase());
        buyer = new Buyer(api, stripe);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aCreatorWhoHasNotSetUpPayoutsCannotSellUntilTheyOnboardInTheBrowser() throws Exception {
        Browser.assumeAvailable();
        Catalog.Account creator = new Operator(stack.kafka()).registerCreator("Nia's Pilates", null, "EUR");
        ApiClient.ScheduledLive live =
                api.scheduleLive(creator.apiKey(), LiveRequest.viewerTier("Core strength", "EUR", 1200));

        HttpResponse<String> checkout = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + "/v1/lives/" + live.liveId() + "/checkout"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"tier\":\"viewer\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(checkout.statusCode()).as(checkout.body()).isEqualTo(409);
        assertThat(JSON.readTree(checkout.body()).toString()).contains("setting up payouts");

        try (Browser browser = Browser.start(dir)) {
            browser.open(api.url() + "/lives/" + live.liveId());
            assertThat(browser.driver().findElement(By.id("notice")).getText())
                    .isEqualTo("Tickets go on sale once Nia's Pilates has finished setting up payouts with Stripe.");
            assertThat(browser.driver().findElement(By.id("checkout")).isEnabled())
                    .as("the buy button is off")
                    .isFalse();
            browser.screenshot(dir.resolve("ticket-page-before-payouts.png"));

            browser.open(api.url() + "/login");
            browser.driver().findElement(By.id("key")).sendKeys(creator.apiKey());
            browser.driver().findElement(By.id("sign-in")).click();
            Await.expect(
                    "the payouts panel says to set up payouts",
                    Browser.timeout(),
                    () -> "not_started"
                            .equals(browser.script( // null while the sign-in page is still the one shown
                                    "const p = document.getElementById('payouts'); return p && p.dataset.status")));
            browser.screenshot(dir.resolve("dashboard-payouts-not-started.png"));
            browser.driver().findElement(By.id("payouts-setup")).click();
            Await.expect(
                    "Stripe's hosted onboarding",
                    Browser.timeout(),
                    () -> browser.driver().getCurrentUrl().startsWith(sandbox.apiBase() + "/connect/onboarding/"));
            browser.driver().findElement(By.id("submit")).click();
            Await.expect(
                    "back on the dashboard, payouts enabled",
                    DEADLINE,
                    () -> browser.driver().getCurrentUrl().contains("/dashboard?payouts=returned")
                            && "enabled"
                                    .equals(browser.script("const p = document.getElementById('payouts');"
                                            + " return p && p.dataset.status")));
            browser.screenshot(dir.resolve("dashboard-payouts-enabled.png"));

            browser.open(api.url() + "/lives/" + live.liveId());
            assertThat(browser.driver().findElement(By.id("checkout")).isEnabled())
                    .isTrue();
        }
        // The operator gives this creator a fee of their own: 5 % and nothing fixed in EUR.
        String operatorKey = stack.secret(Secret.OPERATOR);
        String feeRoute =
                api.url() + "/v1/operator/creators/" + creator.creator().getCreatorId() + "/platform-fee";
        HttpResponse<String> wrongFee = operator("PUT", feeRoute, operatorKey, "{\"percent\": \"75\"}");
        assertThat(wrongFee.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(wrongFee.body()).get("fields").get("percent").asText())
                .contains("from 0 to 50");
        assertThat(operator("PUT", feeRoute, creator.apiKey(), "{\"percent\": \"5\"}")
                        .statusCode())
                .as("a creator's key is not the operator's")
                .isEqualTo(401);
        HttpResponse<String> own =
                operator("PUT", feeRoute, operatorKey, "{\"percent\": \"5\", \"fixed\": {\"EUR\": 0}}");
        assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
        assertThat(JSON.readTree(own.body()).get("platformFee").asText()).isEqualTo("5% per ticket");
        Buyer.Ticket ticket = buyer.buy(live.liveId(), "first@example.com");
        PaymentIntent intent = intent(ticket.id());
        Charge charge = intent.getLatestChargeObject();
        assertThat(charge.getTransferObject().getDestination())
                .as("the sale is a destination charge to the creator's account")
                .isEqualTo(api.json(creator.apiKey(), "/v1/creator/payouts")
                        .get("stripeAccountId")
                        .asText());
        assertThat(charge.getApplicationFeeAmount())
                .as("the creator's own fee: 5 % of 12.00 EUR")
                .isEqualTo(60);
        assertThat(operator("DELETE", feeRoute, operatorKey, null).body()).contains("10% + 0.30 EUR per ticket");
        PaymentIntent next =
                intent(buyer.buy(live.liveId(), "second@example.com").id());
        assertThat(next.getLatestChargeObject().getApplicationFeeAmount())
                .as("back to the deployment's: 10 % + 0.30 EUR of 12.00 EUR")
                .isEqualTo(150);
    }

    @Test
    void earningsFeesAndStatementsEqualWhatStripeHoldsToTheCent() throws Exception {
        Catalog.Account creator = new Operator(stack.kafka()).registerCreator("Ada's Yoga", null, "EUR");
        api.setUpPayouts(creator.apiKey(), stripe, DEADLINE);
        String account = api.json(creator.apiKey(), "/v1/creator/payouts")
                .get("stripeAccountId")
                .asText();
        ApiClient.ScheduledLive eur = api.scheduleLive(
                creator.apiKey(),
                LiveRequest.viewerTier("Sunrise flow", "EUR", 1500).withTier("guest", 4500));
        ApiClient.ScheduledLive usd =
                api.scheduleLive(creator.apiKey(), LiveRequest.viewerTier("Evening flow", "USD", 2000));
        ApiClient.ScheduledLive gbp =
                api.scheduleLive(creator.apiKey(), LiveRequest.viewerTier("Weekend retreat", "GBP", 1299));

        sandbox.duplicateAndShuffle(true); // from here on every webhook comes twice, in any order
        List<String> tickets = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            tickets.add(buyer.buy(eur.liveId(), "viewer", "eur" + i + "@example.com")
                    .id());
        }
        tickets.add(buyer.buy(eur.liveId(), "guest", "guest@example.com").id());
        for (int i = 0; i < 3; i++) {
            tickets.add(buyer.buy(usd.liveId(), "usd" + i + "@example.com").id());
        }
        for (int i = 0; i < 2; i++) {
            tickets.add(buyer.buy(gbp.liveId(), "gbp" + i + "@example.com").id());
        }
        StripeClient client = stripe.stripe();
        // A full refund from Stripe's dashboard that did not reverse the transfer: ingest makes it follow the money.
        stripe.refund(tickets.get(0));
        // A partial refund that reversed the transfer and refunded the fee itself (Stripe's own proportions).
        client.refunds()
                .create(RefundCreateParams.builder()
                        .setPaymentIntent(stripe.session(tickets.get(1)).getPaymentIntent())
                        .setAmount(500L)
                        .setReverseTransfer(true)
                        .setRefundApplicationFee(true)
                        .build());
        // Two partial refunds of a converted (USD) charge, during an outage of Stripe's API.
        String usdIntent = stripe.session(tickets.get(5)).getPaymentIntent();
        Map<Integer, String> charges =
                Map.of(2, charge(tickets.get(2)), 3, charge(tickets.get(3)), 8, charge(tickets.get(8)));
        sandbox.failNextReads(4); // ingest's lookups fail: it answers 503 and the webhooks come again
        for (long amount : new long[] {700, 1300}) {
            client.refunds()
                    .create(RefundCreateParams.builder()
                            .setPaymentIntent(usdIntent)
                            .setAmount(amount)
                            .build());
        }
        Await.expect("ingest's lookups through the outage", DEADLINE, () -> sandbox.failuresLeft() == 0);
        // Disputes: won, lost, and one still open.
        dispute(charges.get(2), "won");
        dispute(charges.get(3), "lost");
        dispute(charges.get(8), null);

        Truth truth = Await.expect(
                "every refund and dispute followed by the money, and the creator's earnings equal to Stripe's "
                        + "transfers, reversals and fees",
                DEADLINE,
                () -> new Truth(StripeEarnings.of(stripe, tickets), api.json(creator.apiKey(), "/v1/creator/earnings")),
                t -> t.moneyFollowed(List.of(0, 1, 2, 3, 5, 8), 2) && t.agrees());
        sandbox.duplicateAndShuffle(false);
        JsonNode eurTotals = truth.route().get("currencies").get(0);
        assertThat(eurTotals.get("currency").asText()).isEqualTo("EUR");
        assertThat(eurTotals.get("earningsMinor").asLong()).isEqualTo(truth.creatorMinor());
        assertThat(eurTotals.get("platformFeesMinor").asLong()).isEqualTo(truth.platformFeesMinor());
        assertThat(eurTotals.get("stripeFeesMinor").asLong()).isEqualTo(truth.stripeFeesMinor());
        assertThat(eurTotals.get("grossMinor").asLong()).isEqualTo(truth.grossMinor());
        assertThat(truth.route().get("lives")).hasSize(3);
        long perLive = 0;
        for (JsonNode live : truth.route().get("lives")) {
            perLive += live.get("earningsMinor").asLong();
        }
        assertThat(perLive).as("the lives add up to the total").isEqualTo(truth.creatorMinor());
        System.out.printf(
                "creator earnings %d EUR cents (gross %d, platform fees %d, Stripe fees %d paid by the platform)%n",
                truth.creatorMinor(), truth.grossMinor(), truth.platformFeesMinor(), truth.stripeFeesMinor());

        // The statements' lines add up to the earnings route.
        long statements = 0;
        for (JsonNode month : truth.route().get("statements")) {
            HttpResponse<String> csv =
                    api.get(creator.apiKey(), month.get("url").asText());
            assertThat(csv.statusCode()).isEqualTo(200);
            assertThat(csv.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
            String[] lines = csv.body().split("\n");
            assertThat(lines[0]).endsWith(",earnings_minor");
            for (int i = 1; i < lines.length; i++) {
                String[] cells = lines[i].split(",");
                statements += Long.parseLong(cells[cells.length - 1]);
            }
        }
        assertThat(statements).isEqualTo(truth.creatorMinor());

        // The operator sees the platform's fees; nobody else does.
        String operatorKey = stack.secret(Secret.OPERATOR);
        assertThat(api.get(creator.apiKey(), "/v1/operator/fees").statusCode()).isEqualTo(401);
        JsonNode fees = JSON.readTree(api.get(operatorKey, "/v1/operator/fees").body());
        JsonNode ada = null;
        for (JsonNode line : fees.get("currencies").get(0).get("creators")) {
            if (line.get("creatorId").asText().equals(creator.creator().getCreatorId())) {
                ada = line;
            }
        }
        assertThat(ada).isNotNull();
        assertThat(ada.get("platformFeesMinor").asLong()).isEqualTo(truth.platformFeesMinor());
        assertThat(ada.get("netMinor").asLong()).isEqualTo(truth.platformFeesMinor() - truth.stripeFeesMinor());

        // Stripe pays the account's balance out: it is what the route said the creator earned, and it shows as paid.
        Map<String, Object> payout = sandbox.payout(account, false);
        assertThat(((Number) payout.get("amount")).longValue())
                .as("the connected account's balance is the creator's earnings")
                .isEqualTo(truth.creatorMinor());
        JsonNode paid = Await.expect(
                "the payout on the earnings route",
                DEADLINE,
                () -> api.json(creator.apiKey(), "/v1/creator/earnings")
                        .get("currencies")
                        .get(0),
                c -> c.get("paidOutMinor").asLong() == truth.creatorMinor());
        assertThat(paid.get("notYetPaidOutMinor").asLong()).isZero();

        // The lake's curated tables hold the same, read from the facts by SQL.
        CheckResult lake = new LakeEarnings(
                        stack.s3(),
                        dir.resolve("lake-copy"),
                        DEADLINE,
                        creator.creator().getCreatorId(),
                        stripe,
                        tickets)
                .run();
        System.out.println(lake.lines());
        assertThat(lake.held()).as(String.join("\n", lake.lines())).isTrue();
    }

    private static PaymentIntent intent(String ticket) throws Exception {
        return stripe.stripe()
                .paymentIntents()
                .retrieve(
                        stripe.session(ticket).getPaymentIntent(),
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge.balance_transaction")
                                .addExpand("latest_charge.transfer")
                                .addExpand("latest_charge.application_fee")
                                .build());
    }

    private static HttpResponse<String> operator(String method, String url, String key, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Authorization", "Bearer " + key)
                                .header("Content-Type", "application/json")
                                .method(
                                        method,
                                        body == null
                                                ? HttpRequest.BodyPublishers.noBody()
                                                : HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static String charge(String ticket) throws Exception {
        return intent(ticket).getLatestChargeObject().getId();
    }

    private static void dispute(String charge, String outcome) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        for (String status : outcome == null ? List.of("needs_response") : List.of("needs_response", outcome)) {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(
                                    sandbox.apiBase() + "/sandbox/charges/" + charge + "/dispute?status=" + status))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        }
    }

    /** What Stripe holds for these tickets, next to what the earnings route says. */
    private record Truth(StripeEarnings stripe, JsonNode route) {
        long creatorMinor() {
            return stripe.creatorMinor();
        }

        long platformFeesMinor() {
            return stripe.platformFeesMinor();
        }

        long stripeFeesMinor() {
            return stripe.stripeFeesMinor();
        }

        long grossMinor() {
            return stripe.grossMinor();
        }

        boolean agrees() {
            JsonNode currencies = route.get("currencies");
            return currencies.size() == 1
                    && currencies.get(0).get("earningsMinor").asLong() == creatorMinor()
                    && currencies.get(0).get("platformFeesMinor").asLong() == platformFeesMinor()
                    && currencies.get(0).get("grossMinor").asLong() == grossMinor()
                    && route.get("lives").size() == 3;
        }

        /**
         * Whether every refunded or disputed ticket's transfer has been reversed, and the won dispute's money given
         * back: until then Stripe's own numbers are still moving.
         */
        boolean moneyFollowed(List<Integer> reversedTickets, int wonTicket) {
            return reversedTickets.stream()
                            .allMatch(i -> stripe.reversedPerTicket().get(i) > 0)
                    && stripe.returnedPerTicket().get(wonTicket) > 0;
        }
    }
}
