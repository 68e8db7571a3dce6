package io.stagepass.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EarningsTest {
    /** A 15.00 EUR destination charge: 15.00 transferred to acct_ada, 1.80 platform fee collected from it. */
    private static PaymentFact.Builder sale() {
        return SampleEvents.payment("live_1", "cs_1")
                .setDestinationAccountId("acct_ada")
                .setTransferredTotalMinor(1500L)
                .setReversedTotalMinor(0L)
                .setApplicationFeeMinor(180L)
                .setApplicationFeeRefundedTotalMinor(0L);
    }

    private static PaymentFact.Builder refund(long amount, long reversedTotal, long feeRefundedTotal) {
        return sale().setType(PaymentEventType.CHARGE_REFUNDED)
                .setStripeEventId("evt_refund_" + reversedTotal)
                .setFeeMinor(null)
                .setAmountMinor(amount)
                .setSettlementAmountMinor(amount)
                .setReversedTotalMinor(reversedTotal)
                .setApplicationFeeRefundedTotalMinor(feeRefundedTotal);
    }

    private static Earnings.Transfers fold(List<PaymentFact> facts) {
        Earnings.Transfers transfers = Earnings.Transfers.NONE;
        for (PaymentFact fact : facts) {
            transfers = transfers.apply(fact);
        }
        return transfers;
    }

    @Test
    void aSaleAndTwoPartialRefundsLeaveTheCreatorWhatWasTransferredLessWhatWasReversed() {
        List<PaymentFact> facts = List.of(
                sale().build(),
                refund(500, 500, 60).build(),
                refund(500, 1000, 120).build());
        Earnings.Transfers ticket = fold(facts);

        assertThat(ticket.destinationAccountId()).isEqualTo("acct_ada");
        assertThat(ticket.creatorMinor())
                .as("a third of 15.00 less a third of the fee")
                .isEqualTo(500 - 60);
        assertThat(ticket.platformFeeMinor()).isEqualTo(60);

        Earnings total = Earnings.ZERO;
        Earnings.Transfers before = Earnings.Transfers.NONE;
        for (PaymentFact fact : facts) {
            Earnings.Transfers after = before.apply(fact);
            total = total.plus(Earnings.of(RevenueDelta.of(fact), after.minus(before)));
            before = after;
        }
        assertThat(total.grossMinor()).isEqualTo(1500);
        assertThat(total.refundsMinor()).isEqualTo(1000);
        assertThat(total.creatorMinor()).isEqualTo(440);
        assertThat(total.transferredMinor() - total.reversedMinor()).isEqualTo(500);
        assertThat(total.platformFeesMinor()).isEqualTo(60);
        assertThat(total.stripeFeesMinor()).isEqualTo(47);
        assertThat(total.platformNetMinor())
                .as("Stripe keeps its fee on a refund")
                .isEqualTo(60 - 47);
    }

    @Test
    void theFoldIsTheSameInAnyOrderAndWithDuplicates() {
        PaymentFact disputeOpened = sale().setType(PaymentEventType.DISPUTE_OPENED)
                .setStripeEventId("evt_dp")
                .setReversedTotalMinor(1500L)
                .build();
        PaymentFact disputeWon = sale().setType(PaymentEventType.DISPUTE_CLOSED)
                .setStripeEventId("evt_dp_won")
                .setDisputeOutcome(DisputeOutcome.WON)
                .setTransferredTotalMinor(3000L)
                .setReversedTotalMinor(1500L)
                .build();
        List<PaymentFact> facts = new ArrayList<>(List.of(sale().build(), disputeOpened, disputeWon, disputeOpened));
        Random random = new Random(7);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(facts, random);
            Earnings.Transfers ticket = fold(facts);
            assertThat(ticket.creatorMinor())
                    .as("a won dispute gives the creator back what it took")
                    .isEqualTo(1500 - 180);
        }
    }

    @Test
    void aChargeThatStaysOnThePlatformMovesNothingToACreator() {
        Earnings.Transfers ticket = Earnings.Transfers.NONE.apply(
                SampleEvents.payment("live_1", "cs_1").build());
        assertThat(ticket).isEqualTo(Earnings.Transfers.NONE);
    }
}
