package io.stagepass.ingest.hls;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.StatObjectResponse;
import io.minio.errors.ErrorResponseException;
import io.stagepass.events.Bucket;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.ingest.lives.LiveCatalog;
import io.stagepass.platform.kafka.EventPublisher;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one live's spooled entries, in the order they were spooled: a segment's bytes to the object store under
 * a deterministic key, written once (its SHA-256 in the object's metadata: a re-delivery of the same bytes after a
 * crash finds them stored; other bytes under a stored key are refused, never written over), then its fact to Kafka; a
 * gap's fact; the live's STARTED and ENDED on the catalog. Only then is the entry forgotten. A failure stops the
 * live's delivery where it is (the {@link SegmentSender} retries it); nothing is skipped.
 */
public final class Delivery {
    private static final Logger LOG = LoggerFactory.getLogger(Delivery.class);
    private static final long SEND_TIMEOUT_SECONDS = 40;

    private final Spool spool;
    private final LiveSessions sessions;
    private final MinioClient s3;
    private final EventPublisher publisher;
    private final LiveCatalog catalog;
    private final Duration durationWait;
    private final Clock clock;
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong refusedOverwrites = new AtomicLong();
    /** The object metadata that names what a stored segment holds. */
    static final String SHA256_METADATA = "sha256";

    /**
     * {@code durationWait}: how long a segment waits for the playlist that gives its duration before its fact goes
     * without one.
     */
    public Delivery(
            Spool spool,
            LiveSessions sessions,
            MinioClient s3,
            EventPublisher publisher,
            LiveCatalog catalog,
            Duration durationWait,
            Clock clock) {
        this.spool = spool;
        this.sessions = sessions;
        this.s3 = s3;
        this.publisher = publisher;
        this.catalog = catalog;
        this.durationWait = durationWait;
        this.clock = clock;
    }

    long deliveredCount() {
        return delivered.get();
    }

    /** Segments whose key already held other bytes: refused, the stored ones kept. */
    public long refusedOverwrites() {
        return refusedOverwrites.get();
    }

    /** Delivers what is ready of one live, in order; returns whether anything was delivered. */
    boolean deliverLive(String liveId) throws Exception {
        boolean progressed = false;
        LiveSession session = sessions.get(liveId);
        List<SpoolEntry> entries = session.pendingEntries(); // whole transitions only
        for (SpoolEntry entry : entries) {
            switch (entry.type()) {
                case SEGMENT -> {
                    Long duration = session.duration(entry.sequence());
                    boolean needsDuration = entry.kind() != HlsFile.Kind.INIT;
                    if (needsDuration
                            && duration == null
                            && clock.instant().isBefore(entry.at().plus(durationWait))) {
                        return progressed; // its playlist usually follows within milliseconds
                    }
                    deliverSegment(entry, needsDuration ? duration : null);
                }
                case LIFECYCLE -> deliverLifecycle(entry);
                case GAP -> publish(liveId, gap(entry));
            }
            spool.remove(entry);
            delivered.incrementAndGet();
            progressed = true;
        }
        return progressed;
    }

    private void deliverSegment(SpoolEntry entry, Long durationMicros) throws Exception {
        String key = objectKey(entry);
        long size = Files.size(entry.path());
        Optional<StatObjectResponse> stored = stat(key);
        if (stored.isPresent()) {
            String holds = stored.get().userMetadata().get(SHA256_METADATA);
            boolean same =
                    holds != null ? holds.equals(entry.sha256()) : stored.get().size() == size;
            if (!same) {
                // Another push already stored this number of this live (an encoder that restarted its numbering on
                // another instance, or someone with the key): what viewers may have seen stays as it was.
                refusedOverwrites.incrementAndGet();
                LOG.warn(
                        "live {}: segment {} is stored already with other bytes; refused, not written over",
                        entry.liveId(),
                        entry.sequence());
                return;
            }
            // the same bytes: a delivery retried after a crash, stored before; its fact is sent again (same id)
        } else {
            try (InputStream in = Files.newInputStream(entry.path())) {
                s3.putObject(
                        PutObjectArgs.builder().bucket(Bucket.SEGMENTS.bucketName()).object(key).stream(in, size, -1)
                                .contentType(contentType(entry.kind()))
                                .userMetadata(Map.of(SHA256_METADATA, entry.sha256()))
                                .build());
            }
        }
        publish(
                entry.liveId(),
                SegmentStored.newBuilder()
                        .setEventId(Ids.derivedEventId("segment", key))
                        .setOccurredAt(entry.at())
                        .setType(SegmentEventType.STORED)
                        .setLiveId(entry.liveId())
                        .setSequence(entry.sequence())
                        .setDurationMicros(durationMicros)
                        .setByteSize(size)
                        .setSha256(entry.sha256())
                        .setObjectKey(key)
                        .setContainer(entry.kind().container())
                        .setReceivedAt(entry.at())
                        .setDiscontinuity(entry.discontinuity())
                        .build());
    }

    private Optional<StatObjectResponse> stat(String key) throws Exception {
        try {
            return Optional.of(s3.statObject(StatObjectArgs.builder()
                    .bucket(Bucket.SEGMENTS.bucketName())
                    .object(key)
                    .build()));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())
                    || "NoSuchObject".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Where a spooled file goes in the segments bucket ({@link SegmentKeys}). */
    public static String objectKey(SpoolEntry entry) {
        if (entry.kind() == HlsFile.Kind.INIT) {
            return SegmentKeys.init(entry.liveId(), entry.sha256());
        }
        return SegmentKeys.media(entry.liveId(), entry.sequence(), entry.kind().extension());
    }

    private static String contentType(HlsFile.Kind kind) {
        return kind == HlsFile.Kind.SEGMENT_TS ? "video/mp2t" : "video/mp4";
    }

    private SegmentStored gap(SpoolEntry entry) {
        return SegmentStored.newBuilder()
                .setEventId(Ids.derivedEventId("segment-gap", entry.liveId() + "/" + entry.sequence()))
                .setOccurredAt(entry.at())
                .setType(SegmentEventType.GAP)
                .setLiveId(entry.liveId())
                .setSequence(entry.sequence())
                .setGapLength(entry.gapLength())
                .setByteSize(0)
                .setSha256("")
                .setObjectKey("")
                .setContainer(SegmentContainer.MPEG_TS)
                .setReceivedAt(entry.at())
                .build();
    }

    private void deliverLifecycle(SpoolEntry entry) throws Exception {
        Live live = catalog.byId(entry.liveId())
                .orElseThrow(
                        () -> new IllegalStateException("live " + entry.liveId() + " is not in the catalog view yet"));
        Live.Builder event = Live.newBuilder(live)
                .setEventId(Ids.derivedEventId("live", entry.liveId() + "/" + entry.lifecycle()))
                .setOccurredAt(entry.at())
                .setType(entry.lifecycle());
        if (entry.lifecycle() == LiveEventType.STARTED) {
            event.setStartedAt(entry.at());
        } else {
            event.setEndedAt(entry.at()).setEndReason(entry.endReason());
        }
        Live published = event.build();
        publisher.publish(Topic.LIVES, entry.liveId(), published).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info(
                "live {} {}",
                entry.liveId(),
                entry.lifecycle() == LiveEventType.STARTED ? "started" : "ended (" + entry.endReason() + ")");
    }

    private void publish(String liveId, SegmentStored event) throws Exception {
        publisher.publish(Topic.SEGMENTS, liveId, event).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (event.getType() == SegmentEventType.STORED) {
            sessions.get(liveId).delivered(event.getSequence());
        }
    }
}
