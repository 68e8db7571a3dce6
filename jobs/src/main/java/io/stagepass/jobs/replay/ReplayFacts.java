package io.stagepass.jobs.replay;

import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The facts of a replay on the compacted replays topic (key = live id): PACKAGING when a version starts, PROGRESS
 * every second while it is built (stage and percent), READY or FAILED at the end, EXPIRED when the window closes.
 * PACKAGING, READY, FAILED and EXPIRED are written and acknowledged before the packager goes on; PROGRESS is sent
 * without waiting, a lost one is replaced a second later.
 */
final class ReplayFacts implements AutoCloseable {
    static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    private static final Duration ACK = Duration.ofSeconds(30);

    private final EventPublisher publisher;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "replay-progress");
        thread.setDaemon(true);
        return thread;
    });

    ReplayFacts(EventPublisher publisher) {
        this.publisher = publisher;
    }

    /** The start of a fact about {@code version} of the live's replay, with what every fact carries. */
    static ReplayStatus.Builder about(
            Live live, ReplayEventType type, int version, int servedVersion, String contentHash) {
        return ReplayStatus.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(type)
                .setLiveId(live.getLiveId())
                .setCreatorId(live.getCreatorId())
                .setVersion(version)
                .setServedVersion(servedVersion)
                .setContentHash(contentHash)
                .setExpiresAt(expiresAt(live));
    }

    /** When ticket holders stop being able to watch: the live's end plus its replay window. */
    static Instant expiresAt(Live live) {
        Instant ended = live.getEndedAt() != null ? live.getEndedAt() : live.getOccurredAt();
        return ended.plus(Duration.ofDays(live.getReplayWindowDays()));
    }

    void publish(ReplayStatus status) {
        publisher.publishAll(Topic.REPLAYS, List.of(status), ReplayStatus::getLiveId, ACK);
    }

    /**
     * Sends the latest progress of a build every second until the returned ticker is closed. Closing waits for a tick
     * in flight: no PROGRESS may follow the READY or FAILED sent after it, or it would become the replay's latest state.
     */
    Ticker progressEvery(Live live, int version, int servedVersion, String contentHash, Progress progress) {
        Object lock = new Object();
        boolean[] stopped = {false};
        ScheduledFuture<?> ticks = ticker.scheduleAtFixedRate(
                () -> {
                    synchronized (lock) {
                        if (stopped[0]) {
                            return;
                        }
                        Progress.Snapshot now = progress.snapshot();
                        publisher.publish(
                                Topic.REPLAYS,
                                live.getLiveId(),
                                about(live, ReplayEventType.PROGRESS, version, servedVersion, contentHash)
                                        .setStage(now.stage())
                                        .setProgressPercent(now.percent())
                                        .build());
                    }
                },
                0,
                PROGRESS_EVERY.toMillis(),
                TimeUnit.MILLISECONDS);
        return () -> {
            synchronized (lock) {
                stopped[0] = true;
                ticks.cancel(false);
            }
        };
    }

    /** Stops the progress facts of a build. */
    interface Ticker extends AutoCloseable {
        @Override
        void close();
    }

    /** The READY fact's id: the same live, version and bytes give the same fact, however often it is published. */
    static String readyId(String liveId, int version, String packageHash) {
        return Ids.derivedEventId("replay-ready", liveId + "/v" + version + "/" + packageHash);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }

    /** The latest stage and percent of a build, written by the packager, read by the ticker. */
    static final class Progress implements Packager.Progress {
        record Snapshot(String stage, int percent) {}

        private final Packager.Progress listener;
        private volatile Snapshot latest = new Snapshot("fetching", 0);

        Progress(Packager.Progress listener) {
            this.listener = listener;
        }

        @Override
        public void report(String stage, int percent) {
            latest = new Snapshot(stage, Math.max(latest.percent(), Math.min(99, percent)));
            listener.report(stage, latest.percent());
        }

        Snapshot snapshot() {
            return latest;
        }
    }
}
