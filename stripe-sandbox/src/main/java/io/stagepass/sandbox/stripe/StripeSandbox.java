package io.stagepass.sandbox.stripe;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.Stripe;
import com.stripe.net.Webhook;
import io.javalin.config.JavalinConfig;
import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.platform.http.HttpServices;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the part of Stripe Stagepass uses, answering in Stripe's shapes for the API version stripe-java
 * pins ({@link Stripe#API_VERSION}): create and retrieve Checkout Sessions, list them by payment intent, retrieve a
 * payment intent with its charge's balance transaction, refund; and Connect ({@link Connect}): Express accounts, account
 * links to a hosted onboarding page, destination charges with their transfers and application fees, reversals,
 * transfers and payouts. Its hosted checkout page "pays" a session, and like Stripe it then sends signed webhooks
 * ({@code checkout.session.completed}, {@code charge.refunded}, {@code charge.dispute.*}) to the configured endpoint,
 * and Connect's events ({@code account.updated}, {@code payout.*}) to the Connect endpoint with its own secret,
 * retrying until they are answered 2xx. For the demo and tests only: nothing here moves money.
 */
public final class StripeSandbox implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StripeSandbox.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WEBHOOK_RETRY = Duration.ofSeconds(2);
    private static final int WEBHOOK_ATTEMPTS = 30;

    private final Account account;
    private final List<String> webhookUrls;
    private final String webhookSecret;
    private volatile List<String> connectWebhookUrls = List.of();
    private volatile String connectWebhookSecret;
    private Connect connect;
    private final Map<String, Map<String, String>> sessionTransfers = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> refunds = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> intents = new ConcurrentHashMap<>();
    private final Map<String, String> idempotent = new ConcurrentHashMap<>();
    private long refundSequence;
    private volatile boolean duplicateAndShuffle;
    private final java.util.concurrent.atomic.AtomicInteger failing = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.Random random = new java.util.Random();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "stripe-sandbox-webhooks");
        thread.setDaemon(true);
        return thread;
    });
    private HttpServices.Running server;

    private StripeSandbox(Account account, List<String> webhookUrls, String webhookSecret) {
        if (webhookUrls.isEmpty()) {
            throw new IllegalArgumentException("the sandbox needs a webhook URL");
        }
        this.account = account;
        this.webhookUrls = List.copyOf(webhookUrls);
        this.webhookSecret = webhookSecret;
    }

    /** Starts on 127.0.0.1:{@code port} (0: a free port), sending webhooks to {@code webhookUrl} signed with {@code webhookSecret}. */
    public static StripeSandbox start(int port, String webhookUrl, String webhookSecret, String accountCurrency) {
        return start(port, List.of(webhookUrl), webhookSecret, accountCurrency);
    }

    /**
     * As {@link #start(int, String, String, String)}, with several webhook endpoints standing for the instances behind
     * one load-balanced URL: a failed attempt is retried on the next one, as a load balancer would route it.
     */
    public static StripeSandbox start(
            int port, List<String> webhookUrls, String webhookSecret, String accountCurrency) {
        StripeSandbox sandbox = new StripeSandbox(new Account(accountCurrency), webhookUrls, webhookSecret);
        sandbox.connect = new Connect(sandbox::send, sandbox::apiBase, accountCurrency);
        sandbox.server = HttpServices.start("stripe-sandbox", "127.0.0.1", port, sandbox::routes);
        return sandbox;
    }

    /**
     * Where Connect's events go ({@code account.updated}, {@code payout.paid}, {@code payout.failed}): a Connect
     * endpoint with its own signing secret, as in Stripe's dashboard. Without one they are not sent.
     */
    public StripeSandbox connectWebhooks(List<String> urls, String secret) {
        this.connectWebhookUrls = List.copyOf(urls);
        this.connectWebhookSecret = secret;
        return this;
    }

    /**
     * Delivers every webhook twice, each after a random delay of up to 1.5 s, so that duplicates arrive and events
     * overtake each other, as Stripe allows ("webhooks are not guaranteed to be delivered in order", and may come
     * more than once).
     */
    public StripeSandbox duplicateAndShuffle(boolean on) {
        this.duplicateAndShuffle = on;
        return this;
    }

    /**
     * The next {@code requests} reads of the API (GET) fail with Stripe's 500 {@code api_error}, as an outage would:
     * what the webhook handlers look up, while a test's own writes go through.
     */
    public void failNextReads(int requests) {
        failing.set(requests);
    }

    /** How many injected failures are still to come. */
    public int failuresLeft() {
        return failing.get();
    }

    /** Pays out a connected account's balance ({@code payout.paid}), or fails to ({@code payout.failed}). */
    public Map<String, Object> payout(String accountId, boolean fail) {
        return connect.payout(accountId, fail);
    }

    /** What {@code StripeClient.builder().setApiBase(...)} takes. */
    public String apiBase() {
        return "http://127.0.0.1:" + server.port();
    }

    public int port() {
        return server.port();
    }

    /** Every API request received, as {@code METHOD /path?query BODY} with the Idempotency-Key header: for tests. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    private void routes(JavalinConfig config) {
        config.routes.before("/v1/*", this::authenticate);
        config.routes.post("/v1/checkout/sessions", this::createSession);
        config.routes.get("/v1/checkout/sessions", this::listSessions);
        config.routes.get("/v1/checkout/sessions/{id}", ctx -> ctx.json(session(ctx.pathParam("id"))));
        config.routes.get("/v1/payment_intents/{id}", this::intent);
        config.routes.post("/v1/refunds", this::refund);
        config.routes.get("/v1/refunds", this::listRefunds);
        config.routes.post("/v1/accounts", ctx -> idempotent(ctx, () -> connect.createAccount(ctx.formParamMap())));
        config.routes.get("/v1/accounts/{id}", ctx -> ctx.json(connect.account(ctx.pathParam("id"))));
        config.routes.post("/v1/account_links", ctx -> ctx.json(connect.createLink(ctx.formParamMap())));
        config.routes.post("/v1/transfers", ctx -> idempotent(ctx, () -> connect.createTransfer(ctx.formParamMap())));
        config.routes.get(
                "/v1/transfers",
                ctx -> ctx.json(
                        connect.listTransfers(ctx.queryParam("transfer_group"), ctx.queryParam("destination"))));
        config.routes.get("/v1/transfers/{id}", ctx -> ctx.json(connect.transfer(ctx.pathParam("id"))));
        config.routes.post(
                "/v1/transfers/{id}/reversals",
                ctx -> idempotent(ctx, () -> connect.createReversal(ctx.pathParam("id"), ctx.formParamMap())));
        config.routes.get("/v1/transfers/{id}/reversals", ctx -> ctx.json(connect.listReversals(ctx.pathParam("id"))));
        config.routes.get("/v1/application_fees/{id}", ctx -> ctx.json(connect.fee(ctx.pathParam("id"))));
        config.routes.get("/v1/balance", ctx -> {
            String account = ctx.header("Stripe-Account");
            if (account == null) {
                throw new BadRequestResponse("the sandbox keeps balances for connected accounts only (Stripe-Account)");
            }
            ctx.json(connect.balance(account));
        });
        config.routes.get("/connect/onboarding/{token}", connect::onboardingPage);
        config.routes.post("/connect/onboarding/{token}/submit", connect::submitOnboarding);
        config.routes.post("/sandbox/accounts/{id}/onboard", ctx -> ctx.json(connect.complete(ctx.pathParam("id"))));
        config.routes.post(
                "/sandbox/accounts/{id}/payout",
                ctx -> ctx.json(connect.payout(ctx.pathParam("id"), "true".equals(ctx.queryParam("fail")))));
        config.routes.get("/checkout/{id}", this::checkoutPage);
        config.routes.post("/checkout/{id}", this::payFromPage);
        config.routes.post("/sandbox/sessions/{id}/pay", ctx -> {
            pay(ctx.pathParam("id"), ctx.formParam("email"));
            ctx.json(session(ctx.pathParam("id")));
        });
        config.routes.post("/sandbox/charges/{id}/dispute", this::dispute);
        config.routes.exception(BadRequestResponse.class, (e, ctx) -> stripeError(ctx, 400, e.getMessage()));
        config.routes.exception(NotFoundResponse.class, (e, ctx) -> stripeError(ctx, 404, e.getMessage()));
        config.routes.exception(UnauthorizedResponse.class, (e, ctx) -> stripeError(ctx, 401, e.getMessage()));
        config.routes.exception(
                io.javalin.http.InternalServerErrorResponse.class, (e, ctx) -> stripeError(ctx, 500, e.getMessage()));
    }

    private void authenticate(Context ctx) {
        String key = ctx.header("Authorization");
        if (key != null && key.startsWith("Basic ")) { // curl -u sk_test_...: as Stripe's docs show it
            try {
                key = "Bearer "
                        + new String(
                                        java.util.Base64.getDecoder()
                                                .decode(key.substring("Basic ".length())
                                                        .strip()),
                                        java.nio.charset.StandardCharsets.UTF_8)
                                .replaceFirst(":.*$", "");
            } catch (IllegalArgumentException e) {
                key = null;
            }
        }
        if (key == null || !key.startsWith("Bearer sk_")) {
            throw new UnauthorizedResponse("You did not provide an API key (Authorization: Bearer sk_test_...).");
        }
        requests.add(ctx.method() + " " + ctx.path() + (ctx.queryString() == null ? "" : "?" + ctx.queryString()) + " "
                + ctx.body() + " Idempotency-Key=" + ctx.header("Idempotency-Key"));
        if (ctx.method() == io.javalin.http.HandlerType.GET && failing.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new io.javalin.http.InternalServerErrorResponse("An unknown error occurred (an outage, injected)");
        }
        ctx.header("Request-Id", "req_" + id());
    }

    /** {@code POST /v1/checkout/sessions}: one line item priced inline, as Stagepass sends it. */
    private void createSession(Context ctx) throws Exception {
        String key = ctx.header("Idempotency-Key");
        if (key != null && idempotent.containsKey(key)) {
            ctx.contentType("application/json").result(idempotent.get(key)); // a retried request gets the same answer
            return;
        }
        Map<String, List<String>> form = ctx.formParamMap();
        if (!"payment".equals(Forms.one(form, "mode"))) {
            throw new BadRequestResponse("mode: only 'payment' is supported");
        }
        String success = require(form, "success_url");
        Map<String, String> price = Forms.under(form, "line_items[0][price_data]");
        String currency = price.get("currency");
        String unitAmount = price.get("unit_amount");
        if (currency == null || unitAmount == null || price.get("product_data][name") == null) {
            throw new BadRequestResponse(
                    "line_items[0][price_data]: currency, unit_amount and product_data[name] are required");
        }
        long quantity = Long.parseLong(Forms.under(form, "line_items[0]").getOrDefault("quantity", "1"));
        String destination = Forms.one(form, "payment_intent_data[transfer_data][destination]");
        String applicationFee = Forms.one(form, "payment_intent_data[application_fee_amount]");
        if (applicationFee != null && destination == null) {
            throw new BadRequestResponse(
                    "payment_intent_data[application_fee_amount] needs a transfer_data[destination]");
        }
        if (destination != null) {
            connect.requireChargeable(destination);
            long fee = applicationFee == null ? 0 : Long.parseLong(applicationFee);
            if (fee < 0 || fee > Long.parseLong(unitAmount) * quantity) {
                throw new BadRequestResponse("payment_intent_data[application_fee_amount]: between 0 and the amount");
            }
        }
        String id = "cs_test_" + id();
        if (destination != null) {
            sessionTransfers.put(
                    id, Map.of("destination", destination, "fee", applicationFee == null ? "0" : applicationFee));
        }
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("id", id);
        session.put("object", "checkout.session");
        session.put("amount_subtotal", Long.parseLong(unitAmount) * quantity);
        session.put("amount_total", Long.parseLong(unitAmount) * quantity);
        session.put("cancel_url", Forms.one(form, "cancel_url"));
        session.put("client_reference_id", Forms.one(form, "client_reference_id"));
        session.put("created", System.currentTimeMillis() / 1000);
        session.put("currency", currency.toLowerCase(Locale.ROOT));
        session.put("customer_details", null);
        session.put("customer_email", Forms.one(form, "customer_email"));
        session.put("livemode", false);
        session.put("metadata", Forms.under(form, "metadata"));
        session.put("mode", "payment");
        session.put("payment_intent", null);
        session.put("payment_status", "unpaid");
        session.put("status", "open");
        session.put("success_url", success);
        session.put("url", apiBase() + "/checkout/" + id);
        session.put("product_name", price.get("product_data][name"));
        sessions.put(id, session);
        String body = JSON.writeValueAsString(session);
        if (key != null) {
            idempotent.put(key, body);
        }
        ctx.contentType("application/json").result(body);
    }

    private void listSessions(Context ctx) {
        String intent = ctx.queryParam("payment_intent");
        List<Map<String, Object>> data = sessions.values().stream()
                .filter(s -> intent == null || intent.equals(s.get("payment_intent")))
                .toList();
        ctx.json(Map.of("object", "list", "url", "/v1/checkout/sessions", "has_more", false, "data", data));
    }

    /**
     * A payment intent with its latest charge and the charge's balance transaction; the charge's transfer and
     * application fee are ids unless {@code expand[]} asks for {@code latest_charge.transfer} or
     * {@code latest_charge.application_fee}.
     */
    @SuppressWarnings("unchecked")
    private void intent(Context ctx) {
        Map<String, Object> intent = intents.get(ctx.pathParam("id"));
        if (intent == null) {
            throw new NotFoundResponse("No such payment_intent: '" + ctx.pathParam("id") + "'");
        }
        List<String> expand = ctx.queryParamMap().entrySet().stream()
                .filter(e -> e.getKey().startsWith("expand["))
                .flatMap(e -> e.getValue().stream())
                .toList();
        Map<String, Object> answer = new LinkedHashMap<>(intent);
        // Not the sandbox's own lock: pay() and refunds hold it while their webhook is delivered, and ingest reads the
        // payment intent while handling that webhook.
        synchronized (connect) {
            Map<String, Object> charge = new LinkedHashMap<>((Map<String, Object>) intent.get("latest_charge"));
            if (expand.contains("latest_charge.transfer") && charge.get("transfer") != null) {
                charge.put("transfer", connect.transfer((String) charge.get("transfer")));
            }
            if (expand.contains("latest_charge.application_fee") && charge.get("application_fee") != null) {
                charge.put("application_fee", connect.fee((String) charge.get("application_fee")));
            }
            answer.put("latest_charge", charge);
            ctx.json(answer);
        }
    }

    /** {@code GET /v1/refunds?charge=ch_...}: a charge's refunds, newest first. */
    private void listRefunds(Context ctx) {
        String charge = ctx.queryParam("charge");
        List<Map<String, Object>> data = refunds.values().stream()
                .filter(r -> charge == null || charge.equals(r.get("charge")))
                .sorted((a, b) -> Long.compare((Long) b.get("created_seq"), (Long) a.get("created_seq")))
                .map(r -> {
                    Map<String, Object> shown = new LinkedHashMap<>(r);
                    shown.remove("created_seq");
                    return shown;
                })
                .toList();
        ctx.json(Connect.list("/v1/refunds", data));
    }

    /** Answers a retried request (same Idempotency-Key) with what it answered the first time, as Stripe does. */
    private void idempotent(Context ctx, java.util.function.Supplier<Map<String, Object>> create) throws Exception {
        String key = ctx.header("Idempotency-Key");
        String slot = key == null ? null : ctx.path() + "|" + key;
        synchronized (idempotent) {
            if (slot != null && idempotent.containsKey(slot)) {
                ctx.contentType("application/json").result(idempotent.get(slot));
                return;
            }
            String body = JSON.writeValueAsString(create.get());
            if (slot != null) {
                idempotent.put(slot, body);
            }
            ctx.contentType("application/json").result(body);
        }
    }

    /** The hosted checkout page a buyer is sent to: the price and a pay button (a sandbox: nothing is charged). */
    private void checkoutPage(Context ctx) {
        Map<String, Object> session = session(ctx.pathParam("id"));
        String amount = new BigDecimal((Long) session.get("amount_total"))
                .movePointLeft(Currency.getInstance(((String) session.get("currency")).toUpperCase(Locale.ROOT))
                        .getDefaultFractionDigits())
                .toPlainString();
        ctx.html("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Pay · Stripe sandbox</title>
                <style>body{font:16px system-ui;background:#f6f9fc;margin:0}main{max-width:420px;margin:10vh auto;background:#fff;padding:32px;border-radius:8px;box-shadow:0 2px 12px #0002}
                .sandbox{background:#ffd84d;padding:4px 8px;border-radius:4px;font-size:12px;font-weight:700}button{width:100%%;padding:12px;background:#635bff;color:#fff;border:0;border-radius:6px;font-size:16px}
                input{width:100%%;padding:10px;margin:12px 0;box-sizing:border-box}</style></head><body><main>
                <span class="sandbox">STRIPE SANDBOX · no money moves</span><h1>%s</h1><p><strong>%s %s</strong></p>
                <form method="post"><input name="email" type="email" placeholder="you@example.com" value="%s"><button id="pay" type="submit">Pay</button></form>
                </main></body></html>""".formatted(
                        escape((String) session.get("product_name")),
                        amount,
                        ((String) session.get("currency")).toUpperCase(Locale.ROOT),
                        session.get("customer_email") == null ? "" : escape((String) session.get("customer_email"))));
    }

    private void payFromPage(Context ctx) {
        String id = ctx.pathParam("id");
        pay(id, ctx.formParam("email"));
        String success = ((String) session(id).get("success_url")).replace("{CHECKOUT_SESSION_ID}", id);
        ctx.redirect(success, HttpStatus.SEE_OTHER);
    }

    /** Pays an open session: a payment intent, a charge, a balance transaction, then checkout.session.completed. */
    public synchronized void pay(String sessionId, String email) {
        Map<String, Object> session = session(sessionId);
        if (!"open".equals(session.get("status"))) {
            return; // paying twice pays once
        }
        long amount = (Long) session.get("amount_total");
        String currency = (String) session.get("currency");
        String intentId = "pi_" + id();
        String chargeId = "ch_" + id();
        Account.Settlement settled = account.settle(amount, currency);
        Map<String, Object> balance = new LinkedHashMap<>();
        balance.put("id", "txn_" + id());
        balance.put("object", "balance_transaction");
        balance.put("amount", settled.amount());
        balance.put("currency", settled.currency().toLowerCase(Locale.ROOT));
        balance.put(
                "exchange_rate",
                settled.rateMillionths() == null
                        ? null
                        : BigDecimal.valueOf(settled.rateMillionths(), 6).stripTrailingZeros());
        balance.put("fee", settled.fee());
        balance.put("net", settled.net());
        balance.put("type", "charge");
        Map<String, Object> charge = new LinkedHashMap<>();
        charge.put("id", chargeId);
        charge.put("object", "charge");
        charge.put("amount", amount);
        charge.put("amount_refunded", 0L);
        charge.put("balance_transaction", balance);
        charge.put("currency", currency);
        charge.put("paid", true);
        charge.put("payment_intent", intentId);
        charge.put("refunded", false);
        Map<String, String> transfer = sessionTransfers.get(sessionId);
        if (transfer != null) {
            long fee = Long.parseLong(transfer.get("fee"));
            long settledFee = settled.rateMillionths() == null
                    ? fee
                    : Account.convert(fee, currency.toUpperCase(Locale.ROOT), settled.currency());
            charge.put("application_fee_amount", fee);
            connect.destinationCharge(charge, transfer.get("destination"), settled.amount(), settledFee, intentId);
        }
        Map<String, Object> intent = new LinkedHashMap<>();
        intent.put("id", intentId);
        intent.put("object", "payment_intent");
        intent.put("amount", amount);
        intent.put("currency", currency);
        intent.put("latest_charge", charge);
        intent.put("status", "succeeded");
        intents.put(intentId, intent);
        String buyer = email != null && !email.isBlank() ? email : (String) session.get("customer_email");
        session.put("customer_details", buyer == null ? null : Map.of("email", buyer));
        session.put("payment_intent", intentId);
        session.put("payment_status", "paid");
        session.put("status", "complete");
        send("checkout.session.completed", session, null, null);
    }

    /** {@code POST /v1/refunds}: refunds a payment intent's charge, in full or in part; then charge.refunded. */
    private synchronized void refund(Context ctx) {
        Map<String, List<String>> form = ctx.formParamMap();
        Map<String, Object> intent = intents.get(require(form, "payment_intent"));
        if (intent == null) {
            throw new NotFoundResponse("No such payment_intent: '" + Forms.one(form, "payment_intent") + "'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> charge = (Map<String, Object>) intent.get("latest_charge");
        long before = (Long) charge.get("amount_refunded");
        long left = (Long) charge.get("amount") - before;
        long amount = Forms.one(form, "amount") == null ? left : Long.parseLong(Forms.one(form, "amount"));
        if (amount <= 0 || amount > left) {
            throw new BadRequestResponse("amount: at most " + left + " is left to refund");
        }
        charge.put("amount_refunded", before + amount);
        charge.put("refunded", before + amount == (Long) charge.get("amount"));
        Map<String, Object> refund = new LinkedHashMap<>();
        refund.put("id", "re_" + id());
        refund.put("object", "refund");
        refund.put("amount", amount);
        refund.put("charge", charge.get("id"));
        refund.put("currency", charge.get("currency"));
        refund.put("payment_intent", intent.get("id"));
        refund.put("status", "succeeded");
        refund.put("created", System.currentTimeMillis() / 1000);
        refund.put("transfer_reversal", null);
        if ("true".equals(Forms.one(form, "reverse_transfer")) && charge.get("transfer") != null) {
            // Stripe reverses a destination charge's transfer in proportion to the refund (the rest, on the last one).
            Map<String, Object> transfer = connect.transfer((String) charge.get("transfer"));
            long total = (Long) transfer.get("amount");
            long unreversed = total - (Long) transfer.get("amount_reversed");
            long chargeAmount = (Long) charge.get("amount");
            long share = before + amount == chargeAmount
                    ? unreversed
                    : Math.min(unreversed, (total * amount * 2 + chargeAmount) / (2 * chargeAmount));
            if (share > 0) {
                Map<String, Object> reversal = connect.reverse(
                        (String) charge.get("transfer"),
                        share,
                        "true".equals(Forms.one(form, "refund_application_fee")),
                        new LinkedHashMap<>(),
                        (String) refund.get("id"));
                refund.put("transfer_reversal", reversal.get("id"));
            }
        }
        Map<String, Object> stored = new LinkedHashMap<>(refund);
        stored.put("created_seq", refundSequence++);
        refunds.put((String) refund.get("id"), stored);
        Map<String, Object> sent = new LinkedHashMap<>(charge);
        sent.put(
                "balance_transaction",
                ((Map<?, ?>) charge.get("balance_transaction")).get("id")); // not expanded in events
        send("charge.refunded", sent, Map.of("amount_refunded", before, "refunded", false), null);
        ctx.json(refund);
    }

    /** {@code POST /sandbox/charges/{id}/dispute?status=needs_response|won|lost}: opens or closes a dispute. */
    private synchronized void dispute(Context ctx) {
        String chargeId = ctx.pathParam("id");
        Map<String, Object> intent = intents.values().stream()
                .filter(i -> chargeId.equals(((Map<?, ?>) i.get("latest_charge")).get("id")))
                .findFirst()
                .orElseThrow(() -> new NotFoundResponse("No such charge: '" + chargeId + "'"));
        String status = ctx.queryParamAsClass("status", String.class).getOrDefault("needs_response");
        Map<String, Object> dispute = new LinkedHashMap<>();
        dispute.put("id", "dp_" + chargeId.substring(3));
        dispute.put("object", "dispute");
        dispute.put("amount", intent.get("amount"));
        dispute.put("charge", chargeId);
        dispute.put("currency", intent.get("currency"));
        dispute.put("payment_intent", intent.get("id"));
        dispute.put("reason", "fraudulent");
        dispute.put("status", status);
        send(
                status.equals("won") || status.equals("lost") ? "charge.dispute.closed" : "charge.dispute.created",
                dispute,
                null,
                null);
        ctx.json(dispute);
    }

    private Map<String, Object> session(String id) {
        Map<String, Object> session = sessions.get(id);
        if (session == null) {
            throw new NotFoundResponse("No such checkout.session: '" + id + "'");
        }
        return session;
    }

    private void send(String type, Map<String, Object> object, String account) {
        send(type, object, null, account);
    }

    /**
     * Sends an event as Stripe does: signed, retried every 2 s until a 2xx (Stripe retries for three days). An event on
     * a connected account ({@code account} set) goes to the Connect endpoint, signed with its secret.
     */
    private void send(String type, Map<String, Object> object, Map<String, Object> previous, String account) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("object", object);
        if (previous != null) {
            data.put("previous_attributes", previous);
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", "evt_" + id());
        event.put("object", "event");
        if (account != null) {
            event.put("account", account);
        }
        event.put("api_version", Stripe.API_VERSION);
        event.put("created", System.currentTimeMillis() / 1000);
        event.put("data", data);
        event.put("livemode", false);
        event.put("pending_webhooks", 1);
        event.put("request", Map.of("id", "req_" + id()));
        event.put("type", type);
        String payload;
        try {
            payload = JSON.writeValueAsString(event);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        List<String> urls = account == null ? webhookUrls : connectWebhookUrls;
        String secret = account == null ? webhookSecret : connectWebhookSecret;
        if (urls.isEmpty()) {
            LOG.warn("Connect event {} on {} not sent: no Connect webhook endpoint", type, account);
            return;
        }
        String objectId = String.valueOf(object.get("id"));
        if (!duplicateAndShuffle) {
            deliver(type, objectId, payload, urls, secret, 1);
            return;
        }
        for (int copy = 0; copy < 2; copy++) {
            retries.schedule(
                    () -> deliver(type, objectId, payload, urls, secret, 1),
                    random.nextInt(1500),
                    TimeUnit.MILLISECONDS);
        }
    }

    /**
     * A webhook ingest acknowledged: its type, the id of its object (the Checkout Session of a checkout event), and
     * when the 2xx came back ({@link System#nanoTime()}), for measuring what happens after it.
     */
    public record Delivery(String type, String objectId, long acknowledgedNanos) {}

    /** Every webhook acknowledged so far, in order. */
    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    private void deliver(String type, String objectId, String payload, List<String> urls, String secret, int attempt) {
        try {
            HttpResponse<String> answer = http.send(
                    HttpRequest.newBuilder(URI.create(urls.get((attempt - 1) % urls.size())))
                            .timeout(Duration.ofSeconds(10))
                            .header("Content-Type", "application/json; charset=utf-8")
                            .header("Stripe-Signature", Webhook.Signature.generateSignatureHeader(payload, secret))
                            .POST(HttpRequest.BodyPublishers.ofString(payload))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 == 2) {
                deliveries.add(new Delivery(type, objectId, System.nanoTime()));
                return;
            }
            LOG.warn("webhook {} answered {} (attempt {}): {}", type, answer.statusCode(), attempt, answer.body());
        } catch (Exception e) {
            LOG.warn("webhook {} not delivered (attempt {}): {}", type, attempt, e.toString());
        }
        if (attempt < WEBHOOK_ATTEMPTS) {
            retries.schedule(
                    () -> deliver(type, objectId, payload, urls, secret, attempt + 1),
                    WEBHOOK_RETRY.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
    }

    static String require(Map<String, List<String>> form, String key) {
        String value = Forms.one(form, key);
        if (value == null) {
            throw new BadRequestResponse(key + " is required");
        }
        return value;
    }

    private static void stripeError(Context ctx, int status, String message) {
        ctx.status(status)
                .json(Map.of(
                        "error",
                        Map.of(
                                "type",
                                status == 401
                                        ? "authentication_error"
                                        : status >= 500 ? "api_error" : "invalid_request_error",
                                "message",
                                message == null ? "" : message)));
    }

    static String id() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    }

    private static String escape(String text) {
        return text == null
                ? ""
                : text.replace("&", "&amp;")
                        .replace("<", "&lt;")
                        .replace(">", "&gt;")
                        .replace("\"", "&quot;");
    }

    @Override
    public void close() {
        retries.shutdownNow();
        server.close();
    }
}
