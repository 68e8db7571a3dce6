package io.stagepass.sandbox.stripe;

import io.javalin.http.BadRequestResponse;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox's Stripe Connect: Express accounts, account links to a hosted onboarding page, the transfers and
 * application fees of destination charges, transfer reversals (with their proportional application fee refunds),
 * transfers back to an account, and payouts of an account's balance. Connect's own events ({@code account.updated},
 * {@code payout.paid}, {@code payout.failed}) carry the connected account in their {@code account} field and go to the
 * Connect webhook endpoint, signed with its own secret, as Stripe sends them. Amounts are integers in the platform's
 * settlement currency; the proportions are rounded half up, and the last reversal of a transfer takes what is left.
 */
final class Connect {
    /** Sends an event: type, object, the connected account it happened on (null: the platform's own). */
    interface Events {
        void send(String type, Map<String, Object> object, String account);
    }

    private static final Duration LINK_LIFETIME = Duration.ofMinutes(5);
    private static final List<String> ONBOARDING_DUE = List.of(
            "business_profile.url",
            "external_account",
            "individual.first_name",
            "individual.last_name",
            "tos_acceptance.date");

    private final Events events;
    private final java.util.function.Supplier<String> baseUrl;
    private final String settlementCurrency;
    final Map<String, Map<String, Object>> accounts = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Object>> links = new ConcurrentHashMap<>();
    final Map<String, Map<String, Object>> transfers = new ConcurrentHashMap<>();
    final Map<String, Map<String, Object>> fees = new ConcurrentHashMap<>();
    private final Map<String, Long> balances = new ConcurrentHashMap<>();

    Connect(Events events, java.util.function.Supplier<String> baseUrl, String settlementCurrency) {
        this.events = events;
        this.baseUrl = baseUrl;
        this.settlementCurrency = settlementCurrency.toLowerCase(Locale.ROOT);
    }

    /** {@code POST /v1/accounts}: an Express account, not yet onboarded. */
    Map<String, Object> createAccount(Map<String, List<String>> form) {
        String type = Forms.one(form, "type");
        if (type != null && !type.equals("express")) {
            throw new BadRequestResponse("type: the sandbox makes 'express' accounts only");
        }
        Map<String, Object> account = new LinkedHashMap<>();
        String id = "acct_" + StripeSandbox.id().substring(0, 16);
        account.put("id", id);
        account.put("object", "account");
        account.put("business_type", null);
        account.put("charges_enabled", false);
        account.put("country", Forms.one(form, "country") == null ? "DE" : Forms.one(form, "country"));
        account.put("created", System.currentTimeMillis() / 1000);
        account.put("default_currency", settlementCurrency);
        account.put("details_submitted", false);
        account.put("email", Forms.one(form, "email"));
        account.put("metadata", Forms.under(form, "metadata"));
        account.put("payouts_enabled", false);
        account.put("requirements", requirements(ONBOARDING_DUE, "requirements.past_due"));
        account.put("type", "express");
        accounts.put(id, account);
        balances.put(id, 0L);
        return account;
    }

    Map<String, Object> account(String id) {
        Map<String, Object> account = accounts.get(id);
        if (account == null) {
            throw new NotFoundResponse("No such account: '" + id + "'");
        }
        return account;
    }

    /** {@code POST /v1/account_links}: a single-use link to the hosted onboarding page, valid for five minutes. */
    Map<String, Object> createLink(Map<String, List<String>> form) {
        Map<String, Object> account = account(StripeSandbox.require(form, "account"));
        if (!"account_onboarding".equals(Forms.one(form, "type"))) {
            throw new BadRequestResponse("type: only 'account_onboarding' is supported");
        }
        String refresh = StripeSandbox.require(form, "refresh_url");
        String ret = StripeSandbox.require(form, "return_url");
        String token = StripeSandbox.id();
        long now = System.currentTimeMillis() / 1000;
        Map<String, Object> link = new LinkedHashMap<>();
        link.put("object", "account_link");
        link.put("created", now);
        link.put("expires_at", now + LINK_LIFETIME.toSeconds());
        link.put("url", baseUrl.get() + "/connect/onboarding/" + token);
        links.put(
                token,
                Map.of(
                        "account",
                        account.get("id"),
                        "refresh_url",
                        refresh,
                        "return_url",
                        ret,
                        "expires_at",
                        now + LINK_LIFETIME.toSeconds(),
                        "used",
                        new boolean[1]));
        return link;
    }

