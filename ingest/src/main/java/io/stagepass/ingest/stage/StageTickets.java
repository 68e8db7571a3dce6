package io.stagepass.ingest.stage;

import io.stagepass.events.Entitlement;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.views.LatestByKey;
import io.stagepass.platform.views.TopicView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Ingest's view of the tickets, for the stage alone: whether a guest ticket stands (its latest entitlement is
 * GRANTED) and the moment it stops standing. A revocation (refund, dispute) takes the guest off the stage and out of
 * the green room as soon as the fact arrives here.
 */
public final class StageTickets implements AutoCloseable {
    private final LatestByKey<Entitlement> tickets = new LatestByKey<>("entitlements", Topic.ENTITLEMENTS);
    private final TopicView view;

    public StageTickets(KafkaSettings kafka, Stage stage) {
        this.view = new TopicView(kafka, "ingest-stage-tickets", List.of(tickets));
        view.listen((projection, id) -> tickets.get(id)
                .filter(e -> e.getType() == EntitlementEventType.REVOKED)
                .ifPresent(e -> stage.revoke(
                        e.getLiveId(),
                        e.getTicketId(),
                        "your ticket no longer stands ("
                                + e.getReason()
                                        .name()
                                        .toLowerCase(java.util.Locale.ROOT)
                                        .replace('_', ' ') + "): you have left the stage")));
    }

    public StageTickets start() {
        view.start();
        return this;
    }

    /** The ticket's latest entitlement, waiting up to {@code wait} for one that was granted moments ago. */
    Optional<Entitlement> ticket(String liveId, String ticketId, Duration wait) throws InterruptedException {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            Optional<Entitlement> found = tickets.get(liveId + "/" + ticketId);
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
}
