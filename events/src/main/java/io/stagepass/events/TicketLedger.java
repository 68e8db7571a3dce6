package io.stagepass.events;

/**
 * The one copy of the ticket rules: what a ticket's payment facts add up to, folded so that the order they arrive in
 * does not matter (each fact only ever sets a flag) and a fact delivered twice changes nothing. Paid: granted;
 * refunded in full: revoked; a partial refund: still granted; dispute opened: revoked, restored if won (or closed
 * without an outcome), final if lost. The entitlements job keeps one per ticket in Flink state; the replay API folds
 * payment facts through it as they arrive, so that a refund stops playback in seconds.
 */
public record TicketLedger(
        String liveId,
        String ticketId,
        String tier,
        String buyerEmail,
        boolean paid,
        boolean fullyRefunded,
        boolean disputeOpened,
        DisputeOutcome disputeOutcome) {

    /** What a ticket with no fact yet holds. */
    public static TicketLedger empty() {
        return new TicketLedger(null, null, null, null, false, false, false, null);
    }

    /** This ledger with one more fact folded in. */
    public TicketLedger apply(PaymentFact fact) {
        boolean nowPaid = paid;
        boolean refunded = fullyRefunded;
        boolean disputed = disputeOpened;
        DisputeOutcome outcome = disputeOutcome;
        switch (fact.getType()) {
            case CHECKOUT_COMPLETED -> nowPaid |= fact.getPaid();
            case ASYNC_PAYMENT_SUCCEEDED -> nowPaid = true;
            case CHARGE_REFUNDED -> refunded |= fact.getFullyRefunded();
            case DISPUTE_OPENED -> disputed = true;
            case DISPUTE_CLOSED -> {
                disputed = true; // a close that overtook its opening still means there was a dispute
                // Closed without an outcome (an inquiry closed with a warning) took no money: like a win.
                // LOST is final: a later "won" for the same ticket cannot un-lose it.
                DisputeOutcome closed =
                        fact.getDisputeOutcome() == null ? DisputeOutcome.WON : fact.getDisputeOutcome();
                outcome = disputeOutcome == DisputeOutcome.LOST ? DisputeOutcome.LOST : closed;
            }
            case ASYNC_PAYMENT_FAILED, CHECKOUT_EXPIRED -> {}
        }
        return new TicketLedger(
                fact.getLiveId(),
                fact.getTicketId(),
                fact.getTier() != null ? fact.getTier() : tier,
                fact.getBuyerEmail() != null ? fact.getBuyerEmail() : buyerEmail,
                nowPaid,
                refunded,
                disputed,
                outcome);
    }

    /** The entitlement these facts add up to: null while never paid, else GRANTED or REVOKED (see {@link #reason()}). */
    public EntitlementEventType entitlement() {
        if (!paid) {
            return null;
        }
        EntitlementReason reason = reason();
        return reason == EntitlementReason.PAID || reason == EntitlementReason.DISPUTE_WON
                ? EntitlementEventType.GRANTED
                : EntitlementEventType.REVOKED;
    }

    /** Whether the ticket may watch now. */
    public boolean granted() {
        return entitlement() == EntitlementEventType.GRANTED;
    }

    public EntitlementReason reason() {
        if (fullyRefunded) {
            return EntitlementReason.REFUNDED;
        }
        if (disputeOutcome == DisputeOutcome.LOST) {
            return EntitlementReason.DISPUTE_LOST;
        }
        if (disputeOpened && disputeOutcome == null) {
            return EntitlementReason.DISPUTE_OPENED;
        }
        return disputeOpened ? EntitlementReason.DISPUTE_WON : EntitlementReason.PAID;
    }
}
