package io.stagepass.jobs.replay;

import io.minio.MinioClient;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import io.stagepass.platform.config.KafkaSettings;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replays being built while their lives stream, in one jobs process: the segment facts' handler (a consumer
 * group of its own, partitioned by live id, so one consumer owns a live's facts and another takes them over, from the
 * checkpoint, when it dies) and, at the end of a live, the build the ENDED handler finishes: this process's own, or
 * one loaded from its checkpoint when another process built it.
 */
public final class LiveBuilds implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveBuilds.class);
    /** The version a replay built while its live streams gets: the live's first. */
    static final int VERSION = 1;

    private final ReplayStore store;
    private final Path workRoot;
    private final LiveFacts facts;
    private final Map<String, LiveBuild> builds = new ConcurrentHashMap<>();
    /** Lives this process does not build as they stream: their replay had a status when it first saw them. */
    private final Set<String> declined = ConcurrentHashMap.newKeySet();

    public LiveBuilds(KafkaSettings kafka, MinioClient s3, Path workRoot) {
        this.store = new ReplayStore(s3);
        this.workRoot = workRoot;
        this.facts = new LiveFacts(kafka);
    }

    /** The segment facts' handler: each stored segment of a streaming live goes into its replay. */
    public void onSegment(String key, SegmentStored fact) throws Exception {
        String liveId = fact.getLiveId();
        if (declined.contains(liveId)) {
            return;
        }
        LiveBuild build = builds.get(liveId);
        if (build == null) {
            boolean packaged;
            synchronized (facts) {
                packaged = facts.latestReplay(liveId).isPresent();
            }
            if (packaged) {
                declined.add(liveId); // its end came (or a package was asked for): not a live to build as it goes
                return;
            }
            build = builds.computeIfAbsent(liveId, this::open);
        }
        if (fact.getType() == SegmentEventType.GAP) {
            if (fact.getRendition() == null) {
                build.gap(fact.getSequence(), fact.getGapLength() == null ? 1 : fact.getGapLength());
            }
            return;
        }
        ReplayInput.Segment segment = ReplayInput.Segment.of(fact);
        if (fact.getRendition() != null) {
            build.rendition(fact.getRendition(), segment);
        } else if (fact.getContainer() == SegmentContainer.FMP4_INIT) {
            build.init(segment);
        } else if (build.offer(segment) && build.waitingCount() > 0) {
            // A hole: the facts before it may have gone to another worker of the group (a rebalance) whose
            // checkpoint is ahead of this one; a build that fell behind goes on from the newer checkpoint.
            if (LiveBuild.storedLastSequence(store, liveId, VERSION) > build.lastSequence()) {
                LiveBuild stored = LiveBuild.open(store, workRoot, liveId, VERSION);
                LOG.info(
                        "live {}: another worker built it to segment {}; going on from there",
                        liveId,
                        stored.lastSequence());
                builds.put(liveId, stored);
                build.close();
                stored.offer(segment);
            }
        } else if (segment.sequence() < build.lastSequence()) {
            LOG.info(
                    "live {}: segment {} came after segment {}; the end of the live packages the replay whole",
                    liveId,
                    segment.sequence(),
                    build.lastSequence());
        }
    }

    /**
     * The build the end of a live finishes: this process's, or one loaded from the checkpoint another process left,
     * or a fresh one when no segment was built yet (it then does every segment now, through the same stages).
     */
    LiveBuild forEnd(String liveId) throws Exception {
        try {
            return builds.computeIfAbsent(liveId, this::open);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private LiveBuild open(String liveId) {
        try {
            return LiveBuild.open(store, workRoot, liveId, VERSION);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("could not load the build of live " + liveId, e);
        }
    }

    /** The live's replay is packaged: its build is done here. */
    void done(String liveId, LiveBuild build) {
        declined.add(liveId);
        builds.remove(liveId, build);
        build.close();
    }

    @Override
    public void close() {
        builds.values().forEach(LiveBuild::close);
        facts.close();
    }
}
