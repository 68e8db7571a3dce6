package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.facts.RevenueTotals;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.Topic;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the demo's traffic did, its ground truth: the live it was about, its creator's API key, its tickets (Checkout
 * Session ids; the first refunded), Stripe's fees on them as the balance transactions say, and how many events went to
 * each topic.
 */
public record Sent(
        String liveId,
        String creatorId,
        String apiKey,
        List<String> tickets,
        long feesMinor,
        Map<Topic, Integer> counts,
        int guestTickets) {
    public Sent {
        tickets = List.copyOf(tickets);
        counts = Map.copyOf(counts);
    }

    /** The ticket that was refunded. */
    public String refundedTicket() {
        return tickets.get(0);
    }

    /** A ticket that stands. */
    public String holderTicket() {
        return tickets.get(1);
    }

    /** The guest's ticket (bought last): the one who went on stage. */
    public String guestTicket() {
        return tickets.get(tickets.size() - 1);
    }

    /**
     * Every ticket sold at its price (the last {@code guestTickets} at the guest tier's), less Stripe's fees, the
     * refunded one (a viewer's) in full.
     */
    public RevenueTotals revenue() {
        RevenueTotals viewers =
                RevenueTotals.ofTickets(DemoTraffic.TICKET_PRICE_MINOR, tickets.size() - guestTickets, feesMinor, 1);
        long guests = (long) guestTickets * DemoTraffic.GUEST_PRICE_MINOR;
        return new RevenueTotals(
                viewers.gross() + guests,
                viewers.fees(),
                viewers.refunds(),
                viewers.net() + guests,
                viewers.sold() + guestTickets,
                viewers.refunded());
    }

    /** Every ticket granted, but the refunded one revoked. */
    public Map<String, EntitlementEventType> entitlements() {
        Map<String, EntitlementEventType> verdicts = new LinkedHashMap<>();
        tickets.forEach(ticket -> verdicts.put(
                ticket, ticket.equals(refundedTicket()) ? EntitlementEventType.REVOKED : EntitlementEventType.GRANTED));
        return verdicts;
    }
}