    /** The hosted onboarding page. A used or expired link sends the creator to the refresh URL, as Stripe does. */
    void onboardingPage(Context ctx) {
        Map<String, Object> link = links.get(ctx.pathParam("token"));
        if (link == null) {
            throw new NotFoundResponse("No such account link");
        }
        boolean[] used = (boolean[]) link.get("used");
        synchronized (used) {
            if (used[0] || System.currentTimeMillis() / 1000 > (Long) link.get("expires_at")) {
                ctx.redirect((String) link.get("refresh_url"), HttpStatus.SEE_OTHER);
                return;
            }
            used[0] = true;
        }
        Map<String, Object> account = account((String) link.get("account"));
        ctx.html("""
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Set up payouts · Stripe sandbox</title>
                <style>body{font:16px system-ui;background:#f6f9fc;margin:0}main{max-width:460px;margin:8vh auto;background:#fff;padding:32px;border-radius:8px;box-shadow:0 2px 12px #0002}
                .sandbox{background:#ffd84d;padding:4px 8px;border-radius:4px;font-size:12px;font-weight:700}label{display:block;margin-top:12px;font-size:14px}
                input{width:100%%;padding:10px;margin:4px 0;box-sizing:border-box}button{width:100%%;margin-top:20px;padding:12px;background:#635bff;color:#fff;border:0;border-radius:6px;font-size:16px}</style></head><body><main>
                <span class="sandbox">STRIPE SANDBOX · Express onboarding · nothing is verified</span><h1>Get paid by Stagepass</h1>
                <p>Account <code>%s</code> (%s)</p>
                <form method="post" action="/connect/onboarding/%s/submit">
                <label>Legal name <input name="name" value="Test Creator" required></label>
                <label>Bank account (IBAN) <input name="iban" value="DE89370400440532013000" required></label>
                <button id="submit" type="submit">Agree and submit</button></form>
                </main></body></html>""".formatted(account.get("id"), String.valueOf(account.get("country")), ctx.pathParam("token")));
    }

    /** The onboarding form sent: the account can take charges and be paid out; account.updated goes to Connect. */
    void submitOnboarding(Context ctx) {
        Map<String, Object> link = links.get(ctx.pathParam("token"));
        if (link == null) {
            throw new NotFoundResponse("No such account link");
        }
        if (ctx.formParam("iban") == null || ctx.formParam("iban").isBlank()) {
            throw new BadRequestResponse("iban: required");
        }
        complete((String) link.get("account"));
        ctx.redirect((String) link.get("return_url"), HttpStatus.SEE_OTHER);
    }

    /** Marks an account onboarded (the hosted form, or {@code POST /sandbox/accounts/{id}/onboard}). */
    synchronized Map<String, Object> complete(String accountId) {
        Map<String, Object> account = account(accountId);
        if (Boolean.TRUE.equals(account.get("charges_enabled"))) {
            return account;
        }
        account.put("details_submitted", true);
        account.put("charges_enabled", true);
        account.put("payouts_enabled", true);
        account.put("requirements", requirements(List.of(), null));
        events.send("account.updated", account, accountId);
        return account;
    }

    /** Whether a destination charge may name this account. */
    void requireChargeable(String accountId) {
        Map<String, Object> account = accounts.get(accountId);
        if (account == null) {
            throw new BadRequestResponse(
                    "payment_intent_data[transfer_data][destination]: No such destination: '" + accountId + "'");
        }
        if (!Boolean.TRUE.equals(account.get("charges_enabled"))) {
            throw new BadRequestResponse("Your destination account needs to have at least one of the following "
                    + "capabilities enabled: transfers, crypto_transfers, legacy_payments");
        }
    }

