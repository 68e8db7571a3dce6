package io.stagepass.replay.playback;

import io.javalin.http.Context;
import io.javalin.http.ForbiddenResponse;
import io.javalin.http.NotFoundResponse;
import io.javalin.http.UnauthorizedResponse;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.TicketLedger;
import io.stagepass.replay.views.Lives;
import io.stagepass.replay.views.Tickets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Who may watch: a genuine, unexpired playback token (else 401) for this live, with a ticket the payment facts say
 * is granted now, within the live's replay window (else 403 saying which). Checked on every playlist, so a refund or a
 * dispute ends playback at the next playlist load; segment links are only signed and short-lived.
 */
public final class Access {
    /** How long a player's beacon token lasts; the player gets a fresh one with every playback check. */
    public static final Duration BEACON_TOKEN_TTL = Duration.ofMinutes(10);
    /** How long a renewed playback token lasts. */
    public static final Duration PLAYBACK_TOKEN_TTL = Duration.ofHours(6);

    private final PlaybackTokens tokens;
    private final PlaybackTokens beaconTokens;
    private final Lives lives;
    private final Tickets tickets;
    private final Clock clock;

    /** A viewer let in: the live and the ticket. */
    public record Viewer(Live live, String ticketId, String token) {}

    public Access(PlaybackTokens tokens, PlaybackTokens beaconTokens, Lives lives, Tickets tickets, Clock clock) {
        this.tokens = tokens;
        this.beaconTokens = beaconTokens;
        this.lives = lives;
        this.tickets = tickets;
        this.clock = clock;
    }

    /** The token of a request: {@code ?token=} (what a player's sub-requests carry) or {@code Authorization: Bearer}. */
    public static Optional<String> token(Context ctx) {
        String header = ctx.header("Authorization");
        if (header != null && header.startsWith("Bearer ")) {
            return Optional.of(header.substring("Bearer ".length()).trim());
        }
        return Optional.ofNullable(ctx.queryParam("token")).filter(t -> !t.isBlank());
    }

    /** The viewer of {@code liveId}, or the refusal as a typed response (401, 403, 404). */
    public Viewer check(String liveId, Optional<String> token) {
        String presented = token.orElseThrow(() ->
                new UnauthorizedResponse("a playback token is required (?token=TOKEN or Authorization: Bearer TOKEN)"));
        Instant now = clock.instant();
        PlaybackTokens.Claims claims = tokens.verify(presented, now)
                .orElseThrow(() ->
                        new UnauthorizedResponse("the playback token is not valid: forged, tampered with or expired"));
        if (!claims.liveId().equals(liveId)) {
            throw new ForbiddenResponse("this token is for another live");
        }
        String ticketId = claims.ticketId()
                .orElseThrow(() -> new ForbiddenResponse("this token carries no ticket: buy one to watch"));
        Live live = lives.live(liveId).orElseThrow(() -> new NotFoundResponse("no live " + liveId));
        TicketLedger ledger = tickets.ticket(liveId, ticketId)
                .orElseThrow(
                        () -> new ForbiddenResponse("no payment is recorded for ticket " + ticketId + " of this live"));
        if (!ledger.granted()) {
            throw new ForbiddenResponse(
                    switch (ledger.reason()) {
                        case REFUNDED -> "the ticket was refunded";
                        case DISPUTE_OPENED -> "the ticket's payment is disputed";
                        case DISPUTE_LOST -> "the ticket's payment was charged back";
                        default -> "the ticket's payment has not succeeded";
                    });
        }
        Instant closes = windowClosesAt(live);
        if (closes != null && !now.isBefore(closes)) {
            throw new ForbiddenResponse("the replay window of this live closed at " + closes);
        }
        return new Viewer(live, ticketId, presented);
    }

    /**
     * A beacon token for a viewer just let in: short-lived, so a ticket that stops standing (refund, dispute) stops
     * reporting within {@link #BEACON_TOKEN_TTL}; it cannot play anything.
     */
    public String beaconToken(Viewer viewer, String session) {
        return beaconTokens.issue(
                viewer.live().getLiveId(), viewer.ticketId(), clock.instant().plus(BEACON_TOKEN_TTL), session);
    }

    /** The tier of a viewer's ticket ({@code viewer}, {@code guest}, ...), if the payment named one. */
    public Optional<String> tier(Viewer viewer) {
        return tickets.ticket(viewer.live().getLiveId(), viewer.ticketId()).map(TicketLedger::tier);
    }

    /** A session id the server gives a page (a visit, or a player before it names its screen). */
    public static String newSession() {
        return "v" + java.util.UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * A fresh playback token for a viewer just let in, lasting {@link #PLAYBACK_TOKEN_TTL} (never beyond the replay
     * window): the player swaps it in at every playback check, so a closed tab's link dies within hours.
     */
    public String renewedToken(Viewer viewer) {
        Instant until = clock.instant().plus(PLAYBACK_TOKEN_TTL);
        Instant closes = windowClosesAt(viewer.live());
        return tokens.issue(
                viewer.live().getLiveId(),
                viewer.ticketId(),
                closes != null && closes.isBefore(until) ? closes : until);
    }

    /** When the replay stops being watchable: the live's end plus its replay days; null while it has not ended. */
    public static Instant windowClosesAt(Live live) {
        if (live.getType() != LiveEventType.ENDED || live.getEndedAt() == null) {
            return null;
        }
        return live.getEndedAt().plus(Duration.ofDays(live.getReplayWindowDays()));
    }
}
