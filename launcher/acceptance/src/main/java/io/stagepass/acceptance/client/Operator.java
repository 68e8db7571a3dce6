package io.stagepass.acceptance.client;

import io.stagepass.events.TicketTier;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.LiveSpec;
import java.time.Clock;
import java.util.List;

/**
 * What the platform's operator does from the command line, through the catalog's one writer ({@link Catalog}, the same
 * code the replay API's routes and {@code stagepass creators add}, {@code analysts add} and {@code lives create}
 * run): register a creator, give an analyst a key, schedule a live for a creator.
 */
public final class Operator {
    private final KafkaSettings kafka;

    public Operator(KafkaSettings kafka) {
        this.kafka = kafka;
    }

    /** A creator's account and its API key (shown once), as {@code stagepass creators add} makes it. */
    public Catalog.Account registerCreator(String name, String email, String currency) {
        return write(catalog -> catalog.register(name, email, currency));
    }

    /** An analyst's key, as {@code stagepass analysts add} makes it. */
    public Catalog.AnalystAccess addAnalyst(String name) {
        return write(catalog -> catalog.addAnalyst(name));
    }

    /** A live of one tier, scheduled now, as {@code stagepass lives create} schedules it; its stream key is shown once. */
    public Catalog.Scheduled scheduleLive(
            String creatorId, String title, String tier, long priceMinor, String currency, int replayDays) {
        return write(catalog -> catalog.schedule(
                creatorId,
                LiveSpec.of(
                        title,
                        null,
                        null,
                        currency,
                        List.of(new TicketTier(tier, priceMinor)),
                        replayDays,
                        Clock.systemUTC())));
    }

    private <T> T write(java.util.function.Function<Catalog, T> change) {
        try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-operator")) {
            return change.apply(new Catalog(publisher, Clock.systemUTC()));
        }
    }
}
