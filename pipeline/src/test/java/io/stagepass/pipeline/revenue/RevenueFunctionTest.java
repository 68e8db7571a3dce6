package io.stagepass.pipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.SampleEvents;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RevenueFunctionTest {
    private KeyedOneInputStreamOperatorTestHarness<String, PaymentFact, RevenueMetric> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new RevenueFunction(), fact -> fact.getLiveId() + "|" + fact.getCurrency(), Types.STRING);
    }

    @AfterEach
    void close() throws Exception {
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        harness.close();
    }

    @Test
    void countsEachStripeEventOnceAndKeepsNetToTheCent() throws Exception {
        PaymentFact sale = payment("cs_1", PaymentEventType.CHECKOUT_COMPLETED)
                .setAmountMinor(1500)
                .setFeeMinor(74L)
                .build();
        send(
                sale,
                sale,
                payment("cs_2", PaymentEventType.CHECKOUT_COMPLETED)
                        .setAmountMinor(1500)
                        .setFeeMinor(74L)
                        .build(),
                payment("cs_1", PaymentEventType.CHARGE_REFUNDED)
                        .setAmountMinor(500)
                        .build(),
                payment("cs_2", PaymentEventType.DISPUTE_OPENED)
                        .setAmountMinor(1500)
                        .build(),
                payment("cs_2", PaymentEventType.DISPUTE_CLOSED)
                        .setAmountMinor(1500)
                        .setDisputeOutcome(DisputeOutcome.LOST)
                        .build(),
                payment("cs_3", PaymentEventType.CHECKOUT_COMPLETED)
                        .setPaid(false)
                        .setAmountMinor(1500)
                        .build());

        RevenueMetric total = lastTotal(null);
        assertThat(total.getGrossMinor()).isEqualTo(3000);
        assertThat(total.getFeesMinor()).isEqualTo(148);
        assertThat(total.getRefundsMinor()).isEqualTo(500);
        assertThat(total.getDisputesHeldMinor()).isZero();
        assertThat(total.getDisputesLostMinor()).isEqualTo(1500);
        assertThat(total.getNetMinor()).isEqualTo(3000 - 148 - 500 - 1500);
        assertThat(total.getTicketsSold())
                .as("the unpaid delayed payment is not sold yet")
                .isEqualTo(2);
        assertThat(total.getTicketsDisputed()).isEqualTo(1);
        assertThat(lastTotal("standard").getGrossMinor()).as("per tier").isEqualTo(3000);
    }

    @Test
    void aBurstOfFactsMakesOneTotalPerKeyAndTierAndTheSameTotalsTheSameId() throws Exception {
        PaymentFact[] burst = new PaymentFact[50];
        for (int i = 0; i < burst.length; i++) {
            burst[i] = payment("cs_" + i, PaymentEventType.CHECKOUT_COMPLETED)
                    .setAmountMinor(1000)
                    .build();
        }
        send(burst);
        assertThat(harness.extractOutputValues()).hasSize(2); // all tiers, and "standard"
        assertThat(lastTotal(null).getTicketsSold()).isEqualTo(50);
        assertThat(lastTotal(null).getGrossMinor()).isEqualTo(50_000);

        // The same history again (a replay after a restore) gives the same event id.
        KeyedOneInputStreamOperatorTestHarness<String, PaymentFact, RevenueMetric> replay =
                ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                        new RevenueFunction(), fact -> fact.getLiveId() + "|" + fact.getCurrency(), Types.STRING);
        for (PaymentFact fact : burst) {
            replay.processElement(fact, fact.getOccurredAt().toEpochMilli());
        }
        replay.setProcessingTime(RevenueFunction.EMIT_EVERY.toMillis());
        assertThat(replay.extractOutputValues().get(0).getEventId())
                .isEqualTo(harness.extractOutputValues().get(0).getEventId());
        replay.close();
    }

    @Test
    void neverMixesCurrencies() throws Exception {
        send(
                payment("cs_1", PaymentEventType.CHECKOUT_COMPLETED)
                        .setAmountMinor(1500)
                        .build(),
                payment("cs_2", PaymentEventType.CHECKOUT_COMPLETED)
                        .setAmountMinor(2000)
                        .setCurrency("USD")
                        .build());

        List<RevenueMetric> totals = harness.extractOutputValues().stream()
                .filter(m -> m.getTier() == null)
                .toList();
        assertThat(totals)
                .extracting(RevenueMetric::getCurrency, RevenueMetric::getGrossMinor)
                .containsExactly(Tuple.tuple("EUR", 1500L), Tuple.tuple("USD", 2000L));
    }

    private RevenueMetric lastTotal(String tier) {
        List<RevenueMetric> outputs = harness.extractOutputValues().stream()
                .filter(m -> tier == null ? m.getTier() == null : tier.equals(m.getTier()))
                .toList();
        return outputs.get(outputs.size() - 1);
    }

    /** Sends the facts, then lets processing time pass so the changed totals are emitted. */
    private void send(PaymentFact... facts) throws Exception {
        for (PaymentFact fact : facts) {
            harness.processElement(fact, fact.getOccurredAt().toEpochMilli());
        }
        harness.setProcessingTime(harness.getProcessingTime() + RevenueFunction.EMIT_EVERY.toMillis());
    }

    private static PaymentFact.Builder payment(String ticket, PaymentEventType type) {
        return SampleEvents.payment("live_1", ticket).setType(type);
    }
}
