package io.stagepass.acceptance.facts;

import com.stripe.StripeClient;
import com.stripe.model.ApplicationFee;
import com.stripe.model.BalanceTransaction;
import com.stripe.model.Charge;
import com.stripe.model.Transfer;
import com.stripe.param.PaymentIntentRetrieveParams;
import com.stripe.param.TransferListParams;
import io.stagepass.acceptance.client.StripeSandboxClient;
import java.util.ArrayList;
import java.util.List;

/**
 * What Stripe itself holds for a creator's tickets, read back through stripe-java: per destination charge its transfer
 * (and any transfer back after a won dispute), what was reversed of them, the application fee and its refunds, the
 * balance transaction. The ground truth the earnings route, the operator's fees and the statements are checked
 * against; nothing here folds facts.
 *
 * @param creatorMinor      transferred, less reversed, less the platform fee kept
 * @param platformFeesMinor application fees less their refunds
 * @param stripeFeesMinor   Stripe's processing fees (the platform's)
 * @param grossMinor        the charges as settled
 * @param reversedPerTicket what was reversed of each ticket's transfer, in the order given
 * @param returnedPerTicket what was transferred back to the creator for each ticket (won disputes)
 */
public record StripeEarnings(
        long creatorMinor,
        long platformFeesMinor,
        long stripeFeesMinor,
        long grossMinor,
        List<Long> reversedPerTicket,
        List<Long> returnedPerTicket) {

    /** The group ingest files a dispute's transfer back under (ConnectMoney). */
    static String returnsGroup(String chargeId) {
        return "stagepass_returns_" + chargeId;
    }

    /** Reads Stripe for these tickets (Checkout Session ids). */
    public static StripeEarnings of(StripeSandboxClient stripe, List<String> tickets) throws Exception {
        StripeClient client = stripe.stripe();
        long creator = 0;
        long platform = 0;
        long stripeFees = 0;
        long gross = 0;
        List<Long> reversedPerTicket = new ArrayList<>();
        List<Long> returnedPerTicket = new ArrayList<>();
        for (String ticket : tickets) {
            Charge charge = client.paymentIntents()
                    .retrieve(
                            stripe.session(ticket).getPaymentIntent(),
                            PaymentIntentRetrieveParams.builder()
                                    .addExpand("latest_charge.balance_transaction")
                                    .addExpand("latest_charge.transfer")
                                    .addExpand("latest_charge.application_fee")
                                    .build())
                    .getLatestChargeObject();
            BalanceTransaction balance = charge.getBalanceTransactionObject();
            Transfer transfer = charge.getTransferObject();
            ApplicationFee fee = charge.getApplicationFeeObject();
            if (transfer == null) {
                throw new IllegalStateException(ticket + " is not a destination charge");
            }
            long transferred = transfer.getAmount();
            long reversed = transfer.getAmountReversed();
            long returned = 0;
            for (Transfer back : client.transfers()
                    .list(TransferListParams.builder()
                            .setTransferGroup(returnsGroup(charge.getId()))
                            .build())
                    .getData()) {
                transferred += back.getAmount();
                reversed += back.getAmountReversed();
                returned += back.getAmount();
            }
            long kept = fee == null ? 0 : fee.getAmount() - fee.getAmountRefunded();
            creator += transferred - reversed - kept;
            platform += kept;
            stripeFees += balance.getFee();
            gross += balance.getAmount();
            reversedPerTicket.add(transfer.getAmountReversed());
            returnedPerTicket.add(returned);
        }
        return new StripeEarnings(
                creator, platform, stripeFees, gross, List.copyOf(reversedPerTicket), List.copyOf(returnedPerTicket));
    }
}
