package io.stagepass.ingest.stage;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.StageKeys;
import io.stagepass.events.TicketLedger;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who enters a live's green room, whichever way their media comes: a browser's WebSocket with a two-minute stage token
 * and the name typed on the stage page, or an encoder's RTMP publish with a guest stage key ({@code stage_} and a
 * stage token whose session carries the name). Both need a token the replay API sealed with the stage secret, for a
 * ticket that stands and is a guest ticket in ingest's own fold of the payment facts; both hold the ticket's one place.
 */
public final class StageDoor {
    private static final Logger LOG = LoggerFactory.getLogger(StageDoor.class);
    static final String GUEST_TIER = "guest";

    private static final Duration GRANT_WAIT = Duration.ofSeconds(5);

    private final Stage stage;
    private final StageTickets tickets;
    private final PlaybackTokens tokens;
    private final Clock clock;
    private final StageLocations locations;
    private final java.util.function.Predicate<String> ended;

    public StageDoor(
            Stage stage,
            StageTickets tickets,
            PlaybackTokens tokens,
            StageLocations locations,
            java.util.function.Predicate<String> ended,
            Clock clock) {
        this.locations = locations;
        this.ended = ended;
        this.stage = stage;
        this.tickets = tickets;
        this.tokens = tokens;
        this.clock = clock;
    }

    /** A browser's hello: its stage token (session "guest") and the name the guest typed. */
    Stage.Guest browser(String token, String rawName, Stage.GuestLink link) throws Stage.Refused, InterruptedException {
        PlaybackTokens.Claims claims = tokens.verify(token, clock.instant())
                .filter(c -> c.ticketId().isPresent() && c.session().equals(Optional.of("guest")))
                .orElseThrow(() -> new Stage.Refused(
                        401, "a valid guest stage token is required: open the stage from your ticket page"));
        String name = StageKeys.displayName(rawName);
        if (name == null) {
            throw new Stage.Refused(400, "give a name of 1 to " + StageKeys.MAX_NAME + " letters: viewers see it");
        }
        return admit(claims, name, link, GuestFeed.Source.BROWSER);
    }

    /**
     * An encoder's publish with a guest stage key: the live it joins comes from the key, never from the encoder. The
     * refusal's message is what OBS shows.
     */
    public Stage.Guest encoder(String streamKey, Stage.GuestLink link) throws Stage.Refused, InterruptedException {
        PlaybackTokens.Claims claims = tokens.verify(StageKeys.token(streamKey), clock.instant())
                .filter(c -> c.ticketId().isPresent()
                        && c.session().flatMap(StageKeys::name).isPresent())
                .orElseThrow(() -> new Stage.Refused(
                        401,
                        "unknown or expired guest stage key: get a new one on your stage page (\"Use OBS or a phone"
                                + " app\")"));
        String name =
                StageKeys.displayName(StageKeys.name(claims.session().get()).get());
        if (name == null) {
            throw new Stage.Refused(401, "this guest stage key carries no name: get a new one on your stage page");
        }
        return admit(claims, name, link, GuestFeed.Source.ENCODER);
    }

    private Stage.Guest admit(PlaybackTokens.Claims claims, String name, Stage.GuestLink link, GuestFeed.Source source)
            throws Stage.Refused, InterruptedException {
        String liveId = claims.liveId();
        String ticketId = claims.ticketId().get();
        if (ended.test(liveId)) {
            throw new Stage.Refused(410, "this live has ended: its stage is closed");
        }
        Optional<StageLocations.Location> elsewhere = locations.elsewhere(liveId);
        if (elsewhere.isPresent()) {
            throw new Stage.Refused(
                    421,
                    source == GuestFeed.Source.BROWSER
                            ? "this live streams through another ingest server: join the stage again"
                            : "this live streams through "
                                    + (elsewhere.get().rtmpUrl() == null
                                            ? "another server"
                                            : elsewhere.get().rtmpUrl())
                                    + ": set it as your encoder's server");
        }
        Optional<TicketLedger> ticket = tickets.ticket(liveId, ticketId, GRANT_WAIT);
        if (ticket.isEmpty()
                || !ticket.get().granted()
                || !GUEST_TIER.equals(ticket.get().tier())) {
            throw new Stage.Refused(
                    403,
                    ticket.isPresent() && ticket.get().granted()
                            ? "only a guest ticket joins the stage"
                            : "this ticket does not stand (refunded, disputed or unknown): it cannot join the stage");
        }
        Stage.Guest guest = stage.join(liveId, ticketId, name, GUEST_TIER, link, source);
        if (tickets.ticket(liveId, ticketId, Duration.ZERO)
                .filter(TicketLedger::granted)
                .isEmpty()) { // revoked while joining: the revocation may have found nobody to remove
            stage.revoke(liveId, ticketId, "this ticket no longer stands: it cannot join the stage");
            throw new Stage.Refused(403, "this ticket no longer stands: it cannot join the stage");
        }
        LOG.info("live {}: guest {} joined the green room from {}", liveId, guest.guestId(), source.wire());
        return guest;
    }
}
