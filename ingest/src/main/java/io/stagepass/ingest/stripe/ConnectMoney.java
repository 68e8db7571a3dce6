package io.stagepass.ingest.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.StripeException;
import com.stripe.model.ApplicationFee;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.PaymentIntent;
import com.stripe.model.Refund;
import com.stripe.model.Transfer;
import com.stripe.model.TransferReversal;
import com.stripe.net.RequestOptions;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.RefundListParams;
import com.stripe.param.TransferCreateParams;
import com.stripe.param.TransferListParams;
import com.stripe.param.TransferReversalCreateParams;
import com.stripe.param.TransferReversalListParams;
import java.util.List;
import java.util.Optional;

/**
 * The money of a destination charge after the creator's connected account, made to follow every refund and dispute,
 * then read back as Stripe reports it. Stagepass's rules (docs/payouts.md), enforced here whoever started the refund
 * (the creator's refund, or an operator in Stripe's dashboard who did not tick "reverse transfer"):
 *
 * <ul>
 *   <li>a refund reverses the transfer in proportion to the refund and refunds the platform fee in the same proportion
 *       (the buyer's money comes back from whoever got it);
 *   <li>a dispute reverses the transfer in proportion to the disputed amount at once (Stripe debits the platform first;
 *       the creator's share is recovered), keeping the platform fee;
 *   <li>a dispute won, or closed without a loss, transfers that amount back to the creator.
 * </ul>
 *
 * Every write is found again before it is made (by the metadata it carries, so that a retry weeks later, past Stripe's
 * 24-hour idempotency window, still makes none twice) and carries an idempotency key (so that two deliveries handled at
 * once make one).
 */
public final class ConnectMoney {
    static final String REFUND = "stagepass_refund";
    static final String DISPUTE = "stagepass_dispute";

    /**
     * A charge's Connect totals as Stripe reports them, in minor units of the platform's settlement currency.
     *
     * @param destination            the creator's connected account
     * @param transferredMinor       the destination transfer plus any transfers back after won disputes
     * @param reversedMinor          reversed of those
     * @param applicationFeeMinor    the platform fee collected
     * @param applicationFeeRefundedMinor refunded of it
     */
    public record Totals(
            String destination,
            long transferredMinor,
            long reversedMinor,
            long applicationFeeMinor,
            long applicationFeeRefundedMinor) {}

    private final StripeClient client;

    public ConnectMoney(StripeClient client) {
        this.client = client;
    }

    /** The totals of a paid charge; empty when the charge stays in the platform's account (no transfer). */
    public Optional<Totals> paid(String paymentIntentId) throws StripeException {
        Optional<Charge> charge = destinationCharge(paymentIntentId);
        return charge.isEmpty() ? Optional.empty() : Optional.of(totals(charge.get()));
    }

