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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The 360p rendition, made while the live streams: the jobs worker consumes the segment facts as a member of its own
 * consumer group (the partition, and so the live, decides which worker), and for each MPEG-TS segment of a live that
 * wants it, fetches the bytes, transcodes them ({@link Renditions}), stores the result beside the source under
 * {@code LIVE_ID/360p/} and publishes its fact (same sequence, {@code rendition = "360p"}) once the object is
 * durable; the segment's first picture goes to {@code LIVE_ID/thumbs/} as the scrub bar's thumbnail during the live. A redelivered fact finds the object made before and publishes its fact again (same id). A segment that
 * cannot be fetched or read gets a GAP fact of the rendition instead (players take it from the source); a fact older
 * than {@link #TOO_LATE} is passed over, so a new worker group does not transcode the past.
 */
public final class LowRenditions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LowRenditions.class);
    static final Duration TOO_LATE = Duration.ofMinutes(30);
    /** The schema version this worker writes (the fact it copies may be older). */
    private static final int SCHEMA_VERSION =
            (Integer) SegmentStored.getClassSchema().getField("schemaVersion").defaultVal();

    private static final int REMEMBERED_LIVES = 1_000;

    private final LiveFacts facts;
    private final ReplayStore store;
    private final EventPublisher publisher;
    private final Path workDir;
    /** The fMP4 init sections of the lives this consumer has seen, by sequence. */
    private final Map<String, TreeMap<Long, SegmentStored>> inits = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, TreeMap<Long, SegmentStored>> eldest) {
            return size() > REMEMBERED_LIVES;
        }
    };

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

    /** The worker's handler: every source media segment of a live that wants a 360p rendition gets one. */
    public void onSegment(String key, SegmentStored fact) throws Exception {
        if (fact.getType() == SegmentEventType.STORED
                && fact.getRendition() == null
                && fact.getContainer() == SegmentContainer.FMP4_INIT) {
            inits.computeIfAbsent(fact.getLiveId(), id -> new TreeMap<>()).put(fact.getSequence(), fact);
            return;
        }
        if (fact.getType() != SegmentEventType.STORED
                || fact.getRendition() != null
                || fact.getReceivedAt().isBefore(Instant.now().minus(TOO_LATE))
                || !wanted(fact.getLiveId())) {
            return;
        }
        Files.createDirectories(workDir);
        Path source = Files.createTempFile(workDir, fact.getLiveId() + "-" + fact.getSequence() + "-", ".ts");
        Path target = Files.createTempFile(workDir, fact.getLiveId() + "-" + fact.getSequence() + "-360p-", ".ts");
        Path init = null;
        String objectKey = SegmentKeys.rendition(fact.getLiveId(), Renditions.LOW, fact.getSequence());
        try {
            // A redelivered fact: the rendition made before is kept (its fact again, same id), not made anew.
            Optional<String> existing = store.fetchIfPresent(Bucket.SEGMENTS, objectKey, target);
            if (existing.isPresent()) {
                try {
                    publish(fact, objectKey, existing.get(), Files.size(target), Renditions.describe(target));
                    return;
                } catch (MediaException e) { // not what this worker writes: made again below, over it
                    LOG.warn(
                            "live {}: {} cannot be read ({}); making it again",
                            fact.getLiveId(),
                            objectKey,
                            e.getMessage());
                }
            }
            Optional<String> problem = store.fetch(fact.getObjectKey(), fact.getSha256(), source);
            if (problem.isEmpty() && fact.getContainer() == SegmentContainer.FMP4) {
                SegmentStored initFact = initFor(fact);
                if (initFact == null) {
                    problem = Optional.of("no fMP4 init section was stored before it");
                } else {
                    init = Files.createTempFile(workDir, fact.getLiveId() + "-init-", ".mp4");
                    problem = store.fetch(initFact.getObjectKey(), initFact.getSha256(), init)
                            .map(p -> "its init section cannot be used: " + p);
                }
            }
            if (problem.isPresent()) {
                none(fact, problem.get());
                return;
            }
            long start = System.nanoTime();
            Renditions.Made made;
            try {
                made = Renditions.transcode(source, init, target, Renditions.LOW_HEIGHT, Renditions.LOW_VIDEO_BITS);
            } catch (MediaException e) {
                none(fact, "FFmpeg cannot read it: " + e.getMessage());
                return;
            }
            if (made == null) {
                return; // the source is 360p or less already
            }
            if (made.thumbnail() != null) { // before the fact: whoever reads the fact finds the thumbnail there
                Path jpeg = target.resolveSibling(target.getFileName() + ".jpg");
                try {
                    Files.write(jpeg, made.thumbnail());
                    store.upload(
                            Bucket.SEGMENTS,
                            jpeg,
                            SegmentKeys.thumbnail(fact.getLiveId(), fact.getSequence()),
                            "image/jpeg");
                } finally {
                    Files.deleteIfExists(jpeg);
                }
            }
            String sha256 = store.upload(Bucket.SEGMENTS, target, objectKey, "video/mp2t");
            publish(fact, objectKey, sha256, Files.size(target), made);
            LOG.debug(
                    "live {}: segment {} as {} in {} ms",
                    fact.getLiveId(),
                    fact.getSequence(),
                    Renditions.LOW,
                    (System.nanoTime() - start) / 1_000_000);
        } finally {
            Files.deleteIfExists(source);
            Files.deleteIfExists(target);
            if (init != null) {
                Files.deleteIfExists(init);
            }
        }
    }

    /**
     * The init section an fMP4 segment needs: the latest one ingest stored at or before it, as this consumer saw them
     * go by; after a restart (they were before its committed offset) read back from the live's facts.
     */
    private SegmentStored initFor(SegmentStored segment) {
        TreeMap<Long, SegmentStored> seen = inits.get(segment.getLiveId());
        if (seen == null || seen.floorEntry(segment.getSequence()) == null) {
            TreeMap<Long, SegmentStored> read = new TreeMap<>();
            facts.latestLive(segment.getLiveId())
                    .ifPresent(live -> facts.segments(live).stream()
                            .filter(f -> f.getRendition() == null
                                    && f.getType() == SegmentEventType.STORED
                                    && f.getContainer() == SegmentContainer.FMP4_INIT)
                            .forEach(f -> read.put(f.getSequence(), f)));
            inits.put(segment.getLiveId(), read);
            seen = read;
        }
        Map.Entry<Long, SegmentStored> init = seen.floorEntry(segment.getSequence());
        return init == null ? null : init.getValue();
    }

    /** The rendition's fact, once its object is durable: same sequence, timestamps and flags as the source's. */
    private void publish(SegmentStored fact, String objectKey, String sha256, long size, Renditions.Made made)
            throws Exception {
        SegmentStored rendition = SegmentStored.newBuilder(fact)
                .setEventId(Ids.derivedEventId(
                        "rendition", fact.getLiveId() + "/" + Renditions.LOW + "/" + fact.getSequence()))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setSchemaVersion(SCHEMA_VERSION)
                .setContainer(SegmentContainer.MPEG_TS) // whatever the source's
                .setObjectKey(objectKey)
                .setSha256(sha256)
                .setByteSize(size)
                .setRendition(Renditions.LOW)
                .setWidth(made.width())
                .setHeight(made.height())
                .setCodecs(made.codecs())
                .build();
        publisher.publish(Topic.SEGMENTS, fact.getLiveId(), rendition).get(30, TimeUnit.SECONDS);
    }

    /**
     * The segment gets no rendition: a GAP fact of the rendition says so (the packager need not wait for it), and
     * players take that segment from the source.
     */
    private void none(SegmentStored fact, String reason) throws Exception {
        LOG.warn("live {}: segment {} gets no {}: {}", fact.getLiveId(), fact.getSequence(), Renditions.LOW, reason);
        SegmentStored gap = SegmentStored.newBuilder(fact)
                .setEventId(Ids.derivedEventId( // not the made one's id: a later try may still make it
                        "rendition-gap", fact.getLiveId() + "/" + Renditions.LOW + "/" + fact.getSequence()))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setSchemaVersion(SCHEMA_VERSION)
                .setType(SegmentEventType.GAP)
                .setGapLength(1L)
                .setObjectKey("")
                .setSha256("")
                .setByteSize(0)
                .setRendition(Renditions.LOW)
                .build();
        publisher.publish(Topic.SEGMENTS, fact.getLiveId(), gap).get(30, TimeUnit.SECONDS);
    }

    /** Whether the live asks for the rendition (its catalog record, read once; a live not found yet: the default). */
    private boolean wanted(String liveId) {
        Boolean known = wanted.get(liveId);
        if (known != null) {
            return known;
        }
        Optional<Live> live = facts.latestLive(liveId);
        live.ifPresent(l -> wanted.put(liveId, l.getLowRendition())); // not found yet: asked again next segment
        return live.map(Live::getLowRendition).orElse(true);
    }

    @Override
    public void close() {
        facts.close();
    }
}
