package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RevenueDeltaTest {
    @Test
    void aTicketSoldAndRefundedInTheAccountsCurrencyNetsToMinusTheFee() {
        RevenueDelta sold =
                RevenueDelta.of(SampleEvents.payment("live_1", "cs_1").build());
        RevenueDelta refunded = RevenueDelta.of(SampleEvents.payment("live_1", "cs_1")
                .setType(PaymentEventType.CHARGE_REFUNDED)
                .setFeeMinor(null)
                .setFullyRefunded(true)
                .build());

        RevenueDelta total = sold.plus(refunded);
        assertThat(total.grossMinor()).isEqualTo(1500);
        assertThat(total.refundsMinor()).isEqualTo(1500);
        assertThat(total.feesMinor()).isEqualTo(47);
        assertThat(total.netMinor()).isEqualTo(-47);
        assertThat(total.ticketsSold()).isEqualTo(1);
        assertThat(total.ticketsRefunded()).isEqualTo(1);
    }

    @Test
    void aConvertedChargeCountsFeesAndNetInTheSettlementCurrency() {
        // A 20.00 USD ticket on a EUR account: Stripe settles 18.40 EUR and takes 0.53 EUR.
        PaymentFact usd = SampleEvents.convertedSale("live_1", "cs_1").build();
        RevenueDelta sold = RevenueDelta.of(usd);
        assertThat(sold.grossMinor()).as("gross stays in the charge's currency").isEqualTo(2000);
        assertThat(sold.feesMinor()).isEqualTo(53);
        assertThat(sold.netMinor()).as("the balance transaction's net").isEqualTo(1787);
        assertThat(RevenueDelta.settlementCurrency(usd)).isEqualTo("EUR");

        RevenueDelta partial =
                RevenueDelta.of(SampleEvents.convertedRefund("live_1", "cs_1").build());
        RevenueDelta total = sold.plus(partial);
        assertThat(total.refundsMinor()).isEqualTo(500);
        assertThat(total.netMinor()).isEqualTo(1840 - 53 - 460);
        assertThat(total.ticketsRefunded())
                .as("a partial refund keeps the ticket")
                .isZero();
    }

    @Test
    void aDisputeHoldsTheMoneyThenReleasesItIfWonOrLosesItForGood() {
        PaymentFact.Builder base = SampleEvents.payment("live_1", "cs_1").setFeeMinor(null);
        RevenueDelta sold =
                RevenueDelta.of(SampleEvents.payment("live_1", "cs_1").build());
        RevenueDelta opened =
                RevenueDelta.of(base.setType(PaymentEventType.DISPUTE_OPENED).build());
        RevenueDelta held = sold.plus(opened);
        assertThat(held.disputesHeldMinor()).isEqualTo(1500);
        assertThat(held.netMinor()).isEqualTo(-47);

        RevenueDelta won = held.plus(RevenueDelta.of(base.setType(PaymentEventType.DISPUTE_CLOSED)
                .setDisputeOutcome(DisputeOutcome.WON)
                .build()));
        assertThat(won.disputesHeldMinor()).isZero();
        assertThat(won.disputesWonMinor()).isEqualTo(1500);
        assertThat(won.netMinor()).isEqualTo(1500 - 47);

        RevenueDelta lost = held.plus(RevenueDelta.of(base.setType(PaymentEventType.DISPUTE_CLOSED)
                .setDisputeOutcome(DisputeOutcome.LOST)
                .build()));
        assertThat(lost.disputesLostMinor()).isEqualTo(1500);
        assertThat(lost.netMinor()).isEqualTo(-47);
    }

    @Test
    void anUnpaidCheckoutAndAFailedOrExpiredOneAddNothing() {
        assertThat(RevenueDelta.of(
                        SampleEvents.payment("live_1", "cs_1").setPaid(false).build()))
                .isEqualTo(RevenueDelta.ZERO);
        assertThat(RevenueDelta.of(SampleEvents.payment("live_1", "cs_1")
                        .setType(PaymentEventType.CHECKOUT_EXPIRED)
                        .build()))
                .isEqualTo(RevenueDelta.ZERO);
    }
}
