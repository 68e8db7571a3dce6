package io.stagepass.replay.checkout;

import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.stagepass.events.Creator;
import io.stagepass.events.Live;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.TicketTier;
import io.stagepass.platform.views.KeyHashIndex;
import io.stagepass.replay.Pages;
import io.stagepass.replay.creators.CreatorRoutes;
import io.stagepass.replay.creators.Prices;
import io.stagepass.replay.playback.Access;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.PayoutAccounts;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * The pages a buyer sees: the live's public ticket page ({@code /lives/{id}}: title, start, tiers and prices formatted
 * for the currency, a form that goes to Stripe Checkout), and the ticket page Stripe sends them back to
 * ({@code /lives/{id}/ticket?session_id=cs_...}), which waits for the webhook's ticket and then shows the watch link.
 * The ticket page also counts the visit, for the creator's conversion numbers, with an anonymous beacon.
 */
public final class TicketPages {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern(
                    "EEEE d MMMM yyyy, HH:mm 'UTC'", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);
    private static final Duration VISITOR_TOKEN = Duration.ofMinutes(10); // the page reports its view at once

    private final Lives lives;
    private final KeyHashIndex<Creator> creators;
    private final PayoutAccounts payoutAccounts;
    private final PlaybackTokens tokens;
    private final String ingestUrl;
    private final Clock clock;
    private final String livePage = Pages.template("live.html");
    private final String ticketPage = Pages.template("ticket.html");
    private final String missingPage = Pages.template("refused.html");

    public TicketPages(
            Lives lives,
            KeyHashIndex<Creator> creators,
            PayoutAccounts payoutAccounts,
            PlaybackTokens tokens,
            String ingestUrl,
            Clock clock) {
        this.lives = lives;
        this.creators = creators;
        this.payoutAccounts = payoutAccounts;
        this.tokens = tokens;
        this.ingestUrl = ingestUrl.replaceAll("/+$", "");
        this.clock = clock;
    }

    public void register(JavalinConfig config) {
        config.routes.get("/lives/{liveId}", this::live);
        config.routes.get("/lives/{liveId}/ticket", this::ticket);
    }

    private void live(Context ctx) {
        Live live = lives.live(ctx.pathParam("liveId")).orElse(null);
        if (live == null) {
            missing(ctx);
            return;
        }
        StringBuilder tiers = new StringBuilder();
        boolean first = true;
        for (TicketTier tier : live.getTiers()) {
            tiers.append("<label class=\"tier\"><input type=\"radio\" name=\"tier\" value=\"")
                    .append(Pages.escape(tier.getTier()))
                    .append("\"")
                    .append(first ? " checked" : "")
                    .append("><span class=\"name\">")
                    .append(Pages.escape(tierLabel(tier.getTier())))
                    .append("</span><span class=\"price\">")
                    .append(Pages.escape(Prices.format(tier.getPriceMinor(), live.getCurrency())))
                    .append("</span></label>");
            first = false;
        }
        Instant closes = Access.windowClosesAt(live);
        boolean closed = closes != null && !clock.instant().isBefore(closes);
        String creator =
                creators.byId(live.getCreatorId()).map(Creator::getDisplayName).orElse("");
        boolean unpaid = !payoutAccounts.canSell(live.getCreatorId());
        String page = Pages.fill(
                        livePage,
                        Map.of(
                                "title", live.getTitle(),
                                "liveId", live.getLiveId(),
                                "creator", creator,
                                "description", live.getDescription() == null ? "" : live.getDescription(),
                                "when", when(live),
                                "status", CreatorRoutes.status(live),
                                "attempt", UUID.randomUUID().toString(),
                                "beacons", ingestUrl,
                                "visitorToken",
                                        tokens.issue(
                                                live.getLiveId(),
                                                null,
                                                clock.instant().plus(VISITOR_TOKEN),
                                                Access.newSession()), // one page load, one visit
                                "notice",
                                        closed
                                                ? "Ticket sales have closed: the replay window ended."
                                                : unpaid
                                                        ? "Tickets go on sale once " + creator
                                                                + " has finished setting up payouts with Stripe."
                                                        : "canceled".equals(ctx.queryParam("canceled"))
                                                                        || "1".equals(ctx.queryParam("canceled"))
                                                                ? "Checkout was canceled; nothing was charged."
                                                                : ""))
                .replace("<!--tiers-->", tiers.toString())
                .replace("{{disabled}}", closed || unpaid ? "disabled" : "");
        ctx.header("Cache-Control", "no-store").html(page);
    }

    private void ticket(Context ctx) {
        Live live = lives.live(ctx.pathParam("liveId")).orElse(null);
        String session = ctx.queryParam("session_id");
        if (live == null || session == null || !session.startsWith("cs_")) {
            missing(ctx);
            return;
        }
        ctx.header("Cache-Control", "no-store")
                .header("Referrer-Policy", "no-referrer")
                .html(Pages.fill(
                        ticketPage,
                        Map.of(
                                "title", live.getTitle(),
                                "liveId", live.getLiveId(),
                                "ticketId", session,
                                "when", when(live))));
    }

    private void missing(Context ctx) {
        ctx.status(HttpStatus.NOT_FOUND)
                .html(Pages.fill(
                        missingPage,
                        Map.of(
                                "headline", "There is no such live",
                                "reason", "The link may be mistyped, or the live was removed.",
                                "hint", "Ask the creator for the ticket page's link.")));
    }

    private static String when(Live live) {
        return switch (CreatorRoutes.status(live)) {
            case "live" -> "Live now";
            case "ended" -> "Ended; the replay is for ticket holders";
            default ->
                live.getScheduledStart() == null ? "Date to be announced" : WHEN.format(live.getScheduledStart());
        };
    }

    private static String tierLabel(String tier) {
        return switch (tier) {
            case "viewer" -> "Viewer: watch live and the replay";
            case "guest" -> "Guest: join on stage (and watch the replay)";
            default -> Character.toUpperCase(tier.charAt(0)) + tier.substring(1);
        };
    }
}
