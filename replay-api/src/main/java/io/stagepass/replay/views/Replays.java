package io.stagepass.replay.views;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.Projection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Each live's replay: its latest status, and the READY version viewers are served until it expires. */
public final class Replays implements Projection<ReplayStatus> {
    public static final String NAME = "replays";

    private final Map<String, ReplayStatus> latest = new ConcurrentHashMap<>();
    private final Map<String, ReplayStatus> ready = new ConcurrentHashMap<>();

    /** The latest status of the live's replay (packaging, ready, expired...). */
    public Optional<ReplayStatus> latest(String liveId) {
        return Optional.ofNullable(latest.get(liveId));
    }

    /** The READY version viewers are served, if the view saw it. */
    public Optional<ReplayStatus> ready(String liveId) {
        return Optional.ofNullable(ready.get(liveId));
    }

    @Override
    public Optional<String> put(String liveId, ReplayStatus status) {
        latest.put(liveId, status);
        if (status.getType() == ReplayEventType.READY) {
            ready.put(liveId, status);
        } else if (status.getType() == ReplayEventType.EXPIRED) {
            ready.remove(liveId);
        }
        return Optional.of(liveId);
    }

    @Override
    public Optional<String> remove(String liveId) {
        ready.remove(liveId);
        return latest.remove(liveId) == null ? Optional.empty() : Optional.of(liveId);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topic topic() {
        return Topic.REPLAYS;
    }

    @Override
    public int size() {
        return latest.size();
    }
}
