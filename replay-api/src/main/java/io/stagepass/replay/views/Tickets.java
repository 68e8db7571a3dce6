package io.stagepass.replay.views;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.TicketLedger;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every ticket of every live, folded from the payment facts through the contract's {@link TicketLedger}. Reading the
 * facts here, not waiting for the entitlements job's checkpoints, is what stops a refunded ticket's playback within a
 * second of Stripe's webhook.
 */
public final class Tickets implements Projection<PaymentFact> {
    public static final String NAME = "tickets";

    private final Map<String, Map<String, TicketLedger>> byLive = new ConcurrentHashMap<>();

    public Optional<TicketLedger> ticket(String liveId, String ticketId) {
        Map<String, TicketLedger> tickets = byLive.get(liveId);
        return tickets == null ? Optional.empty() : Optional.ofNullable(tickets.get(ticketId));
    }

    @Override
    public Optional<String> put(String key, PaymentFact fact) {
        byLive.computeIfAbsent(fact.getLiveId(), id -> new ConcurrentHashMap<>())
                .merge(fact.getTicketId(), TicketLedger.empty().apply(fact), (ledger, ignored) -> ledger.apply(fact));
        return Optional.of(fact.getLiveId());
    }

    @Override
    public Optional<String> remove(String liveId) {
        return byLive.remove(liveId) == null ? Optional.empty() : Optional.of(liveId);
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
        return byLive.values().stream().mapToInt(Map::size).sum();
    }
}