    /**
     * A destination charge paid: the whole settled amount is transferred to the account, and the application fee
     * collected from it.
     */
    synchronized void destinationCharge(
            Map<String, Object> charge, String destination, long settledAmount, long settledFee, String intentId) {
        Map<String, Object> transfer =
                transfer(settledAmount, destination, (String) charge.get("id"), "group_" + intentId);
        charge.put("transfer", transfer.get("id"));
        charge.put("transfer_data", Map.of("destination", destination));
        charge.put("transfer_group", transfer.get("transfer_group"));
        charge.put("application_fee_amount", charge.get("application_fee_amount"));
        if (settledFee > 0) {
            Map<String, Object> fee = new LinkedHashMap<>();
            String id = "fee_" + StripeSandbox.id();
            fee.put("id", id);
            fee.put("object", "application_fee");
            fee.put("account", destination);
            fee.put("amount", settledFee);
            fee.put("amount_refunded", 0L);
            fee.put("charge", charge.get("id"));
            fee.put("currency", settlementCurrency);
            fee.put("refunded", false);
            fees.put(id, fee);
            balances.merge(destination, -settledFee, Long::sum);
            charge.put("application_fee", id);
        } else {
            charge.put("application_fee", null);
        }
    }

    private Map<String, Object> transfer(long amount, String destination, String sourceTransaction, String group) {
        if (amount <= 0) {
            throw new BadRequestResponse("amount: must be positive");
        }
        account(destination);
        Map<String, Object> transfer = new LinkedHashMap<>();
        String id = "tr_" + StripeSandbox.id();
        transfer.put("id", id);
        transfer.put("object", "transfer");
        transfer.put("amount", amount);
        transfer.put("amount_reversed", 0L);
        transfer.put("created", System.currentTimeMillis() / 1000);
        transfer.put("currency", settlementCurrency);
        transfer.put("destination", destination);
        transfer.put("metadata", new LinkedHashMap<String, String>());
        transfer.put("reversals", list("/v1/transfers/" + id + "/reversals", new ArrayList<>()));
        transfer.put("reversed", false);
        transfer.put("source_transaction", sourceTransaction);
        transfer.put("transfer_group", group);
        transfers.put(id, transfer);
        balances.merge(destination, amount, Long::sum);
        return transfer;
    }

    /** {@code POST /v1/transfers}: a transfer from the platform's balance to a connected account. */
    Map<String, Object> createTransfer(Map<String, List<String>> form) {
        String currency = StripeSandbox.require(form, "currency").toLowerCase(Locale.ROOT);
        if (!currency.equals(settlementCurrency)) {
            throw new BadRequestResponse("currency: the platform's balance is in " + settlementCurrency);
        }
        Map<String, Object> transfer;
        synchronized (this) {
            transfer = transfer(
                    Long.parseLong(StripeSandbox.require(form, "amount")),
                    StripeSandbox.require(form, "destination"),
                    Forms.one(form, "source_transaction"),
                    Forms.one(form, "transfer_group"));
        }
        @SuppressWarnings("unchecked")
        Map<String, String> metadata = (Map<String, String>) transfer.get("metadata");
        metadata.putAll(Forms.under(form, "metadata"));
        return transfer;
    }

    Map<String, Object> transfer(String id) {
        Map<String, Object> transfer = transfers.get(id);
        if (transfer == null) {
            throw new NotFoundResponse("No such transfer: '" + id + "'");
        }
        return transfer;
    }

    /** {@code GET /v1/transfers?transfer_group=...}. */
    Map<String, Object> listTransfers(String group, String destination) {
        List<Map<String, Object>> data = transfers.values().stream()
                .filter(t -> group == null || group.equals(t.get("transfer_group")))
                .filter(t -> destination == null || destination.equals(t.get("destination")))
                .toList();
        return list("/v1/transfers", data);
    }

    /** {@code POST /v1/transfers/{id}/reversals}. */
    Map<String, Object> createReversal(String transferId, Map<String, List<String>> form) {
        String amount = Forms.one(form, "amount");
        return reverse(
                transferId,
                amount == null ? null : Long.parseLong(amount),
                "true".equals(Forms.one(form, "refund_application_fee")),
                Forms.under(form, "metadata"),
                null);
    }

