package io.stagepass.replay.checkout;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.checkout.Session;
import com.stripe.net.RequestOptions;
import com.stripe.param.checkout.SessionCreateParams;
import io.stagepass.events.Live;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.TicketOffers;
import io.stagepass.events.TicketTier;
import io.stagepass.platform.config.StripeSettings;
import io.stagepass.replay.Links;
import java.util.Locale;
import java.util.Map;

/**
 * Stripe Checkout for a ticket: one Checkout Session per purchase through an instance {@link StripeClient}, priced
 * inline from the live's tier, with the offer as metadata (live, creator, tier, price, currency) signed in its {@code
 * client_reference_id} ({@link TicketOffers}: ingest grants a ticket only for a session charged as offered) and an
 * idempotency key, so that a retried request makes one session. The sale is a destination charge: the money goes to
 * the creator's Stripe Connect account, less the platform fee ({@code application_fee_amount}). Fulfilment is the
 * webhook's job, never the redirect's.
 */
public final class Checkout {
    private final StripeClient stripe;
    private final Links links;
    private final TicketOffers offers;

    public Checkout(StripeSettings settings, Links links, TicketOffers offers) {
        this.offers = offers;
        this.stripe = StripeClients.of(settings);
        this.links = links;
    }

    /**
     * The session a buyer pays in; {@code attempt} names this purchase attempt (a retry of it gets the same). The charge
     * transfers to {@code destination} (the creator's connected account), keeping {@code platformFeeMinor}.
     */
    public Session create(
            Live live, TicketTier tier, String email, String attempt, String destination, long platformFeeMinor)
            throws StripeException {
        Map<String, String> offer = TicketOffers.metadata(
                live.getLiveId(), live.getCreatorId(), tier.getTier(), tier.getPriceMinor(), live.getCurrency());
        SessionCreateParams.Builder params = SessionCreateParams.builder()
                .setMode(SessionCreateParams.Mode.PAYMENT)
                .setSuccessUrl(links.checkoutSuccess(live.getLiveId()))
                .setCancelUrl(links.checkoutCancel(live.getLiveId()))
                .putAllMetadata(offer)
                .setClientReferenceId(offers.reference(offer))
                .setPaymentIntentData(SessionCreateParams.PaymentIntentData.builder()
                        .setTransferData(SessionCreateParams.PaymentIntentData.TransferData.builder()
                                .setDestination(destination)
                                .build())
                        .setApplicationFeeAmount(platformFeeMinor)
                        .build())
                .addLineItem(SessionCreateParams.LineItem.builder()
                        .setQuantity(1L)
                        .setPriceData(SessionCreateParams.LineItem.PriceData.builder()
                                .setCurrency(live.getCurrency().toLowerCase(Locale.ROOT))
                                .setUnitAmount(tier.getPriceMinor())
                                .setProductData(SessionCreateParams.LineItem.PriceData.ProductData.builder()
                                        .setName(live.getTitle() + " · " + tier.getTier() + " ticket")
                                        .build())
                                .build())
                        .build());
        if (email != null) {
            params.setCustomerEmail(email);
        }
        RequestOptions options = RequestOptions.builder()
                .setIdempotencyKey(idempotencyKey(live.getLiveId(), tier.getTier(), email, attempt))
                .build();
        return stripe.checkout().sessions().create(params.build(), options);
    }

    /** The same purchase attempt, the same key: Stripe answers a retry with the session it made the first time. */
    static String idempotencyKey(String liveId, String tier, String email, String attempt) {
        return "checkout-"
                + StreamKeys.sha256(liveId + "|" + tier + "|" + (email == null ? "" : email) + "|" + attempt)
                        .substring(0, 40);
    }
}
