package io.stagepass.ingest.stage;

import io.stagepass.events.StreamHealth;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.views.Projection;
import io.stagepass.platform.views.TopicView;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Where each live's stage runs when there are several ingest instances: on the instance its creator streams to, which
 * says so in every stream health fact it writes ({@code ingestUrl}, {@code rtmpUrl}). This instance folds those facts
 * and turns away what belongs elsewhere: a guest who joins here while the live streams through another instance is
 * told to join again (the replay API then sends them there), and the guests already here move when the creator's
 * stream does (a reconnect to another instance). An instance whose own public URL is not configured claims nothing and
 * turns nobody away: one instance, as in the embedded stack, needs no configuration.
 */
public final class StageLocations implements AutoCloseable {
    /** A report older than this no longer places a live: its creator may have stopped, or be coming back here. */
    static final Duration FRESH = Duration.ofSeconds(30);

    private final Where where = new Where();
    private final TopicView view;
    private final String self;
    private final Clock clock;

    /** Where a live streams: the instance's URL and its RTMP server's, when it said. */
    public record Location(String ingestUrl, String rtmpUrl) {}

    public StageLocations(KafkaSettings kafka, Stage stage, String self, Clock clock) {
        this.self = self;
        this.clock = clock;
        this.view = new TopicView(kafka, "ingest-stage-locations", List.of(where));
        view.listen((projection, liveId) -> elsewhere(liveId)
                .ifPresent(location -> stage.moveAway(
                        liveId,
                        "the live now streams through another ingest server: join the stage again",
                        "the live now streams through "
                                + (location.rtmpUrl() == null ? "another server" : location.rtmpUrl())
                                + ": set it as your encoder's server and start again")));
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
                || latest.getIngestUrl() == null
                || latest.getIngestUrl().equals(self)
                || latest.getOccurredAt().isBefore(clock.instant().minus(FRESH))) {
            return Optional.empty();
        }
        return Optional.of(new Location(latest.getIngestUrl(), latest.getRtmpUrl()));
    }

    @Override
    public void close() throws InterruptedException {
        view.close();
    }

    /** The newest report of each live that names its instance. */
    private static final class Where implements Projection<StreamHealth> {
        private final Map<String, StreamHealth> latest = new ConcurrentHashMap<>();

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
            if (fact.getIngestUrl() == null) {
                return Optional.empty();
            }
            StreamHealth current = latest.get(fact.getLiveId());
            if (current != null && fact.getOccurredAt().isBefore(current.getOccurredAt())) {
                return Optional.empty();
            }
            latest.put(fact.getLiveId(), fact);
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
