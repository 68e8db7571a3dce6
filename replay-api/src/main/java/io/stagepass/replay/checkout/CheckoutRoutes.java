package io.stagepass.replay.checkout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.HttpStatus;
import io.javalin.http.NotFoundResponse;
import io.stagepass.events.EntitlementReason;
import io.stagepass.events.Live;
import io.stagepass.events.PayoutAccount;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.TicketLedger;
import io.stagepass.events.TicketTier;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.replay.Links;
import io.stagepass.replay.PageSecurity;
import io.stagepass.replay.payouts.PlatformFee;
import io.stagepass.replay.playback.Access;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.PayoutAccounts;
import io.stagepass.replay.views.Tickets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buying a ticket: {@code POST /v1/lives/{id}/checkout} (a form or JSON: tier, optional email) makes a Stripe
 * Checkout Session, gives the browser a buyer cookie for it (HttpOnly, SameSite=Strict, limited to the ticket route,
 * until the replay window closes) and answers 303 to Stripe; {@code GET /v1/lives/{id}/tickets/{ticketId}} says
 * whether the webhook has made the ticket yet and, once it has, gives a watch link, but only to the browser holding
 * that session's buyer cookie: a Checkout Session id seen anywhere (a shared URL, a screenshot, a log) opens nothing.
 * Watch links last {@link #WATCH_TOKEN_TTL}; the player renews its token while the ticket stands, and the buyer's
 * browser gets a fresh link from the ticket page whenever it comes back.
 */
public final class CheckoutRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(CheckoutRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]{1,64}@[^@\\s]{1,255}\\.[^@\\s]{1,63}");
    private static final Pattern TICKET = Pattern.compile("cs_[A-Za-z0-9_]{1,200}");
    /** The buyer cookie outlives a live that starts late. */
    private static final Duration LINK_MARGIN = Duration.ofDays(2);
    /** How long a watch link's token lasts (the player renews it while it plays). */
    public static final Duration WATCH_TOKEN_TTL = Duration.ofHours(6);

    static final String BUYER_COOKIE = "sp_buyer_";
    /** Why a live of a creator who has not set up payouts is not sold (nobody could be paid). */
    public static final String NOT_ON_SALE =
            "tickets are not on sale yet: the creator has not finished setting up payouts with Stripe";

    private final Lives lives;
    private final Tickets tickets;
    private final PayoutAccounts payoutAccounts;
    private final java.util.function.Function<String, PlatformFee> platformFee;
    private final Checkout checkout;
    private final PlaybackTokens tokens;
    private final PlaybackTokens buyers;
    private final Links links;
    private final boolean secureCookies;
    private final Clock clock;

    public CheckoutRoutes(
            Lives lives,
            Tickets tickets,
            PayoutAccounts payoutAccounts,
            java.util.function.Function<String, PlatformFee> platformFee,
            Checkout checkout,
            PlaybackTokens tokens,
            PlaybackTokens buyers,
            Links links,
            boolean secureCookies,
            Clock clock) {
        this.lives = lives;
        this.tickets = tickets;
        this.payoutAccounts = payoutAccounts;
        this.platformFee = platformFee;
        this.checkout = checkout;
        this.tokens = tokens;
        this.buyers = buyers;
        this.secureCookies = secureCookies;
        this.links = links;
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.post("/v1/lives/{liveId}/checkout", this::checkout);
        config.routes.get("/v1/lives/{liveId}/tickets/{ticketId}", this::ticket);
    }

    private void checkout(Context ctx) throws Exception {
        Live live = saleable(ctx.pathParam("liveId"));
        String tierName;
        String email;
        String attempt;
        if (ctx.contentType() != null && ctx.contentType().startsWith("application/json")) {
            JsonNode body;
            try {
                body = JSON.readTree(ctx.body());
            } catch (Exception e) {
                throw new InvalidFieldsException(Map.of("body", "not JSON"));
            }
            tierName = body.path("tier").asText(null);
            email = body.path("email").asText(null);
            attempt = ctx.header("Idempotency-Key");
        } else {
            tierName = ctx.formParam("tier");
            email = ctx.formParam("email");
            attempt = ctx.formParam("attempt");
        }
        Map<String, String> problems = new LinkedHashMap<>();
        String tierWanted = tierName == null || tierName.isBlank() ? "viewer" : tierName.strip();
        Optional<TicketTier> tier = live.getTiers().stream()
                .filter(t -> t.getTier().equals(tierWanted))
                .findFirst();
        if (tier.isEmpty()) {
            problems.put(
                    "tier",
                    "'" + tierWanted + "' is not a tier of this live ("
                            + String.join(
                                    ", ",
                                    live.getTiers().stream()
                                            .map(TicketTier::getTier)
                                            .toList()) + ")");
        }
        email = email == null || email.isBlank() ? null : email.strip();
        if (email != null && !EMAIL.matcher(email).matches()) {
            problems.put("email", "an e-mail address such as you@example.com");
        }
        if (attempt != null && (attempt.isBlank() || attempt.length() > 200)) {
            problems.put("attempt", "1 to 200 characters");
        }
        if (!problems.isEmpty()) {
            throw new InvalidFieldsException(problems);
        }
        Optional<PayoutAccount> account =
                payoutAccounts.of(live.getCreatorId()).filter(PayoutAccount::getChargesEnabled);
        if (account.isEmpty()) {
            throw new HttpResponseException(HttpStatus.CONFLICT.getCode(), NOT_ON_SALE);
        }
        Session session;
        try {
            session = checkout.create(
                    live,
                    tier.get(),
                    email,
                    attempt != null ? attempt : UUID.randomUUID().toString(),
                    account.get().getStripeAccountId(),
                    platformFee.apply(live.getCreatorId()).feeMinor(tier.get().getPriceMinor(), live.getCurrency()));
        } catch (StripeException e) {
            LOG.warn("checkout for {}: Stripe refused or did not answer: {}", live.getLiveId(), e.getMessage());
            throw new HttpResponseException(
                    HttpStatus.BAD_GATEWAY.getCode(),
                    "Stripe did not create the checkout (" + e.getMessage() + "); nothing was charged: try again");
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("sessionId", session.getId());
        body.put("url", session.getUrl());
        Instant until = linkExpiry(live);
        ctx.header(
                "Set-Cookie",
                buyerCookieName(session.getId()) + "=" + buyers.issue(live.getLiveId(), session.getId(), until)
                        + "; Path=/v1/lives/" + live.getLiveId() + "/tickets/; Max-Age="
                        + Math.max(0, Duration.between(clock.instant(), until).toSeconds())
                        + "; HttpOnly; SameSite=Strict" + (secureCookies || PageSecurity.https(ctx) ? "; Secure" : ""));
        ctx.header("Location", session.getUrl()).status(HttpStatus.SEE_OTHER).json(body);
    }

    private void ticket(Context ctx) {
        String liveId = ctx.pathParam("liveId");
        String ticketId = ctx.pathParam("ticketId");
        Live live = lives.live(liveId).orElseThrow(() -> new NotFoundResponse("no live " + liveId));
        if (!TICKET.matcher(ticketId).matches()) {
            throw new InvalidFieldsException(Map.of("ticketId", "a Checkout Session id (cs_...)"));
        }
        String cookie = ctx.cookie(buyerCookieName(ticketId));
        boolean buyer = cookie != null
                && buyers.verify(cookie, clock.instant())
                        .filter(claims -> claims.liveId().equals(liveId)
                                && claims.ticketId().filter(ticketId::equals).isPresent())
                        .isPresent();
        ctx.header("Cache-Control", "no-store").json(status(live, ticketId, buyer));
    }

    /** The buyer cookie's name for one Checkout Session (a browser may buy several tickets). */
    static String buyerCookieName(String ticketId) {
        return BUYER_COOKIE + StreamKeys.sha256(ticketId).substring(0, 16);
    }

    /** Where a ticket stands, with a watch link once granted when asked by its buyer's browser. */
    Map<String, Object> status(Live live, String ticketId, boolean buyer) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("liveId", live.getLiveId());
        body.put("ticketId", ticketId);
        Optional<TicketLedger> ledger = tickets.ticket(live.getLiveId(), ticketId);
        if (ledger.isEmpty()) {
            body.put("status", "pending");
            body.put("detail", "waiting for Stripe to confirm the payment (its webhook); this page updates by itself");
            return body;
        }
        TicketLedger ticket = ledger.get();
        if (ticket.granted()) {
            body.put("status", "granted");
            if (!buyer) {
                body.put(
                        "detail",
                        "the ticket is paid; its watch link is given only to the browser that bought it: open this "
                                + "page there");
                return body;
            }
            Instant expires = watchTokenExpiry(live);
            body.put("watchUrl", links.watch(live.getLiveId(), tokens.issue(live.getLiveId(), ticketId, expires)));
            body.put("linkExpiresAt", expires);
            body.put("ticketPage", links.ticket(live.getLiveId(), ticketId));
            return body;
        }
        EntitlementReason reason = ticket.reason();
        body.put("status", reason == EntitlementReason.PAID ? "pending" : "revoked");
        body.put("reason", reason.name().toLowerCase());
        body.put(
                "detail",
                switch (reason) {
                    case REFUNDED -> "the ticket was refunded";
                    case DISPUTE_OPENED -> "the payment is disputed";
                    case DISPUTE_LOST -> "the payment was charged back";
                    case PAYMENT_FAILED -> "the payment did not go through";
                    default -> "waiting for the payment to complete";
                });
        return body;
    }

    /** A watch link's token: hours, never beyond the replay window. */
    private Instant watchTokenExpiry(Live live) {
        Instant hours = clock.instant().plus(WATCH_TOKEN_TTL);
        Instant closes = linkExpiry(live);
        return closes.isBefore(hours) ? closes : hours;
    }

    /** Until when a buyer may come back: the replay window's close (or, before the live ends, when it could close). */
    private Instant linkExpiry(Live live) {
        Instant closes = Access.windowClosesAt(live);
        if (closes != null) {
            return closes;
        }
        Instant start =
                live.getScheduledStart() != null && live.getScheduledStart().isAfter(clock.instant())
                        ? live.getScheduledStart()
                        : clock.instant();
        return start.plus(LINK_MARGIN).plus(Duration.ofDays(live.getReplayWindowDays()));
    }

    private Live saleable(String liveId) {
        Live live = lives.live(liveId).orElseThrow(() -> new NotFoundResponse("no live " + liveId));
        Instant closes = Access.windowClosesAt(live);
        if (closes != null && !clock.instant().isBefore(closes)) {
            throw new HttpResponseException(
                    HttpStatus.GONE.getCode(), "ticket sales closed: the replay window ended at " + closes);
        }
        return live;
    }
}