    /**
     * Reverses {@code amount} of a transfer (null: what is left), refunding the application fee in proportion when
     * asked (all of what is left of it once the transfer is wholly reversed).
     */
    synchronized Map<String, Object> reverse(
            String transferId, Long amount, boolean refundFee, Map<String, String> metadata, String sourceRefund) {
        Map<String, Object> transfer = transfer(transferId);
        long total = (Long) transfer.get("amount");
        long reversedBefore = (Long) transfer.get("amount_reversed");
        long left = total - reversedBefore;
        long reversal = amount == null ? left : amount;
        if (reversal <= 0 || reversal > left) {
            throw new BadRequestResponse("amount: at most " + left + " is left to reverse on " + transferId);
        }
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("id", "trr_" + StripeSandbox.id());
        created.put("object", "transfer_reversal");
        created.put("amount", reversal);
        created.put("created", System.currentTimeMillis() / 1000);
        created.put("currency", transfer.get("currency"));
        created.put("metadata", metadata);
        created.put("source_refund", sourceRefund);
        created.put("transfer", transferId);
        transfer.put("amount_reversed", reversedBefore + reversal);
        transfer.put("reversed", reversedBefore + reversal == total);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> reversals =
                (List<Map<String, Object>>) ((Map<String, Object>) transfer.get("reversals")).get("data");
        reversals.add(created);
        String destination = (String) transfer.get("destination");
        balances.merge(destination, -reversal, Long::sum);
        if (refundFee) {
            fees.values().stream()
                    .filter(f -> f.get("charge") != null && f.get("charge").equals(transfer.get("source_transaction")))
                    .findFirst()
                    .ifPresent(fee -> {
                        long feeAmount = (Long) fee.get("amount");
                        long feeRefunded = (Long) fee.get("amount_refunded");
                        long share = reversedBefore + reversal == total
                                ? feeAmount - feeRefunded
                                : Math.min(feeAmount - feeRefunded, (feeAmount * reversal * 2 + total) / (2 * total));
                        fee.put("amount_refunded", feeRefunded + share);
                        fee.put("refunded", feeRefunded + share == feeAmount);
                        balances.merge(destination, share, Long::sum);
                    });
        }
        return created;
    }

    /** {@code GET /v1/transfers/{id}/reversals}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> listReversals(String transferId) {
        return (Map<String, Object>) transfer(transferId).get("reversals");
    }

    Map<String, Object> fee(String id) {
        Map<String, Object> fee = fees.get(id);
        if (fee == null) {
            throw new NotFoundResponse("No such application fee: '" + id + "'");
        }
        return fee;
    }

    /**
     * {@code POST /sandbox/accounts/{id}/payout}: pays the account's whole balance out ({@code payout.paid}), or fails
     * to ({@code payout.failed}, the balance stays) when {@code fail} is set.
     */
    synchronized Map<String, Object> payout(String accountId, boolean fail) {
        account(accountId);
        long balance = balances.getOrDefault(accountId, 0L);
        if (balance <= 0) {
            throw new BadRequestResponse("the account's balance is " + balance + ": nothing to pay out");
        }
        Map<String, Object> payout = new LinkedHashMap<>();
        long now = System.currentTimeMillis() / 1000;
        payout.put("id", "po_" + StripeSandbox.id());
        payout.put("object", "payout");
        payout.put("amount", balance);
        payout.put("arrival_date", now + 2 * 86_400);
        payout.put("created", now);
        payout.put("currency", settlementCurrency);
        payout.put("failure_code", fail ? "account_closed" : null);
        payout.put("failure_message", fail ? "The bank account has been closed." : null);
        payout.put("status", fail ? "failed" : "paid");
        payout.put("type", "bank_account");
        if (!fail) {
            balances.put(accountId, 0L);
        }
        events.send(fail ? "payout.failed" : "payout.paid", payout, accountId);
        return payout;
    }

    /** {@code GET /v1/balance} with {@code Stripe-Account}: a connected account's balance (all of it available). */
    Map<String, Object> balance(String accountId) {
        account(accountId);
        long amount = balances.getOrDefault(accountId, 0L);
        return Map.of(
                "object",
                "balance",
                "livemode",
                false,
                "available",
                List.of(Map.of("amount", amount, "currency", settlementCurrency)),
                "pending",
                List.of(Map.of("amount", 0L, "currency", settlementCurrency)));
    }

    private static Map<String, Object> requirements(List<String> due, String disabledReason) {
        Map<String, Object> requirements = new LinkedHashMap<>();
        requirements.put("currently_due", due);
        requirements.put("eventually_due", due);
        requirements.put("past_due", due);
        requirements.put("disabled_reason", disabledReason);
        return requirements;
    }

    static Map<String, Object> list(String url, List<Map<String, Object>> data) {
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("object", "list");
        list.put("data", data);
        list.put("has_more", false);
        list.put("url", url);
        return list;
    }
}
