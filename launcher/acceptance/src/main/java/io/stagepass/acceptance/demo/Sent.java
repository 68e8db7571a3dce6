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
        Map<Topic, Integer> counts) {
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

    /** Every ticket sold at the price, less Stripe's fees, the refunded one in full. */
    public RevenueTotals revenue() {
        return RevenueTotals.ofTickets(DemoTraffic.TICKET_PRICE_MINOR, tickets.size(), feesMinor, 1);
    }

    /** Every ticket granted, but the refunded one revoked. */
    public Map<String, EntitlementEventType> entitlements() {
        Map<String, EntitlementEventType> verdicts = new LinkedHashMap<>();
        tickets.forEach(ticket -> verdicts.put(
                ticket, ticket.equals(refundedTicket()) ? EntitlementEventType.REVOKED : EntitlementEventType.GRANTED));
        return verdicts;
    }
}