    /** After a refund: every refund of the charge has reversed its share; then the totals. */
    public Optional<Totals> refunded(String paymentIntentId) throws StripeException {
        Optional<Charge> found = destinationCharge(paymentIntentId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Charge charge = found.get();
        List<Refund> refunds = client.refunds()
                .list(RefundListParams.builder()
                        .setCharge(charge.getId())
                        .setLimit(100L)
                        .build())
                .getData();
        for (Refund refund : refunds) {
            if (!"succeeded".equals(refund.getStatus()) && !"pending".equals(refund.getStatus())) {
                continue;
            }
            if (refund.getTransferReversal() != null
                    || reversal(charge.getTransfer(), REFUND, refund.getId()).isPresent()) {
                continue; // reversed when refunded (reverse_transfer), or by an earlier delivery
            }
            reverse(charge, refund.getAmount(), true, REFUND, refund.getId());
        }
        return Optional.of(totals(charge));
    }

    /** After a dispute's event: its share recovered from the creator, and given back once won; then the totals. */
    public Optional<Totals> disputed(String paymentIntentId, Dispute dispute, boolean closed) throws StripeException {
        Optional<Charge> found = destinationCharge(paymentIntentId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Charge charge = found.get();
        Optional<TransferReversal> recovered = reversal(charge.getTransfer(), DISPUTE, dispute.getId());
        if (recovered.isEmpty()) {
            recovered = reverse(charge, dispute.getAmount(), false, DISPUTE, dispute.getId());
        }
        if (closed && !"lost".equals(dispute.getStatus()) && recovered.isPresent()) {
            giveBack(charge, dispute.getId(), recovered.get().getAmount());
        }
        return Optional.of(totals(charge));
    }

    private Optional<Charge> destinationCharge(String paymentIntentId) throws StripeException {
        if (paymentIntentId == null) {
            return Optional.empty();
        }
        PaymentIntent intent = client.paymentIntents()
                .retrieve(
                        paymentIntentId,
                        PaymentIntentRetrieveParams.builder()
                                .addExpand("latest_charge")
                                .build());
        Charge charge = intent.getLatestChargeObject();
        return charge == null || charge.getTransfer() == null ? Optional.empty() : Optional.of(charge);
    }

    /** A reversal of the charge's transfer made for {@code kind} {@code id}, if one was made. */
    private Optional<TransferReversal> reversal(String transferId, String kind, String id) throws StripeException {
        return client
                .transfers()
                .reversals()
                .list(
                        transferId,
                        TransferReversalListParams.builder().setLimit(100L).build())
                .getData()
                .stream()
                .filter(r ->
                        r.getMetadata() != null && id.equals(r.getMetadata().get(kind)))
                .findFirst();
    }

    /**
     * Reverses the transfer's share of {@code amountMinor} (in the charge's currency, of the charge's amount), rounded
     * half up, at most what is left of it; nothing when nothing is left.
     */
    private Optional<TransferReversal> reverse(
            Charge charge, long amountMinor, boolean refundFee, String kind, String id) throws StripeException {
        Transfer transfer = client.transfers().retrieve(charge.getTransfer());
        long left = transfer.getAmount() - transfer.getAmountReversed();
        long share = Math.min(left, proportion(transfer.getAmount(), amountMinor, charge.getAmount()));
        if (share <= 0) {
            return Optional.empty();
        }
        return Optional.of(client.transfers()
                .reversals()
                .create(
                        transfer.getId(),
                        TransferReversalCreateParams.builder()
                                .setAmount(share)
                                .setRefundApplicationFee(refundFee)
                                .putMetadata(kind, id)
                                .build(),
                        RequestOptions.builder()
                                .setIdempotencyKey(kind + "-reversal-" + id)
                                .build()));
    }

    /** {@code part} of {@code whole}, as a share of {@code total}, rounded half up (integers only). */
    static long proportion(long whole, long part, long total) {
        if (total <= 0) {
            return 0;
        }
        return Math.addExact(Math.multiplyExact(Math.multiplyExact(whole, part), 2L), total) / (2L * total);
    }

    private void giveBack(Charge charge, String disputeId, long amountMinor) throws StripeException {
        String group = returnsGroup(charge.getId());
        boolean given = client
                .transfers()
                .list(TransferListParams.builder()
                        .setTransferGroup(group)
                        .setLimit(100L)
                        .build())
                .getData()
                .stream()
                .anyMatch(t -> t.getMetadata() != null
                        && disputeId.equals(t.getMetadata().get(DISPUTE)));
        if (given) {
            return;
        }
        Transfer original = client.transfers().retrieve(charge.getTransfer());
        client.transfers()
                .create(
                        TransferCreateParams.builder()
                                .setAmount(amountMinor)
                                .setCurrency(original.getCurrency())
                                .setDestination(original.getDestination())
                                .setTransferGroup(group)
                                .putMetadata(DISPUTE, disputeId)
                                .build(),
                        RequestOptions.builder()
                                .setIdempotencyKey(DISPUTE + "-return-" + disputeId)
                                .build());
    }

    private static String returnsGroup(String chargeId) {
        return "stagepass_returns_" + chargeId;
    }

    private Totals totals(Charge charge) throws StripeException {
        Transfer transfer = client.transfers().retrieve(charge.getTransfer());
        long transferred = transfer.getAmount();
        long reversed = transfer.getAmountReversed();
        for (Transfer back : client.transfers()
                .list(TransferListParams.builder()
                        .setTransferGroup(returnsGroup(charge.getId()))
                        .setLimit(100L)
                        .build())
                .getData()) {
            transferred = Math.addExact(transferred, back.getAmount());
            reversed = Math.addExact(reversed, back.getAmountReversed());
        }
        long fee = 0;
        long feeRefunded = 0;
        if (charge.getApplicationFee() != null) {
            ApplicationFee applicationFee = client.applicationFees().retrieve(charge.getApplicationFee());
            fee = applicationFee.getAmount();
            feeRefunded = applicationFee.getAmountRefunded();
        }
        return new Totals(transfer.getDestination(), transferred, reversed, fee, feeRefunded);
    }
}
