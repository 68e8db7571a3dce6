package io.stagepass.launcher.demo;

import io.stagepass.events.Creator;
import io.stagepass.events.CreatorEventType;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.Money;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.TicketTier;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Writes a scheduled live (and, when new, its creator) to the catalog, with a fresh stream key. */
public final class LiveScheduler {
    /** What was scheduled; the stream key exists only here, the catalog holds its hash. */
    public record Scheduled(String creatorId, String liveId, String streamKey) {}

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
            int replayDays)
            throws InterruptedException, ExecutionException, TimeoutException {
        String code = Money.requireCurrency(currency);
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String creator = creatorId != null ? creatorId : Ids.newId("creator");
        String liveId = Ids.newId("live");
        String streamKey = StreamKeys.newKey();
        if (creatorId == null) {
            publisher
                    .publish(
                            Topic.CREATORS,
                            creator,
                            Creator.newBuilder()
                                    .setEventId(Ids.newEventId())
                                    .setOccurredAt(now)
                                    .setType(CreatorEventType.REGISTERED)
                                    .setCreatorId(creator)
                                    .setDisplayName(creatorName)
                                    .setDefaultCurrency(code)
                                    .build())
                    .get(30, TimeUnit.SECONDS);
        }
        publisher
                .publish(
                        Topic.LIVES,
                        liveId,
                        Live.newBuilder()
                                .setEventId(Ids.newEventId())
                                .setOccurredAt(now)
                                .setType(LiveEventType.SCHEDULED)
                                .setLiveId(liveId)
                                .setCreatorId(creator)
                                .setTitle(title)
                                .setCurrency(code)
                                .setTiers(List.of(new TicketTier(tier, priceMinor)))
                                .setStreamKeySha256(StreamKeys.sha256(streamKey))
                                .setReplayWindowDays(replayDays)
                                .build())
                .get(30, TimeUnit.SECONDS);
        return new Scheduled(creator, liveId, streamKey);
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
