package io.stagepass.launcher.demo;

import io.stagepass.events.TicketTier;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.replay.creators.LiveSpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Schedules a live (and, when asked, registers its creator) through the catalog's one writer ({@link Catalog}, the
 * same code the replay API's routes run), for the command line, the tests and the benchmarks.
 */
public final class LiveScheduler {
    /** What was scheduled; the keys exist only here, the catalog holds their hashes. {@code apiKey} is null for an existing creator. */
    public record Scheduled(String creatorId, String liveId, String streamKey, String apiKey) {}

    private LiveScheduler() {}

    /** {@code creatorId} null registers a new creator named {@code creatorName}. */
    public static Scheduled schedule(
            EventPublisher publisher,
            String creatorId,
            String creatorName,
            String title,
            String tier,
            long priceMinor,
            String currency,
            int replayDays) {
        Catalog catalog = new Catalog(publisher, Clock.systemUTC());
        String creator = creatorId;
        String apiKey = null;
        if (creator == null) {
            Catalog.Account account = catalog.register(creatorName, null, currency);
            creator = account.creator().getCreatorId();
            apiKey = account.apiKey();
        }
        Catalog.Scheduled live = catalog.schedule(
                creator,
                LiveSpec.of(
                        title,
                        null,
                        null,
                        currency,
                        List.of(new TicketTier(tier, priceMinor)),
                        replayDays,
                        Clock.systemUTC()));
        return new Scheduled(creator, live.live().getLiveId(), live.streamKey(), apiKey);
    }

    /**
     * Waits until ingest at {@code ingestUrl} knows a new stream key: it learns keys from the catalog within moments,
     * and a DELETE of a segment answers 204 once it does (404 before).
     */
    public static void awaitIngestKnows(String ingestUrl, String streamKey, Duration timeout) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest probe = HttpRequest.newBuilder(URI.create(ingestUrl + "/live/" + streamKey + "/index0.ts"))
                .DELETE()
                .build();
        if (!Await.until(
                timeout,
                () -> http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 204)) {
            throw new IllegalStateException(
                    "ingest did not learn the new stream key within " + timeout.toSeconds() + " s");
        }
    }
}
