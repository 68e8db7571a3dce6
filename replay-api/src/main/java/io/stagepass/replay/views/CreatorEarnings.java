package io.stagepass.replay.views;

import io.stagepass.events.Earnings;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueDelta;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each creator is paid, folded from the payment facts of destination charges with the contract's {@link Earnings}
 * rules: per live and settlement currency, and one statement line per fact that moved money. Each Stripe event counts
 * once however often it is delivered, and the Connect totals fold by their highest value, so the sums are the same in
 * any order. Charges that stayed in the platform's account (no transfer) are not a creator's earnings and are left out.
 */
public final class CreatorEarnings implements Projection<PaymentFact> {
    public static final String NAME = "earnings";

    /** One fact's part of a creator's money, for statements. */
    public record Line(
            Instant at,
            String liveId,
            String ticketId,
            PaymentEventType type,
            String chargeCurrency,
            String currency,
            Earnings amounts) {}

    /** A creator's earnings in one settlement currency for one live. */
    public record LiveTotal(String liveId, String currency, Earnings amounts) {}

    private static final class Creator {
        final Set<String> seen = new HashSet<>();
        final Map<String, Earnings.Transfers> tickets = new HashMap<>();
        final Map<String, Map<String, Earnings>> byLive = new TreeMap<>();
        final List<Line> lines = new ArrayList<>();
    }

    private final Map<String, Creator> byCreator = new ConcurrentHashMap<>();

    @Override
    public Optional<String> put(String key, PaymentFact fact) {
        if (fact.getCreatorId() == null || fact.getDestinationAccountId() == null) {
            return Optional.empty();
        }
        Creator creator = byCreator.computeIfAbsent(fact.getCreatorId(), id -> new Creator());
        synchronized (creator) {
            if (!creator.seen.add(fact.getStripeEventId())) {
                return Optional.empty();
            }
            Earnings.Transfers before = creator.tickets.getOrDefault(fact.getTicketId(), Earnings.Transfers.NONE);
            Earnings.Transfers after = before.apply(fact);
            creator.tickets.put(fact.getTicketId(), after);
            Earnings part = Earnings.of(RevenueDelta.of(fact), after.minus(before));
            String currency = RevenueDelta.settlementCurrency(fact);
            creator.byLive
                    .computeIfAbsent(fact.getLiveId(), id -> new TreeMap<>())
                    .merge(currency, part, Earnings::plus);
            creator.lines.add(new Line(
                    fact.getOccurredAt(),
                    fact.getLiveId(),
                    fact.getTicketId(),
                    fact.getType(),
                    fact.getCurrency(),
                    currency,
                    part));
        }
        return Optional.of(fact.getCreatorId());
    }

    /** The creator's earnings per live and settlement currency. */
    public List<LiveTotal> lives(String creatorId) {
        Creator creator = byCreator.get(creatorId);
        if (creator == null) {
            return List.of();
        }
        List<LiveTotal> totals = new ArrayList<>();
        synchronized (creator) {
            creator.byLive.forEach((liveId, currencies) ->
                    currencies.forEach((currency, amounts) -> totals.add(new LiveTotal(liveId, currency, amounts))));
        }
        return totals;
    }

    /** The creator's earnings per settlement currency, all lives together. */
    public Map<String, Earnings> totals(String creatorId) {
        Map<String, Earnings> totals = new TreeMap<>();
        for (LiveTotal live : lives(creatorId)) {
            totals.merge(live.currency(), live.amounts(), Earnings::plus);
        }
        return totals;
    }

    /** Every line of the creator's money, in the order the facts were counted. */
    public List<Line> lines(String creatorId) {
        Creator creator = byCreator.get(creatorId);
        if (creator == null) {
            return List.of();
        }
        synchronized (creator) {
            return List.copyOf(creator.lines);
        }
    }

    /** Every creator with earnings, for the operator's fee report. */
    public Set<String> creators() {
        return Set.copyOf(byCreator.keySet());
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.empty(); // a fact topic: no tombstones
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topic topic() {
        return Topic.PAYMENTS;
    }

    @Override
    public int size() {
        return byCreator.size();
    }
}
