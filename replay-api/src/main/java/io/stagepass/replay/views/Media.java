package io.stagepass.replay.views;

import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;

/** What ingest has stored of each live ({@link LiveMedia}): its segments, init sections and gaps. */
public final class Media extends PerLive<SegmentStored, LiveMedia> {
    public static final String NAME = "media";

    public Media() {
        super(NAME, Topic.SEGMENTS);
    }

    @Override
    String liveId(SegmentStored fact) {
        return fact.getLiveId();
    }

    @Override
    LiveMedia empty() {
        return new LiveMedia();
    }

    @Override
    boolean add(LiveMedia live, SegmentStored fact) {
        live.add(fact);
        return true;
    }
}
