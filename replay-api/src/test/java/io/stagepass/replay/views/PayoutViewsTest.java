package io.stagepass.replay.views;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.PayoutAccount;
import io.stagepass.events.PayoutAccountEventType;
import io.stagepass.events.PayoutEventType;
import io.stagepass.events.SampleEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PayoutViewsTest {
    @Test
    void anAccountKeepsItsNewestStateWhateverOrderItIsWrittenIn() {
        PayoutAccount enabled = SampleEvents.payoutAccount("creator_1")
                .setOccurredAt(Instant.parse("2026-12-05T10:00:02Z"))
                .build();
        PayoutAccount pending = PayoutAccount.newBuilder(enabled)
                .setOccurredAt(Instant.parse("2026-12-05T10:00:01Z"))
                .setChargesEnabled(false)
                .build();
        PayoutAccount created = PayoutAccount.newBuilder(pending)
                .setOccurredAt(Instant.parse("2026-12-05T10:00:05Z"))
                .setType(PayoutAccountEventType.CREATED)
                .build();
        PayoutAccounts view = new PayoutAccounts();
        PayoutAccount createdFirst = PayoutAccount.newBuilder(created)
                .setOccurredAt(Instant.parse("2026-12-05T10:00:02.700Z"))
                .build();
        view.put("creator_1", createdFirst);
        assertThat(view.put("creator_1", enabled))
                .as("Stripe's word replaces the API's, though its time has whole seconds only")
                .isPresent();
        assertThat(view.put("creator_1", pending))
                .as("an older update overtook")
                .isEmpty();
        assertThat(view.put("creator_1", created))
                .as("a late CREATED of the same account")
                .isEmpty();
        assertThat(view.canSell("creator_1")).isTrue();
        assertThat(view.canSell("creator_2")).isFalse();
    }

    @Test
    void aPayoutThatFailedAfterItWasPaidIsFailedInEitherOrder() {
        var paid = SampleEvents.payout("creator_1", 1320).build();
        var failed = io.stagepass.events.Payout.newBuilder(paid)
                .setStripeEventId("evt_failed")
                .setType(PayoutEventType.FAILED)
                .build();
        Payouts inOrder = new Payouts();
        inOrder.put("creator_1", paid);
        inOrder.put("creator_1", paid);
        inOrder.put("creator_1", failed);
        Payouts overtaken = new Payouts();
        overtaken.put("creator_1", failed);
        overtaken.put("creator_1", paid);
        assertThat(inOrder.of("creator_1"))
                .singleElement()
                .extracting(p -> p.getType())
                .isEqualTo(PayoutEventType.FAILED);
        assertThat(overtaken.of("creator_1"))
                .singleElement()
                .extracting(p -> p.getType())
                .isEqualTo(PayoutEventType.FAILED);
    }
}
