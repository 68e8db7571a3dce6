package io.stagepass.replay.views;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.Topic;
import java.util.Optional;

/** Each live's audience as the audience job publishes it ({@link LiveAudience}). */
public final class Audience extends PerLive<AudienceMetric, LiveAudience> {
    public static final String NAME = "audience";

    public Audience() {
        super(NAME, Topic.AUDIENCE_METRICS);
    }

    @Override
    String liveId(AudienceMetric metric) {
        return metric.getLiveId();
    }

    @Override
    LiveAudience empty() {
        return new LiveAudience();
    }

    @Override
    boolean add(LiveAudience live, AudienceMetric metric) {
        live.add(metric);
        return true;
    }

    /** The topic is keyed by metric ({@code liveId/mode/type[/at|/minute|/reason|/rendition]}): a tombstone forgets that one entry. */
    @Override
    public Optional<String> remove(String key) {
        String liveId = key.split("/", 2)[0];
        return of(liveId).filter(live -> live.remove(key)).map(live -> liveId);
    }
}
