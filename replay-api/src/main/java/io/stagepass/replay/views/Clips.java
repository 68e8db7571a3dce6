package io.stagepass.replay.views;

import io.stagepass.events.Clip;
import io.stagepass.events.ClipStatus;
import io.stagepass.events.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Each live's clips, as the replay API asked for them and the jobs worker cut them: the latest state of each. */
public final class Clips extends PerLive<Clip, Clips.LiveClips> {
    public static final String NAME = "clips";

    public Clips() {
        super(NAME, Topic.CLIPS);
    }

    /** One live's clips by id, oldest first. */
    public static final class LiveClips {
        private final Map<String, Clip> byId = new LinkedHashMap<>();

        synchronized boolean add(Clip clip) {
            Clip known = byId.get(clip.getClipId());
            if (known != null
                    && (known.getEventId().equals(clip.getEventId())
                            || known.getType() != ClipStatus.REQUESTED && clip.getType() == ClipStatus.REQUESTED
                            || known.getType() == ClipStatus.DELETED)) {
                return false; // a redelivery, a request repeated after the clip was done, or anything after its end
            }
            byId.put(clip.getClipId(), clip);
            return true;
        }

        synchronized boolean remove(String clipId) {
            return byId.remove(clipId) != null;
        }

        /** A clip its creator has not deleted. */
        public synchronized Optional<Clip> clip(String clipId) {
            return Optional.ofNullable(byId.get(clipId)).filter(clip -> clip.getType() != ClipStatus.DELETED);
        }

        /** Every clip not deleted, in the order they were asked for. */
        public synchronized List<Clip> all() {
            List<Clip> clips = new ArrayList<>(byId.values());
            clips.removeIf(clip -> clip.getType() == ClipStatus.DELETED);
            clips.sort(Comparator.comparing(Clip::getRequestedAt));
            return clips;
        }
    }

    @Override
    String liveId(Clip clip) {
        return clip.getLiveId();
    }

    @Override
    LiveClips empty() {
        return new LiveClips();
    }

    @Override
    boolean add(LiveClips live, Clip clip) {
        return live.add(clip);
    }

    /** The topic is keyed by clip: a tombstone forgets that clip, in whichever live holds it. */
    @Override
    public Optional<String> remove(String clipId) {
        for (String liveId : lives()) {
            if (of(liveId).map(live -> live.remove(clipId)).orElse(false)) {
                return Optional.of(liveId);
            }
        }
        return Optional.empty();
    }
}
