package io.stagepass.jobs.replay;

import io.minio.MinioClient;
import io.stagepass.events.Bucket;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what a live leaves once its replay window has closed (its end plus its replay days): every version of the
 * replay and the live's source segments. Then EXPIRED is published, so readers stop listing and serving it. Runs
 * on a schedule in the jobs worker and as {@code stagepass replay retention [--dry-run]}; running it twice is harmless.
 */
public final class Retention implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** One live whose window closed, and what was (or, in a dry run, would be) deleted. */
    public record Expired(String liveId, Instant expiredAt, int replayObjects, int segmentObjects) {}

    private final LiveFacts facts;
    private final ReplayStore store;
    private final ReplayFacts replays;

    public Retention(KafkaSettings kafka, MinioClient s3, EventPublisher publisher) {
        this.facts = new LiveFacts(kafka);
        this.store = new ReplayStore(s3);
        this.replays = new ReplayFacts(publisher);
    }

    /** Expires every ended live whose window closed before {@code now} and is not expired yet. */
    public List<Expired> run(Instant now, boolean dryRun) throws Exception {
        Map<String, Live> lives = facts.all(Topic.LIVES, Live.class);
        Map<String, ReplayStatus> statuses = facts.all(Topic.REPLAYS, ReplayStatus.class);
        List<Expired> expired = new ArrayList<>();
        for (Live live : lives.values()) {
            ReplayStatus status = statuses.get(live.getLiveId());
            boolean done = status != null && status.getType() == ReplayEventType.EXPIRED;
            Instant expiresAt = ReplayFacts.expiresAt(live);
            if (live.getType() != LiveEventType.ENDED || done || !now.isAfter(expiresAt)) {
                continue;
            }
            int replayObjects = store.deletePrefix(Bucket.REPLAYS, live.getLiveId() + "/", dryRun);
            int segmentObjects = store.deletePrefix(Bucket.SEGMENTS, live.getLiveId() + "/", dryRun);
            if (!dryRun) {
                int version = status == null ? 0 : status.getVersion();
                replays.publish(ReplayFacts.about(
                                live,
                                ReplayEventType.EXPIRED,
                                version,
                                0,
                                status == null ? null : status.getContentHash())
                        .setEventId(Ids.derivedEventId("replay-expired", live.getLiveId()))
                        .build());
                LOG.info(
                        "live {}: replay window closed at {}; deleted {} replay and {} segment objects",
                        live.getLiveId(),
                        expiresAt,
                        replayObjects,
                        segmentObjects);
            }
            expired.add(new Expired(live.getLiveId(), expiresAt, replayObjects, segmentObjects));
        }
        return expired;
    }

    @Override
    public void close() {
        replays.close();
        facts.close();
    }
}
