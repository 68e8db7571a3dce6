package io.stagepass.replay.views;

import io.stagepass.events.Payout;
import io.stagepass.events.PayoutEventType;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each creator's payouts from their connected account to their bank, one state per payout: a payout Stripe reported
 * paid and then failed (it can: the bank sends it back) is failed, whatever order the events came in.
 */
public final class Payouts implements Projection<Payout> {
    public static final String NAME = "payouts";

    private final Map<String, Map<String, Payout>> byCreator = new ConcurrentHashMap<>();

    /** The creator's payouts, oldest first. */
    public List<Payout> of(String creatorId) {
        Map<String, Payout> payouts = byCreator.get(creatorId);
        if (payouts == null) {
            return List.of();
        }
        synchronized (payouts) {
            return new ArrayList<>(payouts.values());
        }
    }

    @Override
    public Optional<String> put(String key, Payout payout) {
        Map<String, Payout> payouts = byCreator.computeIfAbsent(payout.getCreatorId(), id -> new LinkedHashMap<>());
        synchronized (payouts) {
            Payout held = payouts.get(payout.getPayoutId());
            if (held != null && (held.getType() == PayoutEventType.FAILED || held.getType() == payout.getType())) {
                return Optional.empty(); // a redelivery, or a paid that a failure already overtook
            }
            payouts.put(payout.getPayoutId(), payout);
        }
        return Optional.of(payout.getCreatorId());
    }

    @Override
    public Optional<String> remove(String key) {
        return Optional.empty();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topic topic() {
        return Topic.PAYOUTS;
    }

    @Override
    public int size() {
        return byCreator.values().stream().mapToInt(Map::size).sum();
    }
}
