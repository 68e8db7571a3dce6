package io.stagepass.ingest.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.PermissionException;
import com.stripe.exception.StripeException;
import com.stripe.model.ApplicationFee;
import com.stripe.model.Charge;
import com.stripe.model.Dispute;
import com.stripe.model.Refund;
import com.stripe.model.Transfer;
import com.stripe.model.TransferReversal;
import com.stripe.net.RequestOptions;
import com.stripe.param.RefundListParams;
import com.stripe.param.TransferCreateParams;
import com.stripe.param.TransferListParams;
import com.stripe.param.TransferReversalCreateParams;
import com.stripe.param.TransferReversalListParams;
import java.util.ArrayList;
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
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ConnectMoney.class);
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
    public Optional<Totals> paid(Optional<Charge> latest) throws StripeException {
        Optional<Charge> charge = destinationCharge(latest);
        return charge.isEmpty() ? Optional.empty() : Optional.of(totals(charge.get()));
    }

    /** After a refund: every refund of the charge has reversed its share; then the totals. */
    public Optional<Totals> refunded(Optional<Charge> latest) throws StripeException {
        Optional<Charge> found = destinationCharge(latest);
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
            if (refund.getTransferReversal() != null || reversed(charge, REFUND, refund.getId()) > 0) {
                continue; // reversed when refunded (reverse_transfer), or by an earlier delivery
            }
            applying(charge, () -> reverse(charge, amount(refund.getAmount()), true, REFUND, refund.getId()));
        }
        return Optional.of(totals(charge));
    }

    /**
     * After a dispute's event: its share recovered from the creator, and given back once won; then the totals. An
     * inquiry ({@code warning_*}: Stripe takes no money from the platform) moves nothing.
     */
    public Optional<Totals> disputed(Optional<Charge> latest, Dispute dispute, boolean closed) throws StripeException {
        Optional<Charge> found = destinationCharge(latest);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Charge charge = found.get();
        if (String.valueOf(dispute.getStatus()).startsWith("warning_")) {
            return Optional.of(totals(charge));
        }
        long recovered = reversed(charge, DISPUTE, dispute.getId());
        if (recovered == 0) {
            applying(charge, () -> reverse(charge, amount(dispute.getAmount()), false, DISPUTE, dispute.getId()));
            recovered = reversed(charge, DISPUTE, dispute.getId());
        }
        long back = recovered;
        if (closed && !"lost".equals(dispute.getStatus()) && back > 0) {
            applying(charge, () -> giveBack(charge, dispute.getId(), back));
        }
        return Optional.of(totals(charge));
    }

    /** A write to Stripe that Stripe refused for good (a 4xx): logged, and the fact goes on with the totals as read. */
    private interface Write {
        void run() throws StripeException;
    }

    private static void applying(Charge charge, Write write) throws StripeException {
        try {
            write.run();
        } catch (InvalidRequestException | PermissionException | IdempotencyException e) {
            // Retrying would be refused the same way (Stripe replays a key's 4xx for a day): the fact still counts,
            // with what Stripe holds; the operator settles the difference by hand.
            LOG.error(
                    "Connect: Stripe refused to move the money of charge {} ({}); its fact carries the totals as they "
                            + "stand: settle it in Stripe's dashboard",
                    charge.getId(),
                    e.getMessage());
        }
    }

    /** The payment intent's latest charge ({@link StripeLookups#latestCharge}) when it transferred to a creator. */
    private static Optional<Charge> destinationCharge(Optional<Charge> latest) {
        return latest.filter(charge -> charge.getTransfer() != null);
    }

    /** The charge's transfers to the creator: the destination transfer, then any transfers back. */
    private List<Transfer> transfers(Charge charge) throws StripeException {
        List<Transfer> all = new ArrayList<>();
        all.add(client.transfers().retrieve(charge.getTransfer()));
        all.addAll(client.transfers()
                .list(TransferListParams.builder()
                        .setTransferGroup(returnsGroup(charge.getId()))
                        .setLimit(100L)
                        .build())
                .getData());
        return all;
    }

    /** What was reversed of the charge's transfers for {@code kind} {@code id}: 0 when nothing was. */
    private long reversed(Charge charge, String kind, String id) throws StripeException {
        long total = 0;
        for (Transfer transfer : transfers(charge)) {
            for (TransferReversal reversal : client.transfers()
                    .reversals()
                    .list(
                            transfer.getId(),
                            TransferReversalListParams.builder().setLimit(100L).build())
                    .getData()) {
                if (reversal.getMetadata() != null
                        && id.equals(reversal.getMetadata().get(kind))) {
                    total = Math.addExact(total, amount(reversal.getAmount()));
                }
            }
        }
        return total;
    }

    /**
     * Reverses the transfers' share of {@code amountMinor} (in the charge's currency, of the charge's amount), rounded
     * half up: from the destination transfer first, then from transfers back (a refund after a won dispute), at most
     * what is left of each.
     */
    private void reverse(Charge charge, long amountMinor, boolean refundFee, String kind, String id)
            throws StripeException {
        List<Transfer> transfers = transfers(charge);
        long share = proportion(amount(transfers.get(0).getAmount()), amountMinor, amount(charge.getAmount()));
        for (Transfer transfer : transfers) {
            long left = amount(transfer.getAmount()) - amount(transfer.getAmountReversed());
            long take = Math.min(left, share);
            if (take <= 0) {
                continue;
            }
            client.transfers()
                    .reversals()
                    .create(
                            transfer.getId(),
                            TransferReversalCreateParams.builder()
                                    .setAmount(take)
                                    .setRefundApplicationFee(refundFee)
                                    .putMetadata(kind, id)
                                    .build(),
                            RequestOptions.builder()
                                    .setIdempotencyKey(kind + "-reversal-" + id + "-" + transfer.getId())
                                    .build());
            share -= take;
        }
    }

    /** {@code part} of {@code whole}, as a share of {@code total}, rounded half up (integers only). */
    static long proportion(long whole, long part, long total) {
        if (total <= 0) {
            return 0;
        }
        return Math.addExact(Math.multiplyExact(Math.multiplyExact(whole, part), 2L), total) / (2L * total);
    }

    /** An amount Stripe reported; a missing one is refused by name rather than unboxed into a NullPointerException. */
    private static long amount(Long value) {
        if (value == null) {
            throw new IllegalArgumentException("Stripe's answer has no amount where one was expected");
        }
        return value;
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
        List<Transfer> transfers = transfers(charge);
        long transferred = 0;
        long reversed = 0;
        for (Transfer transfer : transfers) {
            transferred = Math.addExact(transferred, amount(transfer.getAmount()));
            reversed = Math.addExact(reversed, amount(transfer.getAmountReversed()));
        }
        Transfer transfer = transfers.get(0);
        long fee = 0;
        long feeRefunded = 0;
        if (charge.getApplicationFee() != null) {
            ApplicationFee applicationFee = client.applicationFees().retrieve(charge.getApplicationFee());
            fee = amount(applicationFee.getAmount());
            feeRefunded = amount(applicationFee.getAmountRefunded());
        }
        return new Totals(transfer.getDestination(), transferred, reversed, fee, feeRefunded);
    }
}
