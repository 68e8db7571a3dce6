package io.stagepass.pipeline.entitlements;

import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.EntitlementReason;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.TicketLedger;

/**
 * Everything a ticket's payment facts say, as a Flink POJO kept in keyed state per ticket (its fields and class name
 * are what checkpoints hold, so they stay). The rules themselves are the contract's {@link TicketLedger}.
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

    /** Folds one fact in through the contract's rules ({@link TicketLedger}); this class only keeps them in state. */
    void apply(PaymentFact fact) {
        TicketLedger next = ledger().apply(fact);
        liveId = next.liveId();
        ticketId = next.ticketId();
        tier = next.tier();
        buyerEmail = next.buyerEmail();
        paid = next.paid();
        fullyRefunded = next.fullyRefunded();
        disputeOpened = next.disputeOpened();
        disputeOutcome =
                next.disputeOutcome() == null ? null : next.disputeOutcome().name();
    }

    private TicketLedger ledger() {
        return new TicketLedger(
                liveId,
                ticketId,
                tier,
                buyerEmail,
                paid,
                fullyRefunded,
                disputeOpened,
                disputeOutcome == null ? null : DisputeOutcome.valueOf(disputeOutcome));
    }

    /** The entitlement these facts add up to: null (never paid), or GRANTED / REVOKED with the reason. */
    EntitlementEventType desired() {
        return ledger().entitlement();
    }

    EntitlementReason reason() {
        return ledger().reason();
    }
}
