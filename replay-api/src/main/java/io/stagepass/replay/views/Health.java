package io.stagepass.replay.views;

import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamHealthType;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each live's latest stream health, as ingest measured it. When an encoder moves to another ingest instance, the
 * one it left reports silence for a while: the report of the instance that received media last wins.
 */
public final class Health implements Projection<StreamHealth> {
    public static final String NAME = "health";
    /** Reports this close in time compete on who received media last; an older report never replaces a newer one. */
    static final Duration OVERLAP = Duration.ofSeconds(30);

    /** Lives with no report for this long are forgotten (the topic keeps reports 7 days). */
    static final Duration RETAIN = Duration.ofDays(7);

    /** Reports dated further ahead than this do not place a live (a clock far off, or a forged fact). */
    static final Duration AHEAD = Duration.ofSeconds(5);

    private final Map<String, StreamHealth> latest = new ConcurrentHashMap<>();
    private final Map<String, StreamHealth> located = new ConcurrentHashMap<>();
    private long puts;

    public Optional<StreamHealth> of(String liveId) {
        return Optional.ofNullable(latest.get(liveId));
    }

    /**
     * The report, among those that name the ingest instance receiving the live's media (only an instance receiving it
     * names itself), from the instance that received media last, none dated ahead of this machine's clock by more
     * than a few seconds: where the live's stage runs.
     */
    public Optional<StreamHealth> located(String liveId) {
        return Optional.ofNullable(located.get(liveId));
    }

    @Override
    public Optional<String> put(String liveId, StreamHealth health) {
        Instant now = Instant.now();
        if (health.getIngestUrl() != null
                && health.getLastMediaAt() != null
                && !health.getOccurredAt().isAfter(now.plus(AHEAD))
                && !health.getLastMediaAt().isAfter(now.plus(AHEAD))) {
            // the instance that received media last is where the live streams (as ingest's own fold has it)
            located.merge(
                    liveId,
                    health,
                    (current, next) -> next.getLastMediaAt().isBefore(current.getLastMediaAt()) ? current : next);
        }
        StreamHealth current = latest.get(liveId);
        if (current != null && !replaces(health, current)) {
            return Optional.empty();
        }
        latest.put(liveId, health);
        if (++puts % 1000 == 0) { // the view's one thread: now and then, forget lives long gone quiet
            Instant before = health.getOccurredAt().minus(RETAIN);
            latest.values().removeIf(h -> h.getOccurredAt().isBefore(before));
            located.values().removeIf(h -> h.getOccurredAt().isBefore(before));
        }
        return Optional.of(liveId);
    }

    static boolean replaces(StreamHealth next, StreamHealth current) {
        if (next.getOccurredAt().isBefore(current.getOccurredAt())) {
            return false;
        }
        if (next.getType() == StreamHealthType.REFUSED) {
            return true; // the encoder's latest attempt, wherever it went
        }
        boolean overlapping =
                next.getOccurredAt().isBefore(current.getOccurredAt().plus(OVERLAP));
        return !overlapping || !mediaBefore(next.getLastMediaAt(), current.getLastMediaAt());
    }

    private static boolean mediaBefore(Instant next, Instant current) {
        return current != null && (next == null || next.isBefore(current));
    }

    @Override
    public Optional<String> remove(String liveId) {
        return latest.remove(liveId) == null ? Optional.empty() : Optional.of(liveId);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topic topic() {
        return Topic.STREAM_HEALTH;
    }

    @Override
    public int size() {
        return latest.size();
    }
}
