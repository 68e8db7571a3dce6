package io.stagepass.replay.payouts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.StripeException;
import com.stripe.model.Account;
import com.stripe.model.AccountLink;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.Creator;
import io.stagepass.events.Earnings;
import io.stagepass.events.Live;
import io.stagepass.events.Money;
import io.stagepass.events.Payout;
import io.stagepass.events.PayoutAccount;
import io.stagepass.events.PayoutEventType;
import io.stagepass.events.PlatformFeeOverride;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.views.KeyHashIndex;
import io.stagepass.platform.views.TopicView;
import io.stagepass.replay.Links;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.CreatorAuth;
import io.stagepass.replay.views.CreatorEarnings;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.PayoutAccounts;
import io.stagepass.replay.views.Payouts;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creators get paid. {@code GET /v1/creator/payouts} says where their Stripe Connect account stands; {@code POST
 * /v1/creator/payouts/onboarding} makes the account (once) and answers a fresh link to Stripe's hosted onboarding, which
 * comes back to {@code /payouts/return} (or {@code /payouts/refresh} for an expired link: the dashboard makes a new
 * one). {@code GET /v1/creator/earnings} is what they are paid, per live and overall, with their payouts; {@code GET
 * /v1/creator/statements/{yyyy-MM}} is a month's lines as CSV. {@code GET /v1/operator/fees}, with the operator's
 * key, is what the platform earned in fees, per currency and creator.
 */
