package io.stagepass.replay.payouts;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.Account;
import com.stripe.model.AccountLink;
import com.stripe.net.RequestOptions;
import com.stripe.param.AccountCreateParams;
import com.stripe.param.AccountLinkCreateParams;
import io.stagepass.events.Creator;
import io.stagepass.platform.config.StripeSettings;

/**
 * The replay API's Stripe Connect calls: an Express account per creator (one, whatever the retries: the idempotency
 * key is the creator's id, and the account carries it as metadata, which is how ingest knows whose account a Connect
 * event is about), and a fresh Account Link for each visit to Stripe's onboarding (links are single-use and expire in
 * minutes, so none is kept).
 */
public final class ConnectAccounts {
    public static final String CREATOR_ID = "creator_id";

    private final StripeClient stripe;

    public ConnectAccounts(StripeSettings settings) {
        this.stripe = io.stagepass.replay.checkout.StripeClients.of(settings);
    }

    /** The creator's Express account, made once, read back as Stripe has it now. */
    public Account create(Creator creator) throws StripeException {
        AccountCreateParams.Builder params = AccountCreateParams.builder()
                .setType(AccountCreateParams.Type.EXPRESS)
                .putMetadata(CREATOR_ID, creator.getCreatorId())
                .setCapabilities(AccountCreateParams.Capabilities.builder()
                        .setTransfers(AccountCreateParams.Capabilities.Transfers.builder()
                                .setRequested(true)
                                .build())
                        .build());
        if (creator.getEmail() != null) {
            params.setEmail(creator.getEmail());
        }
        RequestOptions once = RequestOptions.builder()
                .setIdempotencyKey("stagepass-account-" + creator.getCreatorId())
                .build();
        Account made;
        try {
            made = stripe.accounts().create(params.build(), once);
        } catch (com.stripe.exception.IdempotencyException e) {
            // Two clicks at once: the first request still runs; its answer comes to a retry a moment later.
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw e;
            }
            made = stripe.accounts().create(params.build(), once);
        }
        return stripe.accounts().retrieve(made.getId());
    }

    /** A new single-use link to Stripe's hosted onboarding for the account. */
    public AccountLink onboardingLink(String accountId, String refreshUrl, String returnUrl) throws StripeException {
        return stripe.accountLinks()
                .create(AccountLinkCreateParams.builder()
                        .setAccount(accountId)
                        .setType(AccountLinkCreateParams.Type.ACCOUNT_ONBOARDING)
                        .setRefreshUrl(refreshUrl)
                        .setReturnUrl(returnUrl)
                        .build());
    }
}
