package io.stagepass.jobs.clips;

import io.minio.MinioClient;
import io.stagepass.events.Bucket;
import io.stagepass.events.Clip;
import io.stagepass.events.ClipStatus;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.Topic;
import io.stagepass.jobs.replay.LiveFacts;
import io.stagepass.jobs.replay.ReplayInput;
import io.stagepass.jobs.replay.ReplayStore;
import io.stagepass.media.MediaException;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the clips creators ask for: the jobs worker consumes the clips catalog in a group of its own, and for each
 * REQUESTED clip reads the live's segment facts, places its stored segments on the replay's timeline (each one's
 * duration after the other, gaps taking no time), fetches the ones the span touches, cuts them ({@link ClipCutter}),
 * stores the MP4 under {@code LIVE_ID/clips/CLIP_ID.mp4} of the replays bucket (it goes with the replay when its window closes) and publishes READY once it is durable;
 * FAILED with the reason when it cannot. The live may still be streaming: the span must lie in what is stored. A
 * redelivered request finds the clip done and does nothing; cutting is deterministic, so doing it twice writes the
 * same bytes.
 */
public final class ClipService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClipService.class);
    /** Where a segment whose playlist never said its length is taken to end: ingest's own target. */
    private static final long DEFAULT_SEGMENT_MICROS = 2_000_000;

    private final LiveFacts facts;
    private final ReplayStore store;
    private final EventPublisher publisher;
    private final Path workDir;
    /** Failed tries per clip: an error that is not the media's own gets {@link #TRIES}, then the clip fails. */
    private final java.util.Map<String, Integer> tries = new java.util.concurrent.ConcurrentHashMap<>();

    static final int TRIES = 3;

    public ClipService(KafkaSettings kafka, MinioClient s3, EventPublisher publisher, Path workDir) {
        this.facts = new LiveFacts(kafka);
        this.store = new ReplayStore(s3);
        this.publisher = publisher;
        this.workDir = workDir;
    }

    /** The object a clip's MP4 is stored as, in the replays bucket. */
    public static String objectKey(String liveId, String clipId) {
        return liveId + "/clips/" + clipId + ".mp4";
    }

    /**
     * The worker's handler: a REQUESTED clip is cut, unless a later record says it was done; a DELETED one has its MP4
     * deleted (again, if this is a redelivery).
     */
    public void onClip(String key, Clip clip) throws Exception {
        if (clip.getType() == ClipStatus.DELETED) {
            store.delete(Bucket.REPLAYS, objectKey(clip.getLiveId(), clip.getClipId()));
            LOG.info("live {}: clip {} deleted", clip.getLiveId(), clip.getClipId());
            return;
        }
        if (clip.getType() != ClipStatus.REQUESTED) {
            return;
        }
        Optional<Clip> latest = facts.latest(Topic.CLIPS, clip.getClipId(), Clip.class);
        if (latest.isPresent() && latest.get().getType() != ClipStatus.REQUESTED) {
            return; // cut before (a redelivery), or deleted before it was cut
        }
        Optional<Live> live = facts.latestLive(clip.getLiveId());
        if (live.isEmpty()) {
            publish(failed(clip, "the live is not in the catalog"));
            return;
        }
        ReplayInput input = ReplayInput.of(clip.getLiveId(), facts.segments(live.get()));
        Files.createDirectories(workDir);
        Path dir = Files.createTempDirectory(workDir, clip.getClipId() + "-");
        try {
            Clip done;
            try {
                done = cut(clip, input, dir);
            } catch (Exception e) { // the object store or the disk: tried again, up to TRIES, then it fails
                int tried = tries.merge(clip.getClipId(), 1, Integer::sum);
                if (tried < TRIES) {
                    throw e;
                }
                done = failed(clip, "could not be cut after " + tried + " tries: " + e.getMessage());
            }
            publish(done);
            tries.remove(clip.getClipId());
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private Clip cut(Clip clip, ReplayInput input, Path dir) throws Exception {
        long start = clip.getStartMillis() * 1000;
        long end = clip.getEndMillis() * 1000;
        List<ClipCutter.Part> parts = new ArrayList<>();
        long offset = 0;
        long previous = Long.MIN_VALUE;
        for (ReplayInput.Segment segment : input.segments()) {
            long duration = segment.durationMicros() != null ? segment.durationMicros() : DEFAULT_SEGMENT_MICROS;
            boolean runStart = segment.discontinuity() || segment.sequence() != previous + 1;
            previous = segment.sequence();
            if (offset < end && offset + duration > start) {
                Path file = dir.resolve(segment.sequence() + (segment.fmp4() ? ".m4s" : ".ts"));
                Optional<String> problem = store.fetch(segment.objectKey(), segment.sha256(), file);
                Path init = null;
                if (problem.isEmpty() && segment.fmp4()) {
                    ReplayInput.Segment initSegment = input.initFor(segment);
                    if (initSegment == null) {
                        problem = Optional.of("no fMP4 init section was stored before it");
                    } else {
                        init = dir.resolve("init-" + initSegment.sequence() + ".mp4");
                        if (!Files.exists(init)) {
                            problem = store.fetch(initSegment.objectKey(), initSegment.sha256(), init);
                        }
                    }
                }
                if (problem.isPresent()) {
                    return failed(clip, "segment " + segment.sequence() + " cannot be used: " + problem.get());
                }
                parts.add(new ClipCutter.Part(file, init, offset, runStart));
            }
            offset += duration;
        }
        if (end > offset) {
            return failed(
                    clip,
                    "the span ends at " + clock(end) + " but the live's media stored so far ends at " + clock(offset));
        }
        Path mp4 = dir.resolve("clip.mp4");
        ClipCutter.Cut cut;
        try {
            cut = ClipCutter.cut(parts, start, end, mp4);
        } catch (MediaException e) {
            return failed(clip, "FFmpeg cannot cut it: " + e.getMessage());
        }
        String objectKey = objectKey(clip.getLiveId(), clip.getClipId());
        store.upload(Bucket.REPLAYS, mp4, objectKey, "video/mp4");
        LOG.info(
                "live {}: clip {} ready, {} to {} ({} ms from the keyframe at {} ms), {} bytes",
                clip.getLiveId(),
                clip.getClipId(),
                clock(start),
                clock(end),
                cut.durationMicros() / 1000,
                cut.startMicros() / 1000,
                Files.size(mp4));
        return Clip.newBuilder(clip)
                .setEventId(Ids.derivedEventId("clip", clip.getClipId() + "/" + ClipStatus.READY))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(ClipStatus.READY)
                .setObjectKey(objectKey)
                .setClipStartMillis(cut.startMicros() / 1000)
                .setDurationMillis(cut.durationMicros() / 1000)
                .setByteSize(Files.size(mp4))
                .setWidth(cut.width())
                .setHeight(cut.height())
                .build();
    }

    private static Clip failed(Clip clip, String reason) {
        LOG.warn("live {}: clip {} failed: {}", clip.getLiveId(), clip.getClipId(), reason);
        return Clip.newBuilder(clip)
                .setEventId(Ids.derivedEventId("clip", clip.getClipId() + "/" + ClipStatus.FAILED))
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(ClipStatus.FAILED)
                .setError(reason)
                .build();
    }

    private void publish(Clip clip) throws Exception {
        publisher.publish(Topic.CLIPS, clip.getClipId(), clip).get(30, TimeUnit.SECONDS);
    }

    /** m:ss.mmm of a position in microseconds. */
    static String clock(long micros) {
        long millis = micros / 1000;
        return String.format("%d:%02d.%03d", millis / 60_000, millis / 1000 % 60, millis % 1000);
    }

    @Override
    public void close() {
        facts.close();
    }
}
