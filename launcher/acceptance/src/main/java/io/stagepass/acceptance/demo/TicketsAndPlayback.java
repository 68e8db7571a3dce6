package io.stagepass.acceptance.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.lifecycle.Await;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What the buyers see: the ticket page each was sent back to gives the holder a watch link (the replay API made it
 * from the webhook's ticket), and the refunded ticket none. The holder's master playlist answers 200, the refunded
 * ticket's 403. Prints the pages to open in a browser.
 */
record TicketsAndPlayback(ApiClient api, Sent sent, PlaybackTokens tokens) implements Check {
    @Override
    public String name() {
        return "tickets and playback";
    }

    @Override
    public CheckResult run() throws Exception {
        String liveId = sent.liveId();
        String holder = sent.holderTicket();
        String refunded = sent.refundedTicket();
        JsonNode holderTicket = Await.until(
                        Waits.PIPELINE,
                        Waits.FAST_POLL,
                        () -> api.ticket(liveId, holder),
                        ticket -> "granted".equals(ticket.path("status").asText()))
                .value();
        JsonNode refundedTicket = api.ticket(liveId, refunded);
        String watch = holderTicket.path("watchUrl").asText();
        String holderToken = URLDecoder.decode(watch.substring(watch.indexOf("token=") + 6), StandardCharsets.UTF_8);
        String refundedToken = tokens.issue(liveId, refunded, Instant.now().plus(Duration.ofDays(1)));
        Await.Outcome<Integer> granted = Await.until(
                Waits.PIPELINE, Waits.FAST_POLL, () -> api.masterPlaylist(liveId, holderToken), s -> s == 200);
        int refusedStatus = api.masterPlaylist(liveId, refundedToken);
        boolean held = "granted".equals(holderTicket.path("status").asText())
                && "revoked".equals(refundedTicket.path("status").asText())
                && granted.met()
                && refusedStatus == 403;
        return CheckResult.of(
                name(),
                held,
                List.of(
                        String.format(
                                "Tickets (replay API): the holder's ticket page has a watch link, the refunded one says"
                                        + " %s; master playlist %d and %d",
                                refundedTicket.path("status").asText(), granted.value(), refusedStatus),
                        "  ticket page (buy):       " + api.links().ticketPage(liveId),
                        "  a holder's ticket:       " + api.links().ticket(liveId, holder),
                        "  watch the replay:        " + watch,
                        "  the refunded ticket's:   " + api.links().watch(liveId, refundedToken) + "  (refused)"));
    }
}
