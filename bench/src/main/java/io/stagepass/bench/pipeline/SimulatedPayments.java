package io.stagepass.bench.pipeline;

import io.stagepass.bench.pipeline.Simulator.Event;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

/**
 * The payment facts of the {@link Simulator}'s stream: mostly paid checkouts (6% of them delivered twice, same Stripe
 * event), refunds, delayed payments that succeed or fail later, expired checkouts. It draws from the simulator's
 * random sequence, and hands the facts that come later in event time back to it.
 */
final class SimulatedPayments {
    /** A ticket bought for a live: sessions watch with it, a refund takes it back. */
    record Ticket(String id, String tier, long amount) {}

    /** Where a fact due later in event time goes. */
    interface Later {
        void deliver(long at, Event event);
    }

    private final SplittableRandom random;
    private final String[] lives;
    private final String[] creators;
    private final List<List<Ticket>> tickets;
    private final LongUnaryOperator stamp;
    private final Later later;
    private final EventCodec<PaymentFact> codec = EventCodec.of(PaymentFact.class);
    private final Map<String, Long> kinds = new LinkedHashMap<>();

    SimulatedPayments(
            SplittableRandom random,
            String[] lives,
            String[] creators,
            List<List<Ticket>> tickets,
            LongUnaryOperator stamp,
            Later later) {
        this.random = random;
        this.lives = lives;
        this.creators = creators;
        this.tickets = tickets;
        this.stamp = stamp;
        this.later = later;
    }

    /** The next payment fact, at simulated time {@code now}. */
    Event next(long now) {
        int live = random.nextInt(lives.length);
        List<Ticket> bought = tickets.get(live);
        double r = random.nextDouble();
        String id = "cs_" + Long.toHexString(random.nextLong());
        String tier = random.nextDouble() < 0.2 ? "vip" : "standard";
        Ticket ticket = new Ticket(id, tier, tier.equals("vip") ? 4000 : SampleEvents.TICKET_PRICE_MINOR);
        PaymentFact.Builder fact = SampleEvents.payment(lives[live], ticket.id())
                .setCreatorId(creators[live])
                .setTier(ticket.tier())
                .setAmountMinor(ticket.amount())
                .setFeeMinor(25 + ticket.amount() * 3 / 100)
                .setNetMinor(ticket.amount() - 25 - ticket.amount() * 3 / 100)
                .setChargeId("ch_" + ticket.id().substring(3))
                .setOccurredAt(Instant.ofEpochMilli(stamp.applyAsLong(now)));
        String kind;
        if (r < 0.88 || (r >= 0.92 && r < 0.98 && bought.isEmpty())) {
            return paidCheckout(fact, bought, ticket, now);
        } else if (r < 0.92) {
            kind = "unpaid checkout (delayed method)";
            fact.setPaid(false).setFeeMinor(null).setNetMinor(null);
            delayedOutcome(live, bought, ticket, now);
        } else if (r < 0.98) {
            kind = "refund";
            Ticket refunded = bought.get(random.nextInt(bought.size()));
            fact.setType(PaymentEventType.CHARGE_REFUNDED)
                    .setTicketId(refunded.id())
                    .setTier(refunded.tier())
                    .setAmountMinor(refunded.amount())
                    .setRefundedTotalMinor(refunded.amount())
                    .setFullyRefunded(true)
                    .setPaid(true)
                    .setFeeMinor(null)
                    .setNetMinor(null)
                    .setChargeId("ch_" + refunded.id().substring(3));
        } else {
            kind = "expired checkout";
            fact.setType(PaymentEventType.CHECKOUT_EXPIRED)
                    .setPaid(false)
                    .setFeeMinor(null)
                    .setNetMinor(null);
        }
        kinds.merge(kind, 1L, Long::sum);
        return encode(fact.build());
    }

    /** How many facts of each kind so far, in the order the kinds first came. */
    String mix() {
        return kinds.entrySet().stream()
                .map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private Event paidCheckout(PaymentFact.Builder fact, List<Ticket> bought, Ticket ticket, long now) {
        remember(bought, ticket);
        Event event = encode(fact.build());
        if (random.nextDouble() < 0.06) { // Stripe delivers it again: the very same fact
            later.deliver(now + 1_000 + random.nextLong(19_000), event);
            kinds.merge("duplicate of a paid checkout", 1L, Long::sum);
        }
        kinds.merge("paid checkout", 1L, Long::sum);
        return event;
    }

    /** The later outcome of a checkout paid with a delayed method: 85% succeed. */
    private void delayedOutcome(int live, List<Ticket> bought, Ticket ticket, long now) {
        boolean succeeds = random.nextDouble() < 0.85;
        long at = now + 30_000 + random.nextLong(270_000);
        PaymentFact outcome = SampleEvents.payment(lives[live], ticket.id())
                .setCreatorId(creators[live])
                .setTier(ticket.tier())
                .setAmountMinor(ticket.amount())
                .setPaid(succeeds)
                .setType(succeeds ? PaymentEventType.ASYNC_PAYMENT_SUCCEEDED : PaymentEventType.ASYNC_PAYMENT_FAILED)
                .setOccurredAt(Instant.ofEpochMilli(stamp.applyAsLong(at)))
                .build();
        later.deliver(at, encode(outcome));
        kinds.merge(succeeds ? "async payment succeeded" : "async payment failed", 1L, Long::sum);
        if (succeeds) {
            remember(bought, ticket);
        }
    }

    private void remember(List<Ticket> bought, Ticket ticket) {
        if (bought.size() < 256) {
            bought.add(ticket);
        } else {
            bought.set(random.nextInt(bought.size()), ticket);
        }
    }

    private Event encode(PaymentFact fact) {
        return new Event(Topic.PAYMENTS.topicName(), fact.getLiveId(), codec.encode(fact), true);
    }
}
