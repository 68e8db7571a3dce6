package io.stagepass.acceptance.facts;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.events.RevenueMetric;

/**
 * A live's revenue in one currency, in minor units, as every part that shows it must agree: the revenue job's running
 * total, the creators' API, the lake's curated tables, and the ground truth of what was paid and refunded.
 */
public record RevenueTotals(long gross, long fees, long refunds, long net, long sold, long refunded) {
    /** The ground truth of tickets at one price: what was paid, Stripe's fees on it, what was refunded in full. */
    public static RevenueTotals ofTickets(long priceMinor, long sold, long feesMinor, long refunded) {
        long gross = sold * priceMinor;
        long refunds = refunded * priceMinor;
        return new RevenueTotals(gross, feesMinor, refunds, gross - feesMinor - refunds, sold, refunded);
    }

    /** The revenue job's total. */
    public static RevenueTotals of(RevenueMetric total) {
        return new RevenueTotals(
                total.getGrossMinor(),
                total.getFeesMinor(),
                total.getRefundsMinor(),
                total.getNetMinor(),
                total.getTicketsSold(),
                total.getTicketsRefunded());
    }

    /** The creators' API's {@code totals} object (in {@code GET /v1/lives/{id}/revenue} and the events stream). */
    public static RevenueTotals ofApi(JsonNode totals) {
        return new RevenueTotals(
                totals.path("grossMinor").asLong(),
                totals.path("feesMinor").asLong(),
                totals.path("refundsMinor").asLong(),
                totals.path("netMinor").asLong(),
                totals.path("ticketsSold").asLong(),
                totals.path("ticketsRefunded").asLong());
    }

    /**
     * The totals of the first currency of a revenue answer or event ({@code {"currencies": [{"totals": ...}]}}), all
     * zero while the live has no sale.
     */
    public static RevenueTotals ofFirstCurrency(JsonNode revenue) {
        JsonNode currencies = revenue.path("currencies");
        return currencies.isEmpty()
                ? new RevenueTotals(0, 0, 0, 0, 0, 0)
                : ofApi(currencies.get(0).path("totals"));
    }

    /** {@code gross fees refunds net sold refunded}, as the load prints the pipeline's and the ground truth's. */
    @Override
    public String toString() {
        return gross + " " + fees + " " + refunds + " " + net + " " + sold + " " + refunded;
    }
}
