package io.stagepass.replay.views;

import io.stagepass.events.PayoutAccount;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Each creator's Stripe Connect account as last reported: whether their tickets can be sold, and paid out. */
public final class PayoutAccounts implements Projection<PayoutAccount> {
    public static final String NAME = "payout-accounts";

    private final Map<String, PayoutAccount> byCreator = new ConcurrentHashMap<>();

    public Optional<PayoutAccount> of(String creatorId) {
        return Optional.ofNullable(byCreator.get(creatorId));
    }

    /** Whether Stagepass may sell the creator's tickets now: Stripe lets charges transfer to their account. */
    public boolean canSell(String creatorId) {
        return of(creatorId).map(PayoutAccount::getChargesEnabled).orElse(false);
    }

    @Override
    public Optional<String> put(String creatorId, PayoutAccount account) {
        byCreator.put(account.getCreatorId(), account);
        return Optional.of(account.getCreatorId());
    }

    @Override
    public Optional<String> remove(String creatorId) {
        return byCreator.remove(creatorId) == null ? Optional.empty() : Optional.of(creatorId);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topic topic() {
        return Topic.PAYOUT_ACCOUNTS;
    }

    @Override
    public int size() {
        return byCreator.size();
    }
}
