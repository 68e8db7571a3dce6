package io.stagepass.replay.views;

import io.stagepass.events.Live;
import io.stagepass.events.Topic;
import io.stagepass.platform.views.LatestByKey;
import io.stagepass.platform.views.Projection;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Every live as the catalog has it now, and a creator's lives. */
public final class Lives implements Projection<Live> {
    public static final String NAME = "lives";

    private static final Comparator<Live> NEWEST_FIRST = Comparator.comparing(
                    (Live live) -> live.getScheduledStart() == null ? Instant.MIN : live.getScheduledStart())
            .thenComparing(Live::getLiveId)
            .reversed();

    private final LatestByKey<Live> latest = new LatestByKey<>(NAME, Topic.LIVES);

    public Optional<Live> live(String liveId) {
        return latest.get(liveId);
    }

    /** Every live of a creator, newest scheduled start first (then newest id). */
    public List<Live> livesOf(String creatorId) {
        return latest.values().stream()
                .filter(live -> live.getCreatorId().equals(creatorId))
                .sorted(NEWEST_FIRST)
                .toList();
    }

    @Override
    public Optional<String> put(String liveId, Live live) {
        return latest.put(liveId, live);
    }

    @Override
    public Optional<String> remove(String liveId) {
        return latest.remove(liveId);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Topic topic() {
        return Topic.LIVES;
    }

    @Override
    public int size() {
        return latest.size();
    }
}
