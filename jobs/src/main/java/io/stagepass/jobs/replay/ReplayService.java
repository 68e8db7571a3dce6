package io.stagepass.jobs.replay;

import io.minio.MinioClient;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an ended live into its replay, once per content: the jobs worker calls it for every ENDED fact (redeliveries
 * included), the CLI for a package in the foreground. Which version to build follows from the replay's latest status:
 * the same input already READY is left alone; a build of the same input that did not finish (a killed worker) is
 * built again under the same version, and gives the same bytes; new input, or an explicit new version, takes the next
 * number and never touches the version being served.
 */
public final class ReplayService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReplayService.class);
    /** How long the end of a live waits for the lower renditions of its last segments. */
    static final java.time.Duration RENDITION_WAIT = java.time.Duration.ofSeconds(10);

    /** What packaging a live did, and the status that says so. */
    public record Packaged(Outcome outcome, ReplayStatus status) {
        public enum Outcome {
            /** A version was built: {@code status} is its READY or FAILED. */
            BUILT,
            /** A version was READY for the same segments already: {@code status} is that READY, left alone. */
            ALREADY_READY,
            /** Nothing was done, the replay window has closed: {@code status} is the latest one, null if none. */
            WINDOW_CLOSED
        }
    }

    private final LiveFacts facts;
    private final ReplayFacts replays;
    private final Packager packager;
    private final LiveBuilds builds;

    public ReplayService(KafkaSettings kafka, MinioClient s3, EventPublisher publisher, Path workDir, int fetchers) {
        this(kafka, s3, publisher, workDir, fetchers, null);
    }

    /** With the builds of this process's segment handler: a live built as it streamed is only finalised. */
    public ReplayService(
            KafkaSettings kafka,
            MinioClient s3,
            EventPublisher publisher,
            Path workDir,
            int fetchers,
            LiveBuilds builds) {
        this.facts = new LiveFacts(kafka);
        this.replays = new ReplayFacts(publisher);
        this.packager = new Packager(new ReplayStore(s3), workDir, fetchers);
        this.builds = builds;
    }

    /** The worker's handler: an ENDED live gets its replay; other catalog facts need nothing. */
    public void onLive(String key, Live live) throws Exception {
        if (live.getType() == LiveEventType.ENDED) {
            packageLive(live, false, (stage, percent) -> {});
        }
    }

    /** Packages the live with this id as the catalog has it now. */
    public Packaged packageLive(String liveId, boolean newVersion, Packager.Progress listener) throws Exception {
        Live live = facts.latestLive(liveId)
                .orElseThrow(() -> new IllegalArgumentException("no live " + liveId + " in the catalog"));
        if (live.getType() != LiveEventType.ENDED) {
            throw new IllegalArgumentException("live " + liveId + " has not ended (it is " + live.getType() + ")");
        }
        return packageLive(live, newVersion, listener);
    }

    /**
     * Packages an ended live; says whether it built a version (READY or FAILED), found one READY for the same segments,
     * or did nothing because the replay window has closed. Throws only when the outcome could not be recorded (Kafka
     * away): the worker then retries the ENDED fact.
     */
    public Packaged packageLive(Live live, boolean newVersion, Packager.Progress listener) throws Exception {
        ReplayInput input = awaitRenditions(live, ReplayInput.of(live.getLiveId(), facts.segments(live)));
        String contentHash = input.contentHash();
        Optional<ReplayStatus> latest = facts.latestReplay(live.getLiveId());
        if (Instant.now().isAfter(ReplayFacts.expiresAt(live))) {
            LOG.info(
                    "live {}: its replay window closed at {}; not packaging",
                    live.getLiveId(),
                    ReplayFacts.expiresAt(live));
            return new Packaged(Packaged.Outcome.WINDOW_CLOSED, latest.orElse(null));
        }
        if (latest.isPresent() && latest.get().getType() == ReplayEventType.EXPIRED) {
            LOG.info("live {}: its replay window has closed; not packaging", live.getLiveId());
            return new Packaged(Packaged.Outcome.WINDOW_CLOSED, latest.get());
        }
        if (latest.isPresent()
                && latest.get().getType() == ReplayEventType.READY
                && contentHash.equals(latest.get().getContentHash())
                && !newVersion) {
            LOG.info(
                    "live {}: replay v{} is READY for this content already",
                    live.getLiveId(),
                    latest.get().getVersion());
            return new Packaged(Packaged.Outcome.ALREADY_READY, latest.get());
        }
        int served = latest.map(ReplayStatus::getServedVersion).orElse(0);
        int version = latest.map(status -> !newVersion && contentHash.equals(status.getContentHash())
                        ? status.getVersion()
                        : status.getVersion() + 1)
                .orElse(1);
        version = Math.max(version, 1);
        LOG.info(
                "live {}: packaging replay v{} from {} segments ({} MB)",
                live.getLiveId(),
                version,
                input.segments().size(),
                input.totalBytes() >> 20);
        replays.publish(ReplayFacts.about(live, ReplayEventType.PACKAGING, version, served, contentHash)
                .setStage("fetching")
                .setProgressPercent(0)
                .build());
        ReplayFacts.Progress progress = new ReplayFacts.Progress(listener);
        ReplayFacts.Ticker ticker = replays.progressEvery(live, version, served, contentHash, progress);
        ReplayStatus outcome;
        try {
            Packager.Result result = null;
            if (version == LiveBuilds.VERSION && !newVersion && builds != null) {
                long start = System.nanoTime();
                try {
                    result = builds.finish(live.getLiveId(), input, progress);
                    LOG.info(
                            "live {}: replay v{} built while it streamed, finalised in {} ms",
                            live.getLiveId(),
                            version,
                            (System.nanoTime() - start) / 1_000_000);
                } catch (LiveBuild.Mismatch mismatch) {
                    LOG.info(
                            "live {}: packaging its replay whole: the build made while it streamed cannot finish it"
                                    + " ({})",
                            live.getLiveId(),
                            mismatch.getMessage());
                }
            }
            if (result == null) {
                result = packager.build(input, version, progress);
            }
            outcome = ready(live, contentHash, result);
        } catch (InterruptedException e) {
            throw e; // stopping: the ENDED fact stays uncommitted and this version is built again
        } catch (Exception e) {
            LOG.warn("live {}: replay v{} failed", live.getLiveId(), version, e);
            outcome = ReplayFacts.about(live, ReplayEventType.FAILED, version, served, contentHash)
                    .setError(e instanceof PackagingException ? e.getMessage() : e.toString())
                    .build();
        } finally {
            ticker.close();
        }
        replays.publish(outcome);
        if (outcome.getType() == ReplayEventType.READY) {
            LOG.info(
                    "live {}: replay v{} READY ({} s, {} MB)",
                    live.getLiveId(),
                    version,
                    outcome.getDurationMillis() / 1000,
                    outcome.getSizeBytes() >> 20);
        }
        return new Packaged(Packaged.Outcome.BUILT, outcome);
    }

    /**
     * The worker makes a segment's lower rendition a moment after ingest stored it, so the last ones may still be on
     * their way when the live ends: while some MPEG-TS segment of the source has no fact in a rendition (made, or a
     * GAP: not made), the facts are read again, for at most {@link #RENDITION_WAIT}. The packager then lists a
     * rendition only if it is whole.
     */
    private ReplayInput awaitRenditions(Live live, ReplayInput input) throws InterruptedException {
        long deadline = System.nanoTime() + RENDITION_WAIT.toNanos();
        while (!input.renditionsDecided() && System.nanoTime() < deadline) {
            Thread.sleep(500);
            input = ReplayInput.of(live.getLiveId(), facts.segments(live));
        }
        return input;
    }

    private static ReplayStatus ready(Live live, String contentHash, Packager.Result result) {
        return ReplayFacts.about(live, ReplayEventType.READY, result.version(), result.version(), contentHash)
                .setEventId(ReplayFacts.readyId(live.getLiveId(), result.version(), result.packageHash()))
                .setProgressPercent(100)
                .setPlaylistKey(result.masterKey())
                .setMediaPlaylistKey(result.mediaKey())
                .setMp4Key(result.mp4Key())
                .setPosterKey(result.posterKey())
                .setThumbnailsKey(result.thumbnailsKey())
                .setSpriteKeys(result.spriteKeys())
                .setRenditions(result.renditions())
                .setDurationMillis(result.durationMillis())
                .setSizeBytes(result.sizeBytes())
                .setGaps(result.gaps())
                .setDiscontinuities(result.discontinuities())
                .setSkipped(result.skipped())
                .setObjects(result.objects())
                .setSegments(result.segments())
                .setPackageHash(result.packageHash())
                .build();
    }

    /** The latest status of a live's replay. */
    public Optional<ReplayStatus> status(String liveId) {
        return facts.latestReplay(liveId);
    }

    @Override
    public void close() {
        replays.close();
        facts.close();
    }
}