public final class PayoutRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(PayoutRoutes.class);
    private static final Duration READ_YOUR_WRITE = Duration.ofSeconds(5);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CSV_HEADER = "date,live_id,live_title,ticket_id,event,charge_currency,currency,"
            + "gross_minor,refunds_minor,disputes_minor,platform_fee_minor,transferred_minor,reversed_minor,"
            + "earnings_minor\n";

    private final CreatorAuth auth;
    private final PayoutAccounts accounts;
    private final CreatorEarnings earnings;
    private final Payouts payouts;
    private final Lives lives;
    private final KeyHashIndex<Creator> creators;
    private final ConnectAccounts connect;
    private final Catalog catalog;
    private final TopicView views;
    private final Links links;
    private final PlatformFee fee;
    private final byte[] operatorKey;
    private final boolean livemode;

    public PayoutRoutes(
            CreatorAuth auth,
            PayoutAccounts accounts,
            CreatorEarnings earnings,
            Payouts payouts,
            Lives lives,
            KeyHashIndex<Creator> creators,
            ConnectAccounts connect,
            Catalog catalog,
            TopicView views,
            Links links,
            PlatformFee fee,
            String operatorKey,
            boolean livemode) {
        this.auth = auth;
        this.accounts = accounts;
        this.earnings = earnings;
        this.payouts = payouts;
        this.lives = lives;
        this.creators = creators;
        this.connect = connect;
        this.catalog = catalog;
        this.views = views;
        this.links = links;
        this.fee = fee;
        this.operatorKey = operatorKey.getBytes(StandardCharsets.UTF_8);
        this.livemode = livemode;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/v1/creator/payouts", ctx -> ctx.json(status(auth.creator(ctx))));
        config.routes.post("/v1/creator/payouts/onboarding", this::onboarding);
        config.routes.get("/payouts/return", ctx -> backToDashboard(ctx, "returned"));
        config.routes.get("/payouts/refresh", ctx -> backToDashboard(ctx, "refresh"));
        config.routes.get(
                "/v1/creator/earnings",
                ctx -> ctx.header("Cache-Control", "no-store").json(earnings(auth.creator(ctx))));
        config.routes.get("/v1/creator/statements/{month}", this::statement);
        config.routes.get("/v1/operator/fees", this::fees);
        config.routes.put("/v1/operator/creators/{creatorId}/platform-fee", this::setFee);
        config.routes.delete("/v1/operator/creators/{creatorId}/platform-fee", this::setFee);
    }

    /** Where the creator's payouts stand, in words the dashboard shows. */
    Map<String, Object> status(Creator creator) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("creatorId", creator.getCreatorId());
        PayoutAccount account = accounts.of(creator.getCreatorId()).orElse(null);
        String state;
        if (account == null) {
            state = "not_started";
        } else if (account.getChargesEnabled() && account.getPayoutsEnabled()) {
            state = "enabled";
        } else if (account.getChargesEnabled()) {
            state = "payouts_paused";
        } else {
            state = account.getDetailsSubmitted() ? "in_review" : "onboarding";
        }
        body.put("status", state);
        body.put("canSell", account != null && account.getChargesEnabled());
        body.put(
                "detail",
                switch (state) {
                    case "not_started" ->
                        "Set up payouts with Stripe to sell tickets: buyers pay you through Stripe, less the "
                                + "platform fee.";
                    case "onboarding" -> "Stripe still needs some details from you before your tickets can go on sale.";
                    case "in_review" -> "Stripe is checking your details; your tickets go on sale once it has.";
                    case "payouts_paused" ->
                        "Your tickets are on sale; Stripe holds your payouts until it has what it needs.";
                    default -> "Your tickets are on sale and Stripe pays your balance out to your bank.";
                });
        if (account != null) {
            body.put("stripeAccountId", account.getStripeAccountId());
            body.put("chargesEnabled", account.getChargesEnabled());
            body.put("payoutsEnabled", account.getPayoutsEnabled());
            body.put("detailsSubmitted", account.getDetailsSubmitted());
            body.put("currentlyDue", List.copyOf(account.getCurrentlyDue()));
            body.put("disabledReason", account.getDisabledReason());
        }
        body.put("platformFee", fee.forCreator(creator).describe(creator.getDefaultCurrency()) + " per ticket");
        return body;
    }

    private void onboarding(Context ctx) throws InterruptedException {
        Creator creator = auth.creator(ctx);
        String accountId;
        try {
            PayoutAccount known = accounts.of(creator.getCreatorId()).orElse(null);
            if (known != null) {
                accountId = known.getStripeAccountId();
            } else {
                Account made = connect.create(creator);
                accountId = made.getId();
                RecordMetadata written = catalog.payoutAccountCreated(PayoutAccount.newBuilder()
                        .setCreatorId(creator.getCreatorId())
                        .setStripeAccountId(made.getId())
                        .setDetailsSubmitted(Boolean.TRUE.equals(made.getDetailsSubmitted()))
                        .setChargesEnabled(Boolean.TRUE.equals(made.getChargesEnabled()))
                        .setPayoutsEnabled(Boolean.TRUE.equals(made.getPayoutsEnabled()))
                        .setCurrentlyDue(
                                made.getRequirements() == null
                                                || made.getRequirements().getCurrentlyDue() == null
                                        ? List.of()
                                        : List.copyOf(made.getRequirements().getCurrentlyDue()))
                        .setDefaultCurrency(
                                made.getDefaultCurrency() == null
                                        ? null
                                        : Money.requireCurrency(made.getDefaultCurrency()))
                        .setLivemode(livemode));
                views.awaitApplied(written, READ_YOUR_WRITE);
            }
            AccountLink link = connect.onboardingLink(
                    accountId, links.api() + "/payouts/refresh", links.api() + "/payouts/return");
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("stripeAccountId", accountId);
            body.put("url", link.getUrl());
            body.put("expiresAt", Instant.ofEpochSecond(link.getExpiresAt()));
            body.put("detail", "single use: open it now; a new one is made each time");
            ctx.status(HttpStatus.CREATED).header("Cache-Control", "no-store").json(body);
        } catch (StripeException e) {
            LOG.warn(
                    "payouts onboarding for {}: Stripe refused or did not answer: {}",
                    creator.getCreatorId(),
                    e.getMessage());
            throw new HttpResponseException(
                    HttpStatus.BAD_GATEWAY.getCode(),
                    "Stripe did not answer the payouts set-up (" + e.getMessage() + "): try again");
        }
    }

    /**
     * Stripe sends the creator back here. The session cookie is SameSite=Strict, so a navigation that starts on
     * Stripe's site arrives without it: this page, on our own origin, moves on to the dashboard, which then has it.
     */
    private static void backToDashboard(Context ctx, String outcome) {
        String target = "/dashboard?payouts=" + outcome;
        ctx.header("Cache-Control", "no-store").html("""
                <!doctype html><html lang="en"><head><meta charset="utf-8">
                <meta http-equiv="refresh" content="0; url=%s"><title>Back to Stagepass</title></head>
                <body><p><a href="%s">Back to your dashboard</a></p></body></html>""".formatted(target, target));
    }

    /** What the creator is paid: per settlement currency, per live, and their payouts. */
    Map<String, Object> earnings(Creator creator) {
        String creatorId = creator.getCreatorId();
        Map<String, Long> paidOut = new TreeMap<>();
        Map<String, Long> failed = new TreeMap<>();
        List<Map<String, Object>> payoutList = new ArrayList<>();
        for (Payout payout : payouts.of(creatorId)) {
            (payout.getType() == PayoutEventType.PAID ? paidOut : failed)
                    .merge(payout.getCurrency(), payout.getAmountMinor(), Math::addExact);
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("payoutId", payout.getPayoutId());
            line.put("status", payout.getType().name().toLowerCase());
            line.put("amountMinor", payout.getAmountMinor());
            line.put("currency", payout.getCurrency());
            line.put("arrivalDate", payout.getArrivalDate());
            line.put("failureMessage", payout.getFailureMessage());
            payoutList.add(line);
        }
        List<Map<String, Object>> currencies = new ArrayList<>();
        earnings.totals(creatorId).forEach((currency, amounts) -> {
            Map<String, Object> line = amounts(currency, amounts);
            long paid = paidOut.getOrDefault(currency, 0L);
            line.put("paidOutMinor", paid);
            line.put("notYetPaidOutMinor", Math.subtractExact(amounts.creatorMinor(), paid));
            currencies.add(line);
        });
        List<Map<String, Object>> perLive = new ArrayList<>();
        for (CreatorEarnings.LiveTotal live : earnings.lives(creatorId)) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("liveId", live.liveId());
            line.put("title", lives.live(live.liveId()).map(Live::getTitle).orElse(null));
            line.putAll(amounts(live.currency(), live.amounts()));
            perLive.add(line);
        }
        TreeSet<String> months = new TreeSet<>();
        for (CreatorEarnings.Line line : earnings.lines(creatorId)) {
            months.add(YearMonth.from(line.at().atOffset(ZoneOffset.UTC)).toString());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("creatorId", creatorId);
        body.put("currencies", currencies);
        body.put("lives", perLive);
        body.put("payouts", payoutList);
        body.put(
                "statements",
                months.descendingSet().stream()
                        .map(month -> Map.of("month", month, "url", "/v1/creator/statements/" + month))
                        .toList());
        body.put(
                "detail",
                "earningsMinor = transferredMinor - reversedMinor - platformFeesMinor: what Stripe moved to your "
                        + "account; Stripe's processing fees (stripeFeesMinor) are paid by the platform out of its fee");
        return body;
    }

    private static Map<String, Object> amounts(String currency, Earnings amounts) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("currency", currency);
        line.put("grossMinor", amounts.grossMinor());
        line.put("refundsMinor", amounts.refundsMinor());
        line.put("disputesMinor", amounts.disputesMinor());
        line.put("platformFeesMinor", amounts.platformFeesMinor());
        line.put("stripeFeesMinor", amounts.stripeFeesMinor());
        line.put("transferredMinor", amounts.transferredMinor());
        line.put("reversedMinor", amounts.reversedMinor());
        line.put("earningsMinor", amounts.creatorMinor());
        return line;
    }

    /** {@code GET /v1/creator/statements/2026-12}: that month's lines (UTC), as CSV. */
    private void statement(Context ctx) {
        Creator creator = auth.creator(ctx);
        String wanted = ctx.pathParam("month").replaceFirst("\\.csv$", "");
        YearMonth month;
        try {
            month = YearMonth.parse(wanted);
        } catch (DateTimeParseException e) {
            throw new InvalidFieldsException(Map.of("month", "a month as yyyy-MM (2026-12)"));
        }
        StringBuilder csv = new StringBuilder(CSV_HEADER);
        for (CreatorEarnings.Line line : earnings.lines(creator.getCreatorId())) {
            if (!YearMonth.from(line.at().atOffset(ZoneOffset.UTC)).equals(month)) {
                continue;
            }
            Earnings a = line.amounts();
            csv.append(line.at())
                    .append(',')
                    .append(cell(line.liveId()))
                    .append(',')
                    .append(cell(lives.live(line.liveId()).map(Live::getTitle).orElse("")))
                    .append(',')
                    .append(cell(line.ticketId()))
                    .append(',')
                    .append(line.type().name().toLowerCase())
                    .append(',')
                    .append(line.chargeCurrency())
                    .append(',')
                    .append(line.currency())
                    .append(',')
                    .append(a.grossMinor())
                    .append(',')
                    .append(a.refundsMinor())
                    .append(',')
                    .append(a.disputesMinor())
                    .append(',')
                    .append(a.platformFeesMinor())
                    .append(',')
                    .append(a.transferredMinor())
                    .append(',')
                    .append(a.reversedMinor())
                    .append(',')
                    .append(a.creatorMinor())
                    .append('\n');
        }
        ctx.header("Cache-Control", "no-store")
                .header("Content-Disposition", "attachment; filename=\"stagepass-statement-" + month + ".csv\"")
                .contentType("text/csv; charset=utf-8")
                .result(csv.toString());
    }

    /**
     * A CSV cell: quoted when it holds a comma, a quote or a line break; a cell a spreadsheet would run as a formula
     * (= + - @) is prefixed with an apostrophe, since live titles are anyone's text.
     */
    static String cell(String value) {
        if (value == null) {
            return "";
        }
        String stripped = value.stripLeading();
        String safe = !stripped.isEmpty() && "=+-@\t\r".indexOf(stripped.charAt(0)) >= 0 ? "'" + value : value;
        boolean quote = false;
        for (int i = 0; i < safe.length() && !quote; i++) {
            char c = safe.charAt(i);
            quote = c == '"' || c == ',' || c == '\r' || c == '\n' || c == '\u2028' || c == '\u2029' || c == '\u0085';
        }
        return quote ? "\"" + safe.replace("\"", "\"\"") + "\"" : safe;
    }

    private void requireOperator(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null
                || !header.startsWith("Bearer ")
                || !MessageDigest.isEqual(
                        operatorKey,
                        header.substring("Bearer ".length()).strip().getBytes(StandardCharsets.UTF_8))) {
            throw new UnauthorizedResponse(
                    "the operator's key is required: Authorization: Bearer <STAGEPASS_OPERATOR_SECRET>");
        }
    }

    /**
     * {@code PUT /v1/operator/creators/{id}/platform-fee} {@code {"percent": "7.5", "fixed": {"EUR": 0}}}: the
     * platform's fee on this creator's tickets from the next sale on; {@code DELETE}: back to the deployment's.
     */
    private void setFee(Context ctx) throws InterruptedException {
        requireOperator(ctx);
        Creator creator = creators.byId(ctx.pathParam("creatorId"))
                .orElseThrow(() -> new NotFoundResponse("no creator " + ctx.pathParam("creatorId")));
        PlatformFeeOverride override = null;
        if (ctx.method() == HandlerType.PUT) {
            JsonNode body;
            try {
                body = JSON.readTree(ctx.body());
            } catch (Exception e) {
                body = null;
            }
            if (body == null || !body.isObject() || !body.path("percent").isValueNode()) {
                throw new InvalidFieldsException(
                        Map.of("percent", "required: 0 to 50 with two decimals at most, as a string (\"7.5\")"));
            }
            Map<String, Long> fixed = new TreeMap<>();
            Map<String, String> problems = new LinkedHashMap<>();
            body.path("fixed").fields().forEachRemaining(entry -> {
                if (entry.getValue().isIntegralNumber() && entry.getValue().canConvertToLong()) {
                    fixed.put(entry.getKey(), entry.getValue().asLong());
                } else {
                    problems.put("fixed." + entry.getKey(), "minor units, a whole number");
                }
            });
            if (!problems.isEmpty()) {
                throw new InvalidFieldsException(problems);
            }
            try {
                override =
                        PlatformFee.parse(body.get("percent").asText(), fixed).asOverride();
            } catch (ConfigException e) {
                boolean percent = e.getMessage().startsWith(PlatformFee.PERCENT);
                throw new InvalidFieldsException(Map.of(
                        percent ? "percent" : "fixed",
                        e.getMessage()
                                .replace(PlatformFee.PERCENT + " must be", "must be")
                                .replace(PlatformFee.FIXED + " lists", "lists")));
            }
        }
        Catalog.Account updated = catalog.setPlatformFee(creator, override);
        views.awaitApplied(updated.written(), READ_YOUR_WRITE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("creatorId", creator.getCreatorId());
        body.put(
                "platformFee",
                fee.forCreator(updated.creator()).describe(creator.getDefaultCurrency()) + " per ticket");
        body.put("own", override != null);
        ctx.header("Cache-Control", "no-store").json(body);
    }

    /** {@code GET /v1/operator/fees}: the platform's fees, per settlement currency and creator. */
    private void fees(Context ctx) {
        requireOperator(ctx);
        Map<String, Earnings> totals = new TreeMap<>();
        Map<String, List<Map<String, Object>>> byCurrency = new TreeMap<>();
        for (String creatorId : new TreeSet<>(earnings.creators())) {
            earnings.totals(creatorId).forEach((currency, amounts) -> {
                totals.merge(currency, amounts, Earnings::plus);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("creatorId", creatorId);
                line.put(
                        "displayName",
                        creators.byId(creatorId).map(Creator::getDisplayName).orElse(null));
                line.put("grossMinor", amounts.grossMinor());
                line.put("platformFeesMinor", amounts.platformFeesMinor());
                line.put("stripeFeesMinor", amounts.stripeFeesMinor());
                line.put("netMinor", amounts.platformNetMinor());
                byCurrency.computeIfAbsent(currency, c -> new ArrayList<>()).add(line);
            });
        }
        List<Map<String, Object>> currencies = new ArrayList<>();
        totals.forEach((currency, amounts) -> {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("currency", currency);
            line.put("grossMinor", amounts.grossMinor());
            line.put("platformFeesMinor", amounts.platformFeesMinor());
            line.put("stripeFeesMinor", amounts.stripeFeesMinor());
            line.put("netMinor", amounts.platformNetMinor());
            line.put("creators", byCurrency.get(currency));
            currencies.add(line);
        });
        ctx.header("Cache-Control", "no-store")
                .json(Map.of(
                        "currencies",
                        currencies,
                        "detail",
                        "platformFeesMinor: application fees kept (collected less refunded); netMinor: after Stripe's "
                                + "processing fees, which the platform pays on destination charges"));
    }
}
