package io.stagepass.ingest.stage;

import io.stagepass.events.StreamHealth;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.views.Projection;
import io.stagepass.platform.views.TopicView;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Where each live's stage runs when there are several ingest instances: on the instance its creator streams to, which
 * says so in the stream health facts it writes while it receives the live's media ({@code ingestUrl}, {@code
 * rtmpUrl}; an instance the creator left reports the live as quiet without them). This instance folds those facts and
 * turns away what belongs elsewhere: a guest who joins here while the live streams through another instance is told
 * to join again (the replay API then sends them there), and the guests already here move, once, when the creator's
 * stream does. An instance whose own public URL is not configured claims nothing and turns nobody away: one instance,
 * as in the embedded stack, needs no configuration.
 */
public final class StageLocations implements AutoCloseable {
    /** A report older than this no longer places a live: its creator may have stopped, or be coming back here. */
    static final Duration FRESH = Duration.ofSeconds(30);
    /** Reports dated further ahead than this are not believed (a clock far off, or a forged fact). */
    static final Duration AHEAD = Duration.ofSeconds(5);

    private final Where where;
    private final TopicView view;
    private final String self;
    private final Clock clock;
    private final Map<String, String> movedTo = new ConcurrentHashMap<>();
    private final ExecutorService mover = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "stage-locations");
        thread.setDaemon(true);
        return thread;
    });

    /** Where a live streams: the instance's URL and its RTMP server's, when it said. */
    public record Location(String ingestUrl, String rtmpUrl) {}

    public StageLocations(KafkaSettings kafka, Stage stage, String self, Clock clock) {
        this.self = self;
        this.clock = clock;
        this.where = new Where(clock);
        this.view = new TopicView(kafka, "ingest-stage-locations", List.of(where));
        // Guests move once per change of place, off the view's thread (closing a guest waits for its decoder).
        view.listen((projection, liveId) -> {
            Optional<Location> location = elsewhere(liveId);
            if (location.isEmpty()) {
                movedTo.remove(liveId);
                return;
            }
            if (location.get()
                    .ingestUrl()
                    .equals(movedTo.put(liveId, location.get().ingestUrl()))) {
                return; // moved there already
            }
            String rtmp = location.get().rtmpUrl();
            mover.execute(() -> stage.moveAway(
                    liveId,
                    "the live now streams through another ingest server: join the stage again",
                    "the live now streams through " + (rtmp == null ? "another server" : rtmp)
                            + ": set it as your encoder's server and start again"));
        });
    }

    public StageLocations start() {
        view.start();
        return this;
    }

    /** The instance a live streams through now, when it is not this one. */
    public Optional<Location> elsewhere(String liveId) {
        if (self == null) {
            return Optional.empty();
        }
        StreamHealth latest = where.latest.get(liveId);
        if (latest == null
                || latest.getIngestUrl().equals(self)
                || latest.getOccurredAt().isBefore(clock.instant().minus(FRESH))) {
            return Optional.empty();
        }
        return Optional.of(new Location(latest.getIngestUrl(), latest.getRtmpUrl()));
    }

    @Override
    public void close() throws InterruptedException {
        view.close();
        mover.shutdownNow();
    }

    /**
     * Whether a report places its live: it names the instance that received its media (only an instance receiving it
     * does), and neither it nor its media is dated ahead of this machine's clock by more than {@link #AHEAD}.
     */
    static boolean places(StreamHealth fact, Instant now) {
        return fact.getIngestUrl() != null
                && fact.getLastMediaAt() != null
                && !fact.getOccurredAt().isAfter(now.plus(AHEAD))
                && !fact.getLastMediaAt().isAfter(now.plus(AHEAD));
    }

    /** The report of each live from the instance that received its media last. */
    private static final class Where implements Projection<StreamHealth> {
        private final Map<String, StreamHealth> latest = new ConcurrentHashMap<>();
        private final Clock clock;
        private long puts;

        Where(Clock clock) {
            this.clock = clock;
        }

        @Override
        public String name() {
            return "stage-locations";
        }

        @Override
        public Topic topic() {
            return Topic.STREAM_HEALTH;
        }

        @Override
        public Optional<String> put(String key, StreamHealth fact) {
            Instant now = clock.instant();
            if (!places(fact, now)) {
                return Optional.empty();
            }
            StreamHealth current = latest.get(fact.getLiveId());
            if (current != null && fact.getLastMediaAt().isBefore(current.getLastMediaAt())) {
                return Optional.empty(); // the instance that received media last is where the live streams
            }
            latest.put(fact.getLiveId(), fact);
            if (++puts % 1000 == 0) { // the view's one thread: now and then, forget lives long gone quiet
                latest.values().removeIf(h -> h.getOccurredAt().isBefore(now.minus(Duration.ofHours(1))));
            }
            return Optional.of(fact.getLiveId());
        }

        @Override
        public Optional<String> remove(String key) {
            return Optional.empty(); // reports are never deleted by key
        }

        @Override
        public int size() {
            return latest.size();
        }
    }
}
