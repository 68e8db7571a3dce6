package io.stagepass.ingest.stage;

import io.stagepass.events.PaymentFact;
import io.stagepass.events.TicketLedger;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.views.Projection;
import io.stagepass.platform.views.TopicView;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ingest's view of the tickets, for the stage alone: every ticket folded from the payment facts through the contract's
 * {@link TicketLedger}, as the replay API folds them for playback. Reading the facts, not waiting for the entitlements
 * job's checkpoints, is what lets a guest who just paid join at once, and what takes a refunded or disputed guest off
 * the stage and out of the green room within a second of Stripe's webhook.
 */
public final class StageTickets implements AutoCloseable {
    private final Tickets tickets = new Tickets();
    private final TopicView view;

    public StageTickets(KafkaSettings kafka, Stage stage) {
        this.view = new TopicView(kafka, "ingest-stage-tickets", List.of(tickets));
        view.listen((projection, key) -> tickets.get(key)
                .filter(ledger -> ledger.entitlement() != null && !ledger.granted())
                .ifPresent(ledger -> stage.revoke(
                        ledger.liveId(),
                        ledger.ticketId(),
                        "your ticket no longer stands ("
                                + ledger.reason()
                                        .name()
                                        .toLowerCase(Locale.ROOT)
                                        .replace('_', ' ') + "): you have left the stage")));
    }

    public StageTickets start() {
        view.start();
        return this;
    }

    /** The ticket as its payments add up, waiting up to {@code wait} for a payment made moments ago. */
    Optional<TicketLedger> ticket(String liveId, String ticketId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<TicketLedger> found = tickets.get(liveId + "/" + ticketId).filter(t -> t.entitlement() != null);
            if (found.isPresent() || System.nanoTime() > deadline) {
                return found;
            }
            Thread.sleep(50);
        }
    }

    @Override
    public void close() throws InterruptedException {
        view.close();
    }

    /** Every ticket by {@code liveId/ticketId}. */
    private static final class Tickets implements Projection<PaymentFact> {
        private final Map<String, TicketLedger> byTicket = new ConcurrentHashMap<>();

        Optional<TicketLedger> get(String key) {
            return Optional.ofNullable(byTicket.get(key));
        }

        @Override
        public String name() {
            return "stage-tickets";
        }

        @Override
        public Topic topic() {
            return Topic.PAYMENTS;
        }

        @Override
        public Optional<String> put(String key, PaymentFact fact) {
            String ticket = fact.getLiveId() + "/" + fact.getTicketId();
            byTicket.merge(ticket, TicketLedger.empty().apply(fact), (ledger, ignored) -> ledger.apply(fact));
            return Optional.of(ticket);
        }

        @Override
        public Optional<String> remove(String key) {
            return Optional.empty(); // payments are never deleted by key
        }

        @Override
        public int size() {
            return byTicket.size();
        }
    }
}
