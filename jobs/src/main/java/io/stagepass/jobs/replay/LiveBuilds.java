package io.stagepass.jobs.replay;

import io.minio.MinioClient;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import io.stagepass.platform.config.KafkaSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
    /** Lives remembered as not built here; an older one forgotten is looked up again if a fact comes for it. */
    static final int DECLINED_REMEMBERED = 10_000;
    /** How often idle builds are looked for, at most (a fact or an end triggers it). */
    private static final Duration SWEEP_EVERY = Duration.ofMinutes(1);

    private final ReplayStore store;
    private final Path workRoot;
    private final LiveFacts facts;
    private final Duration idle;
    private final Map<String, LiveBuild> builds = new ConcurrentHashMap<>();
    /**
     * A live's facts, its end and the idle sweep take turns on its build under one of these (by the live id's hash):
     * no two builds of one live exist at once (they share a work folder), and none is closed while in use.
     */
    private final ReentrantLock[] locks = new ReentrantLock[256];
    /** Lives this process does not build as they stream: their replay had a status when it first saw them. */
    private final Set<String> declined =
            Collections.newSetFromMap(Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > DECLINED_REMEMBERED;
                }
            }));

    private final AtomicLong nextSweep = new AtomicLong(System.nanoTime());

    /**
     * @param idle how long a build that sees no fact stays in memory (a live paused, or one whose partition moved to
     *             another worker): its checkpoint holds it, and a later fact or the live's end loads it again
     */
    public LiveBuilds(KafkaSettings kafka, MinioClient s3, Path workRoot, Duration idle) {
        this.store = new ReplayStore(s3);
        this.workRoot = workRoot;
        this.facts = new LiveFacts(kafka);
        this.idle = idle;
        for (int i = 0; i < locks.length; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    private ReentrantLock lock(String liveId) {
        return locks[Math.floorMod(liveId.hashCode(), locks.length)];
    }

    /** The segment facts' handler: each stored segment of a streaming live goes into its replay. */
    public void onSegment(String key, SegmentStored fact) throws Exception {
        sweepIfDue();
        ReentrantLock lock = lock(fact.getLiveId());
        lock.lockInterruptibly();
        try {
            handle(fact);
        } finally {
            lock.unlock();
        }
    }

    private void handle(SegmentStored fact) throws Exception {
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
        } else {
            if (segment.sequence() > build.lastSequence() + 1
                    && LiveBuild.storedLastSequence(store, liveId, VERSION) > build.lastSequence()) {
                // A hole: the facts before it may have gone to another worker of the group (a rebalance) whose
                // checkpoint is ahead of this build; it goes on from there (before its own checkpoint overwrites it).
                build.close(); // first: the build loaded next works in the same folder
                build = LiveBuild.open(store, workRoot, liveId, VERSION);
                builds.put(liveId, build);
                LOG.info(
                        "live {}: another worker built it to segment {}; going on from there",
                        liveId,
                        build.lastSequence());
            }
            if (!build.offer(segment) && segment.sequence() < build.lastSequence() && !build.has(segment.sequence())) {
                LOG.info(
                        "live {}: segment {} came after segment {}; the end of the live packages the replay whole",
                        liveId,
                        segment.sequence(),
                        build.lastSequence());
            }
        }
    }

    /**
     * The build the end of a live finishes: this process's, or one loaded from the checkpoint another process left,
     * or a fresh one when no segment was built yet (it then does every segment now, through the same stages).
     */
    private LiveBuild forEnd(String liveId) throws Exception {
        try {
            return builds.computeIfAbsent(liveId, this::open);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /**
     * Finishes the replay of an ended live from its build (see {@link #forEnd}); the build is done here afterwards,
     * whatever the outcome. Throws {@link LiveBuild.Mismatch} when the build cannot finish this input.
     */
    Packager.Result finish(String liveId, ReplayInput input, Packager.Progress progress) throws Exception {
        sweepIfDue();
        ReentrantLock lock = lock(liveId);
        lock.lockInterruptibly();
        LiveBuild build = null;
        try {
            build = forEnd(liveId);
            return build.finish(input, progress);
        } finally {
            declined.add(liveId);
            if (build != null) {
                build.close();
                builds.remove(liveId, build);
            }
            lock.unlock();
        }
    }

    private void sweepIfDue() {
        long now = System.nanoTime();
        long due = nextSweep.get();
        if (now - due >= 0 && nextSweep.compareAndSet(due, now + Math.min(idle.toNanos(), SWEEP_EVERY.toNanos()))) {
            sweep(now - idle.toNanos());
        }
    }

    /**
     * Closes and forgets the builds no fact came for since {@code cutoffNanos}, passing over those in use; returns
     * how many.
     */
    int sweep(long cutoffNanos) {
        int closed = 0;
        for (Map.Entry<String, LiveBuild> entry : builds.entrySet()) {
            ReentrantLock lock = lock(entry.getKey());
            if (!lock.tryLock()) {
                continue; // in use: not idle
            }
            try {
                LiveBuild build = entry.getValue();
                if (build.closeIfIdle(cutoffNanos)) {
                    builds.remove(entry.getKey(), build);
                    closed++;
                }
            } finally {
                lock.unlock();
            }
        }
        if (closed > 0) {
            LOG.info(
                    "closed {} replay builds that saw no segment for {} (their checkpoints keep them; {} open)",
                    closed,
                    idle,
                    builds.size());
        }
        return closed;
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

    @Override
    public void close() {
        builds.values().forEach(LiveBuild::close);
        facts.close();
    }
}
