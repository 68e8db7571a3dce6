package io.stagepass.jobs.replay;

import io.minio.MinioClient;
import io.stagepass.events.Bucket;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.media.MediaException;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 360p rendition, made while the live streams: the jobs worker consumes the segment facts as a member of its own
 * consumer group (the partition, and so the live, decides which worker), and for each MPEG-TS segment of a live that
 * wants it, fetches the bytes, transcodes them ({@link Renditions}), stores the result beside the source under
 * {@code LIVE_ID/360p/} and publishes its fact (same sequence, {@code rendition = "360p"}) once the object is
 * durable. A redelivered fact makes the same object and the same fact id again. A segment that cannot be read gets no
 * rendition (players skip it as a gap in that rendition); a fact older than {@link #TOO_LATE} is passed over, so a new
 * worker group does not transcode the past.
 */
public final class LowRenditions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LowRenditions.class);
    static final Duration TOO_LATE = Duration.ofMinutes(30);
    private static final int REMEMBERED_LIVES = 1_000;

    private final LiveFacts facts;
    private final ReplayStore store;
    private final EventPublisher publisher;
    private final Path workDir;
    private final Map<String, Boolean> wanted = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_LIVES;
        }
    };

    public LowRenditions(KafkaSettings kafka, MinioClient s3, EventPublisher publisher, Path workDir) {
        this.facts = new LiveFacts(kafka);
        this.store = new ReplayStore(s3);
        this.publisher = publisher;
        this.workDir = workDir;
    }

    /** The worker's handler: every source MPEG-TS segment of a live that wants a 360p rendition gets one. */
    public void onSegment(String key, SegmentStored fact) throws Exception {
        if (fact.getType() != SegmentEventType.STORED
                || fact.getRendition() != null
                || fact.getContainer() != SegmentContainer.MPEG_TS
                || fact.getReceivedAt().isBefore(Instant.now().minus(TOO_LATE))
                || !wanted(fact.getLiveId())) {
            return;
        }
        Files.createDirectories(workDir);
        String name = fact.getLiveId() + "-" + fact.getSequence();
        Path source = workDir.resolve(name + ".ts");
        Path target = workDir.resolve(name + "-" + Renditions.LOW + ".ts");
        try {
            Optional<String> problem = store.fetch(fact.getObjectKey(), fact.getSha256(), source);
            if (problem.isPresent()) {
                LOG.warn(
                        "live {}: segment {} gets no {}: {}",
                        fact.getLiveId(),
                        fact.getSequence(),
                        Renditions.LOW,
                        problem.get());
                return;
            }
            long start = System.nanoTime();
            Renditions.Made made;
            try {
                made = Renditions.transcode(source, target, Renditions.LOW_HEIGHT, Renditions.LOW_VIDEO_BITS);
            } catch (MediaException e) {
                LOG.warn(
                        "live {}: segment {} gets no {}: FFmpeg cannot read it: {}",
                        fact.getLiveId(),
                        fact.getSequence(),
                        Renditions.LOW,
                        e.getMessage());
                return;
            }
            if (made == null) {
                return; // the source is 360p or less already
            }
            String objectKey = SegmentKeys.rendition(fact.getLiveId(), Renditions.LOW, fact.getSequence());
            String sha256 = store.upload(Bucket.SEGMENTS, target, objectKey, "video/mp2t");
            SegmentStored rendition = SegmentStored.newBuilder(fact)
                    .setEventId(Ids.derivedEventId(
                            "rendition", fact.getLiveId() + "/" + Renditions.LOW + "/" + fact.getSequence()))
                    .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                    .setObjectKey(objectKey)
                    .setSha256(sha256)
                    .setByteSize(Files.size(target))
                    .setRendition(Renditions.LOW)
                    .setWidth(made.width())
                    .setHeight(made.height())
                    .setCodecs(made.codecs())
                    .build();
            publisher.publish(Topic.SEGMENTS, fact.getLiveId(), rendition).get(30, TimeUnit.SECONDS);
            LOG.debug(
                    "live {}: segment {} as {} in {} ms",
                    fact.getLiveId(),
                    fact.getSequence(),
                    Renditions.LOW,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(target);
        }
    }

    /** Whether the live asks for the rendition (its catalog record, read once; a live not found yet: the default). */
    private boolean wanted(String liveId) {
        return wanted.computeIfAbsent(
                liveId, id -> facts.latestLive(id).map(Live::getLowRendition).orElse(true));
    }

    @Override
    public void close() {
        facts.close();
    }
}
