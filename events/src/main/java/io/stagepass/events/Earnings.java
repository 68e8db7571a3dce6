package io.stagepass.events;

/**
 * The one copy of the Connect money rules: what a creator is paid and what the platform keeps, in the settlement
 * currency, used by the replay API's earnings and fee routes and checked against the lake's curated tables. A sale is
 * a destination charge: Stripe charges the buyer on the platform's account and takes its fee there, transfers the
 * whole settled amount to the creator's connected account and collects the platform fee (the application fee) from
 * it. A refund reverses the transfer and refunds the platform fee in proportion; a dispute is recovered from the
 * creator by reversing the transfer (the platform fee is kept, as Stripe keeps its own), and given back if the dispute
 * is won. Stripe's numbers are taken as Stripe reports them, never recomputed here: the creator is paid what was
 * transferred, less what was reversed, less the platform fee kept.
 *
 * @param grossMinor         the tickets' amounts as settled
 * @param stripeFeesMinor    Stripe's processing fees, paid by the platform out of its fee
 * @param refundsMinor       refunded to buyers, as settled
 * @param disputesMinor      disputed amounts still held or lost, as settled
 * @param platformFeesMinor  platform fees kept: collected less refunded
 * @param transferredMinor   transferred to the creator (sales, and returns after won disputes)
 * @param reversedMinor      taken back from those transfers (refunds, disputes)
 */
public record Earnings(
        long grossMinor,
        long stripeFeesMinor,
        long refundsMinor,
        long disputesMinor,
        long platformFeesMinor,
        long transferredMinor,
        long reversedMinor) {
    public static final Earnings ZERO = new Earnings(0, 0, 0, 0, 0, 0, 0);

    /** What comes to the creator: transferred, less reversed, less the platform fee kept. */
    public long creatorMinor() {
        return Math.subtractExact(Math.subtractExact(transferredMinor, reversedMinor), platformFeesMinor);
    }

    /** What the platform keeps of its fees once Stripe's processing fees are paid. */
    public long platformNetMinor() {
        return Math.subtractExact(platformFeesMinor, stripeFeesMinor);
    }

    /**
     * One fact's part: its revenue delta (counted once per Stripe event, by the caller) and how much its ticket's
     * transfers moved when it was folded in ({@link Transfers#minus}).
     */
    public static Earnings of(RevenueDelta revenue, Transfers moved) {
        return new Earnings(
                revenue.settledGrossMinor(),
                revenue.feesMinor(),
                revenue.settledRefundsMinor(),
                Math.addExact(revenue.settledDisputesHeldMinor(), revenue.settledDisputesLostMinor()),
                moved.platformFeeMinor(),
                moved.transferredMinor(),
                moved.reversedMinor());
    }

    public Earnings plus(Earnings o) {
        return new Earnings(
                Math.addExact(grossMinor, o.grossMinor),
                Math.addExact(stripeFeesMinor, o.stripeFeesMinor),
                Math.addExact(refundsMinor, o.refundsMinor),
                Math.addExact(disputesMinor, o.disputesMinor),
                Math.addExact(platformFeesMinor, o.platformFeesMinor),
                Math.addExact(transferredMinor, o.transferredMinor),
                Math.addExact(reversedMinor, o.reversedMinor));
    }

    /**
     * One ticket's Connect totals, folded from its payment facts. Each fact carries Stripe's running totals as they
     * stood when it was made, which only ever grow, so the fold keeps the highest of each: the result is the same in
     * any order and a fact delivered twice changes nothing.
     *
     * @param destinationAccountId the creator's connected account, or null (not a destination charge)
     */
    public record Transfers(
            String destinationAccountId,
            long transferredMinor,
            long reversedMinor,
            long applicationFeeMinor,
            long applicationFeeRefundedMinor) {
        public static final Transfers NONE = new Transfers(null, 0, 0, 0, 0);

        public Transfers apply(PaymentFact fact) {
            return new Transfers(
                    fact.getDestinationAccountId() != null ? fact.getDestinationAccountId() : destinationAccountId,
                    max(transferredMinor, fact.getTransferredTotalMinor()),
                    max(reversedMinor, fact.getReversedTotalMinor()),
                    max(applicationFeeMinor, fact.getApplicationFeeMinor()),
                    max(applicationFeeRefundedMinor, fact.getApplicationFeeRefundedTotalMinor()));
        }

        /** What this ticket brings the creator: transferred, less reversed, less the platform fee kept. */
        public long creatorMinor() {
            return Math.subtractExact(Math.subtractExact(transferredMinor, reversedMinor), platformFeeMinor());
        }

        /** The platform fee kept on this ticket: collected less refunded. */
        public long platformFeeMinor() {
            return Math.subtractExact(applicationFeeMinor, applicationFeeRefundedMinor);
        }

        /** What moved from {@code before} to this. */
        public Transfers minus(Transfers before) {
            return new Transfers(
                    destinationAccountId,
                    Math.subtractExact(transferredMinor, before.transferredMinor),
                    Math.subtractExact(reversedMinor, before.reversedMinor),
                    Math.subtractExact(applicationFeeMinor, before.applicationFeeMinor),
                    Math.subtractExact(applicationFeeRefundedMinor, before.applicationFeeRefundedMinor));
        }

        private static long max(long held, Long reported) {
            return reported == null ? held : Math.max(held, reported);
        }
    }
}
