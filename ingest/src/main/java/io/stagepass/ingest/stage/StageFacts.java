package io.stagepass.ingest.stage;

import io.stagepass.events.Ids;
import io.stagepass.events.StageAppearance;
import io.stagepass.events.StageAppearanceType;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stage appearances as facts on {@code stagepass.stage.appearances}, keyed by live: written when the first program
 * segment with (or without) a guest is durable in the spool. The id is derived from the live, the guest, the kind
 * and the segment, so a fact written twice is one fact to every reader.
 */
public final class StageFacts implements ProgramLine.Appearances {
    private static final Logger LOG = LoggerFactory.getLogger(StageFacts.class);
    private final EventPublisher publisher;

    private StageFacts(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public static ProgramLine.Appearances to(EventPublisher publisher) {
        return new StageFacts(publisher);
    }

    @Override
    public void on(Stage.Guest guest, long sequence, Instant at) {
        publish(guest, StageAppearanceType.STARTED, sequence, at, null);
    }

    @Override
    public void off(Stage.Guest guest, long sequence, Instant at, String reason) {
        publish(guest, StageAppearanceType.ENDED, sequence, at, reason);
    }

    private void publish(Stage.Guest guest, StageAppearanceType type, long sequence, Instant at, String reason) {
        StageAppearance fact = StageAppearance.newBuilder()
                .setEventId(
                        Ids.derivedEventId("stage", guest.liveId + "/" + guest.guestId + "/" + type + "/" + sequence))
                .setOccurredAt(at)
                .setType(type)
                .setLiveId(guest.liveId)
                .setGuestId(guest.guestId)
                .setTicketId(guest.ticketId)
                .setDisplayName(guest.name)
                .setTier(guest.tier)
                .setSequence(sequence)
                .setLayout(type == StageAppearanceType.STARTED ? guest.layoutAtStart : null)
                .setReason(reason)
                .build();
        publisher.publish(Topic.STAGE, guest.liveId, fact).whenComplete((written, error) -> {
            if (error != null) {
                LOG.error(
                        "live {}: the stage fact {} of guest {} was not written",
                        guest.liveId,
                        type,
                        guest.guestId,
                        error);
            }
        });
    }
}
