package io.stagepass.pipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.SampleEvents;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RevenueTotalsTest {
    @Test
    void aConvertedChargeKeepsGrossInItsCurrencyAndFeesAndNetInTheSettlementCurrency() {
        RevenueTotals totals = new RevenueTotals();
        totals.add(SampleEvents.convertedSale("live_1", "cs_1").build());
        totals.add(SampleEvents.convertedRefund("live_1", "cs_1").build());

        RevenueMetric metric = totals.toMetric(RevenueMetricType.TOTAL, "live_1", null, "USD", null)
                .setEventId("e")
                .setOccurredAt(Instant.EPOCH)
                .build();
        assertThat(metric.getCurrency()).isEqualTo("USD");
        assertThat(metric.getGrossMinor()).isEqualTo(2000);
        assertThat(metric.getRefundsMinor()).isEqualTo(500);
        assertThat(metric.getSettlementCurrency()).isEqualTo("EUR");
        assertThat(metric.getFeesMinor()).isEqualTo(53);
        assertThat(metric.getNetMinor())
                .as("1840 settled − 53 fee − 460 refunded, in EUR")
                .isEqualTo(1327);
    }

    @Test
    void totalsRestoredFromBeforeSettlementAmountsExistedKeepTheirNet() {
        // What a checkpoint of the previous version restores: amounts in one currency, no settled amounts.
        RevenueTotals restored = new RevenueTotals();
        restored.grossMinor = 4500;
        restored.feesMinor = 141;
        restored.refundsMinor = 1500;
        restored.ticketsSold = 3;
        assertThat(restored.netMinor()).isEqualTo(2859);

        restored.add(SampleEvents.payment("live_1", "cs_4").build()); // 1500, fee 47, no settlement fields
        assertThat(restored.grossMinor).isEqualTo(6000);
        assertThat(restored.netMinor()).isEqualTo(2859 + 1500 - 47);
    }

    @Test
    void mergingMinutesAddsEveryAmount() {
        RevenueTotals a = new RevenueTotals();
        a.add(SampleEvents.payment("live_1", "cs_1").build());
        RevenueTotals b = new RevenueTotals();
        b.add(SampleEvents.payment("live_1", "cs_2").build());
        a.merge(b);
        assertThat(a.grossMinor).isEqualTo(3000);
        assertThat(a.ticketsSold).isEqualTo(2);
        assertThat(a.netMinor()).isEqualTo(3000 - 94);
    }
}
