package io.stagepass.pipeline.entitlements;

import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.EntitlementReason;
import io.stagepass.events.PaymentFact;

/**
 * Everything a ticket's payment facts say, folded so that the order they arrive in does not matter: each fact
 * only ever sets a flag. A Flink POJO kept in keyed state per ticket.
 */
public class TicketState {
    public String liveId;
    public String ticketId;
    public String tier;
    public String buyerEmail;
    public boolean paid;
    public boolean fullyRefunded;
    public boolean disputeOpened;
    /** null while a dispute is open (or none was), else WON or LOST. */
    public String disputeOutcome;
    /** What was last emitted: null (nothing yet), GRANTED or REVOKED. */
    public String emitted;

    public String emittedReason;

    public TicketState() {}

    /** Folds one fact in; facts repeated or out of order give the same result. */
    void apply(PaymentFact fact) {
        liveId = fact.getLiveId();
        ticketId = fact.getTicketId();
        tier = fact.getTier() != null ? fact.getTier() : tier;
        buyerEmail = fact.getBuyerEmail() != null ? fact.getBuyerEmail() : buyerEmail;
        switch (fact.getType()) {
            case CHECKOUT_COMPLETED -> paid |= fact.getPaid();
            case ASYNC_PAYMENT_SUCCEEDED -> paid = true;
            case CHARGE_REFUNDED -> fullyRefunded |= fact.getFullyRefunded();
            case DISPUTE_OPENED -> disputeOpened = true;
            case DISPUTE_CLOSED -> {
                disputeOpened = true; // a close that overtook its opening still means there was a dispute
                // Closed without an outcome (an inquiry closed with a warning) took no money: like a win.
                // LOST is final: a later "won" for the same ticket cannot un-lose it.
                DisputeOutcome outcome =
                        fact.getDisputeOutcome() == null ? DisputeOutcome.WON : fact.getDisputeOutcome();
                disputeOutcome = DisputeOutcome.LOST.name().equals(disputeOutcome) ? disputeOutcome : outcome.name();
            }
            case ASYNC_PAYMENT_FAILED, CHECKOUT_EXPIRED -> {}
        }
    }

    /** The entitlement these facts add up to: null (never paid), or GRANTED / REVOKED with the reason. */
    EntitlementEventType desired() {
        if (!paid) {
            return null;
        }
        return reason() == EntitlementReason.PAID || reason() == EntitlementReason.DISPUTE_WON
                ? EntitlementEventType.GRANTED
                : EntitlementEventType.REVOKED;
    }

    EntitlementReason reason() {
        if (fullyRefunded) {
            return EntitlementReason.REFUNDED;
        }
        if (DisputeOutcome.LOST.name().equals(disputeOutcome)) {
            return EntitlementReason.DISPUTE_LOST;
        }
        if (disputeOpened && disputeOutcome == null) {
            return EntitlementReason.DISPUTE_OPENED;
        }
        return disputeOpened ? EntitlementReason.DISPUTE_WON : EntitlementReason.PAID;
    }
}
