package io.stagepass.acceptance.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.SampleEvents;
import org.junit.jupiter.api.Test;

class RevenueTotalsTest {
    @Test
    void theGroundTruthOfTicketsAtOnePrice() {
        RevenueTotals demo = RevenueTotals.ofTickets(1500, 3, 144, 1);

        assertThat(demo).isEqualTo(new RevenueTotals(4500, 144, 1500, 2856, 3, 1));
        assertThat(demo).hasToString("4500 144 1500 2856 3 1");
    }

    @Test
    void thePipelinesTotalAndTheApisReadTheSame() throws Exception {
        RevenueMetric total = RevenueMetric.newBuilder()
                .setEventId("e")
                .setOccurredAt(java.time.Instant.EPOCH)
                .setType(RevenueMetricType.TOTAL)
                .setLiveId("live_1")
                .setCurrency(SampleEvents.CURRENCY)
                .setGrossMinor(4500)
                .setFeesMinor(144)
                .setRefundsMinor(1500)
                .setDisputesHeldMinor(0)
                .setDisputesLostMinor(0)
                .setDisputesWonMinor(0)
                .setNetMinor(2856)
                .setTicketsSold(3)
                .setTicketsRefunded(1)
                .setTicketsDisputed(0)
                .build();
        String api = "{\"grossMinor\": 4500, \"feesMinor\": 144, \"refundsMinor\": 1500, \"netMinor\": 2856,"
                + " \"ticketsSold\": 3, \"ticketsRefunded\": 1}";

        assertThat(RevenueTotals.of(total)).isEqualTo(RevenueTotals.ofApi(new ObjectMapper().readTree(api)));
    }
}
