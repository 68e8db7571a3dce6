package io.stagepass.replay.views;

import io.stagepass.events.PayoutAccount;
import io.stagepass.events.PayoutAccountEventType;
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

    /**
     * Keeps the newest state: two deliveries of account.updated handled at once can be written in either order, and
     * the replay API's CREATED (read back as the account was made) never replaces what Stripe said of it since.
     */
    @Override
    public Optional<String> put(String creatorId, PayoutAccount account) {
        PayoutAccount kept =
                byCreator.merge(account.getCreatorId(), account, (held, arriving) -> newer(held, arriving));
        return kept == account ? Optional.of(account.getCreatorId()) : Optional.empty();
    }

    static PayoutAccount newer(PayoutAccount held, PayoutAccount arriving) {
        if (!held.getStripeAccountId().equals(arriving.getStripeAccountId())) {
            return arriving; // a new account for the creator: the latest word
        }
        if (arriving.getType() != held.getType()) {
            return arriving.getType() == PayoutAccountEventType.UPDATED ? arriving : held; // Stripe's word wins
        }
        // Between two of Stripe's: the later event (its time has whole seconds; a tie goes to the one read later).
        return arriving.getOccurredAt().isBefore(held.getOccurredAt()) ? held : arriving;
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
