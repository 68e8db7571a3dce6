package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TicketLedgerTest {
    private static PaymentFact fact(PaymentEventType type) {
        return SampleEvents.payment("live_1", "cs_1").setType(type).build();
    }

    private static TicketLedger fold(List<PaymentFact> facts) {
        TicketLedger ledger = TicketLedger.empty();
        for (PaymentFact fact : facts) {
            ledger = ledger.apply(fact);
        }
        return ledger;
    }

    @Test
    void aPaidTicketIsGrantedAndAFullRefundRevokesItWhateverTheOrder() {
        PaymentFact paid = fact(PaymentEventType.CHECKOUT_COMPLETED);
        PaymentFact refund = SampleEvents.payment("live_1", "cs_1")
                .setType(PaymentEventType.CHARGE_REFUNDED)
                .setFullyRefunded(true)
                .build();

        assertThat(fold(List.of(paid)).granted()).isTrue();
        assertThat(fold(List.of(paid, refund)).reason()).isEqualTo(EntitlementReason.REFUNDED);
        assertThat(fold(List.of(refund, paid)).entitlement()).isEqualTo(EntitlementEventType.REVOKED);
        assertThat(fold(List.of(refund)).entitlement())
                .as("never paid: nothing to grant or revoke")
                .isNull();
    }

    @Test
    void aLostDisputeIsFinalAndAWonOneRestoresInAnyOrderWithDuplicates() {
        PaymentFact paid = fact(PaymentEventType.CHECKOUT_COMPLETED);
        PaymentFact opened = fact(PaymentEventType.DISPUTE_OPENED);
        PaymentFact won = SampleEvents.payment("live_1", "cs_1")
                .setType(PaymentEventType.DISPUTE_CLOSED)
                .setDisputeOutcome(DisputeOutcome.WON)
                .build();
        PaymentFact lost = SampleEvents.payment("live_1", "cs_1")
                .setType(PaymentEventType.DISPUTE_CLOSED)
                .setDisputeOutcome(DisputeOutcome.LOST)
                .build();
        Random random = new Random(3);
        for (int i = 0; i < 20; i++) {
            List<PaymentFact> history = new ArrayList<>(List.of(paid, opened, won, opened, paid));
            Collections.shuffle(history, random);
            assertThat(fold(history).reason()).isEqualTo(EntitlementReason.DISPUTE_WON);
            history.add(random.nextInt(history.size() + 1), lost);
            assertThat(fold(history).reason()).isEqualTo(EntitlementReason.DISPUTE_LOST);
            assertThat(fold(history).granted()).isFalse();
        }
        assertThat(fold(List.of(paid, opened)).reason()).isEqualTo(EntitlementReason.DISPUTE_OPENED);
    }
}
