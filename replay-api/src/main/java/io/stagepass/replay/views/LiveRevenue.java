package io.stagepass.replay.views;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueDelta;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;

/**
 * One live's revenue as its payment facts arrive, folded with the contract's {@link RevenueDelta} (the rules the
 * revenue job uses): totals, and per event-time minute, per charge currency, for all tiers and per tier. Each Stripe
 * event counts once, however often it is redelivered. What creators' dashboards show within a second of a webhook;
 * the revenue job's totals, exactly once on its checkpoints, are the same numbers a few seconds later.
 */
public final class LiveRevenue {
    /** All tiers together are kept under this name. */
    public static final String ALL = "*";

    /** One charge currency of the live. */
    public record Line(
            String currency,
            String settlementCurrency,
            RevenueDelta totals,
            Map<String, RevenueDelta> tiers,
            List<Minute> minutes,
            Map<String, List<Minute>> tierMinutes) {}

    public record Minute(Instant start, RevenueDelta amounts) {}

    private static final class Sums {
        String settlementCurrency;
        final Map<String, RevenueDelta> totals = new TreeMap<>();
        final Map<String, NavigableMap<Instant, RevenueDelta>> minutes = new TreeMap<>();
    }

    private final Set<String> seen = new HashSet<>();
    private final Map<String, Sums> byCurrency = new TreeMap<>();
    private Instant lastAt = Instant.EPOCH;

    /** Adds a fact; false when this Stripe event was counted already. */
    synchronized boolean add(PaymentFact fact) {
        if (!seen.add(fact.getStripeEventId())) {
            return false;
        }
        RevenueDelta delta = RevenueDelta.of(fact);
        Sums sums = byCurrency.computeIfAbsent(fact.getCurrency(), c -> new Sums());
        if (sums.settlementCurrency == null || fact.getSettlementCurrency() != null) {
            sums.settlementCurrency = RevenueDelta.settlementCurrency(fact);
        }
        Instant minute = fact.getOccurredAt().truncatedTo(ChronoUnit.MINUTES);
        List<String> tiers = fact.getTier() == null ? List.of(ALL) : List.of(ALL, fact.getTier());
        for (String tier : tiers) {
            sums.totals.merge(tier, delta, RevenueDelta::plus);
            sums.minutes.computeIfAbsent(tier, t -> new TreeMap<>()).merge(minute, delta, RevenueDelta::plus);
        }
        if (fact.getOccurredAt().isAfter(lastAt)) {
            lastAt = fact.getOccurredAt();
        }
        return true;
    }

    /** A copy, for answering a request while facts keep arriving. */
    public synchronized List<Line> lines() {
        List<Line> lines = new ArrayList<>();
        for (Map.Entry<String, Sums> currency : byCurrency.entrySet()) {
            Sums sums = currency.getValue();
            Map<String, RevenueDelta> tiers = new TreeMap<>(sums.totals);
            tiers.remove(ALL);
            Map<String, List<Minute>> tierMinutes = new TreeMap<>();
            sums.minutes.forEach((tier, series) -> {
                if (!tier.equals(ALL)) {
                    tierMinutes.put(tier, minutes(series));
                }
            });
            lines.add(new Line(
                    currency.getKey(),
                    sums.settlementCurrency,
                    sums.totals.getOrDefault(ALL, RevenueDelta.ZERO),
                    tiers,
                    minutes(sums.minutes.getOrDefault(ALL, new TreeMap<>())),
                    tierMinutes));
        }
        return lines;
    }

    /** When the newest fact counted happened. */
    public synchronized Instant lastAt() {
        return lastAt;
    }

    private static List<Minute> minutes(NavigableMap<Instant, RevenueDelta> series) {
        List<Minute> minutes = new ArrayList<>(series.size());
        series.forEach((start, amounts) -> minutes.add(new Minute(start, amounts)));
        return minutes;
    }
}
