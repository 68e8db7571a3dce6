package io.stagepass.replay.views;

import io.stagepass.events.SegmentStored;
import io.stagepass.events.StageAppearance;
import io.stagepass.events.StageAppearanceType;
import io.stagepass.events.Topic;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Who was on each live's stage, from ingest's stage facts: the appearances as chapters of the live's timeline ("On
 * stage: Ana, 12:03–15:40"), each from the program segment where the guest came on to the one where they left, in
 * seconds of the stored media before them (what the replay plays).
 */
public final class StageAppearances extends PerLive<StageAppearance, StageAppearances.LiveStage> {
    public static final String NAME = "stage";

    public StageAppearances() {
        super(NAME, Topic.STAGE);
    }

    /** A guest's time on stage; {@code endSeconds} is null while they are still on. */
    public record Chapter(
            String guestId,
            String name,
            long fromSequence,
            Long toSequence,
            double startSeconds,
            Double endSeconds,
            String reason) {
        /** How the player and the dashboard name it: "On stage: Ana, 12:03–15:40". */
        public String title() {
            return "On stage: " + name + ", " + clock(startSeconds) + "–"
                    + (endSeconds == null ? "" : clock(endSeconds));
        }

        static String clock(double seconds) {
            long s = (long) Math.floor(seconds);
            return s >= 3600
                    ? String.format("%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                    : String.format("%d:%02d", s / 60, s % 60);
        }
    }

    /** One live's stage facts, each once. */
    public static final class LiveStage {
        private final Set<String> seen = new HashSet<>();
        private final List<StageAppearance> facts = new ArrayList<>();

        synchronized boolean add(StageAppearance fact) {
            if (!seen.add(fact.getEventId())) {
                return false;
            }
            facts.add(fact);
            return true;
        }

        /** The appearances in order, timed by the stored segments before them. */
        public synchronized List<Chapter> chapters(List<SegmentStored> segments) {
            List<StageAppearance> ordered = new ArrayList<>(facts);
            ordered.sort(Comparator.comparingLong(StageAppearance::getSequence)
                    .thenComparing(f -> f.getType() == StageAppearanceType.ENDED ? 0 : 1));
            List<Chapter> chapters = new ArrayList<>();
            for (StageAppearance start : ordered) {
                if (start.getType() != StageAppearanceType.STARTED) {
                    continue;
                }
                StageAppearance end = ordered.stream()
                        .filter(f -> f.getType() == StageAppearanceType.ENDED
                                && f.getGuestId().equals(start.getGuestId())
                                && f.getSequence() > start.getSequence())
                        .findFirst()
                        .orElse(null);
                chapters.add(new Chapter(
                        start.getGuestId(),
                        start.getDisplayName(),
                        start.getSequence(),
                        end == null ? null : end.getSequence(),
                        secondsBefore(segments, start.getSequence()),
                        end == null ? null : secondsBefore(segments, end.getSequence()),
                        end == null ? null : end.getReason()));
            }
            return chapters;
        }

        private static double secondsBefore(List<SegmentStored> segments, long sequence) {
            long micros = 0;
            for (SegmentStored segment : segments) {
                if (segment.getSequence() < sequence && segment.getDurationMicros() != null) {
                    micros += segment.getDurationMicros();
                }
            }
            return micros / 1_000_000.0;
        }
    }

    /** A chapter as the API answers it. */
    public static java.util.Map<String, Object> describe(Chapter chapter) {
        java.util.Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("title", chapter.title());
        out.put("guestId", chapter.guestId());
        out.put("name", chapter.name());
        out.put("startSeconds", chapter.startSeconds());
        out.put("endSeconds", chapter.endSeconds());
        out.put("fromSequence", chapter.fromSequence());
        out.put("toSequence", chapter.toSequence());
        out.put("reason", chapter.reason());
        return out;
    }

    @Override
    String liveId(StageAppearance fact) {
        return fact.getLiveId();
    }

    @Override
    LiveStage empty() {
        return new LiveStage();
    }

    @Override
    boolean add(LiveStage live, StageAppearance fact) {
        return live.add(fact);
    }
}
