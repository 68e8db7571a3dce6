package io.stagepass.pipeline.entitlements;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.Entitlement;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The entitlement state machine on Flink's keyed operator harness: outputs, and no timers left behind. */
class EntitlementFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, PaymentFact, Entitlement> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new EntitlementFunction(), PaymentFact::getTicketId, Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @Test
    void grantsOnPaymentRevokesOnFullRefundAndIgnoresPartialRefundsAndDuplicates() throws Exception {
        PaymentFact paid = fact(PaymentEventType.CHECKOUT_COMPLETED).build();
        send(
                paid,
                paid,
                fact(PaymentEventType.CHARGE_REFUNDED).setAmountMinor(500).build(),
                fact(PaymentEventType.CHARGE_REFUNDED).setFullyRefunded(true).build());

        assertThat(outputs()).containsExactly("GRANTED/PAID", "REVOKED/REFUNDED");
        assertThat(harness.numKeyedStateEntries())
                .as("one ticket's state, kept for later refunds")
                .isEqualTo(1);
    }

    @Test
    void aDisputeRevokesUntilWonAndALostOneIsFinal() throws Exception {
        send(
                fact(PaymentEventType.CHECKOUT_COMPLETED).build(),
                fact(PaymentEventType.DISPUTE_OPENED).build(),
                fact(PaymentEventType.DISPUTE_CLOSED)
                        .setDisputeOutcome(DisputeOutcome.WON)
                        .build());
        assertThat(outputs()).containsExactly("GRANTED/PAID", "REVOKED/DISPUTE_OPENED", "GRANTED/DISPUTE_WON");

        harness.getOutput().clear();
        send(
                fact("cs_2", PaymentEventType.CHECKOUT_COMPLETED).build(),
                fact("cs_2", PaymentEventType.DISPUTE_OPENED).build(),
                fact("cs_2", PaymentEventType.DISPUTE_CLOSED)
                        .setDisputeOutcome(DisputeOutcome.LOST)
                        .build(),
                fact("cs_2", PaymentEventType.DISPUTE_CLOSED)
                        .setDisputeOutcome(DisputeOutcome.WON)
                        .build());
        assertThat(outputs()).containsExactly("GRANTED/PAID", "REVOKED/DISPUTE_OPENED", "REVOKED/DISPUTE_LOST");
    }

    @Test
    void aDisputeClosedWithoutAnOutcomeRestoresTheTicket() throws Exception {
        send(
                fact(PaymentEventType.CHECKOUT_COMPLETED).build(),
                fact(PaymentEventType.DISPUTE_OPENED).build(),
                fact(PaymentEventType.DISPUTE_CLOSED).setDisputeOutcome(null).build());

        assertThat(outputs()).containsExactly("GRANTED/PAID", "REVOKED/DISPUTE_OPENED", "GRANTED/DISPUTE_WON");
    }

    @Test
    void aRefundBeforeItsCompletionStillEndsRevoked() throws Exception {
        send(
                fact(PaymentEventType.CHARGE_REFUNDED).setFullyRefunded(true).build(),
                fact(PaymentEventType.CHECKOUT_COMPLETED).build());

        assertThat(outputs()).containsExactly("REVOKED/REFUNDED");
    }

    @Test
    void delayedPaymentsGrantOnlyWhenTheySucceed() throws Exception {
        send(
                fact(PaymentEventType.CHECKOUT_COMPLETED).setPaid(false).build(),
                fact(PaymentEventType.ASYNC_PAYMENT_FAILED).build(),
                fact(PaymentEventType.CHECKOUT_EXPIRED).build());
        assertThat(outputs()).as("a failed delayed payment grants nothing").isEmpty();

        send(
                fact("cs_3", PaymentEventType.CHECKOUT_COMPLETED).setPaid(false).build(),
                fact("cs_3", PaymentEventType.ASYNC_PAYMENT_SUCCEEDED).build());
        assertThat(outputs()).containsExactly("GRANTED/PAID");
    }

    private void send(PaymentFact... facts) throws Exception {
        for (PaymentFact fact : facts) {
            harness.processElement(fact, fact.getOccurredAt().toEpochMilli());
        }
    }

    private List<String> outputs() {
        return harness.extractOutputValues().stream()
                .map(e -> e.getType() + "/" + e.getReason())
                .toList();
    }

    private static PaymentFact.Builder fact(PaymentEventType type) {
        return fact("cs_1", type);
    }

    private static PaymentFact.Builder fact(String ticket, PaymentEventType type) {
        return SampleEvents.payment("live_1", ticket).setType(type);
    }
}
