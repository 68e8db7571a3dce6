package io.stagepass.pipeline.lake;

import java.time.Duration;
import java.util.List;

/**
 * The lake's rules for a partition-hour, without I/O: from what a writer remembers of the hour and the time of a
 * checkpoint, what to do next. {@link LakeWriter} carries out one decision after another, each on the state the
 * previous one left, until the answer is {@link Wait} or {@link Forget}.
 *
 * <p>An hour that keeps receiving events gets a rolling file once its oldest unpublished part is
 * {@code publishEvery} old, or once its parts reach the target size. An hour quiet for {@code closeAfter} (or at
 * the end of the input) is closed: its small rolling files and any parts staged since are compacted into one file,
 * or, with nothing to compact, its parts are published as they are. A compaction's record is deleted
 * {@code retireAfter} later (readers that listed the files it replaced need it until then); then the hour is
 * forgotten.
 */
final class LakePolicy {
    /** What to do next with a partition-hour. */
    sealed interface Decision permits Wait, Publish, Compact, KeepRollingFiles, Retire, Forget {}

    /** Nothing to do at this checkpoint. */
    record Wait() implements Decision {}

    /**
     * Publish the staged parts as one file.
     *
     * @param rolling the hour is still busy: remember the file, to compact it once the hour is quiet
     */
    record Publish(boolean rolling) implements Decision {}

    /**
     * The hour is quiet: merge these rolling files and the staged parts into one file that replaces them.
     *
     * @param retireAtMillis when the compaction's record may be deleted
     */
    record Compact(List<PendingPartition.Published> replaced, long retireAtMillis) implements Decision {
        Compact {
            replaced = List.copyOf(replaced);
        }
    }

    /** The hour is quiet and its rolling files stay as they are (one small file, or big ones): forget them. */
    record KeepRollingFiles() implements Decision {}

    /** Delete the compaction records, which no reader needs any more. */
    record Retire() implements Decision {}

    /** Nothing left to publish, compact or delete: drop the hour from the writer's state. */
    record Forget() implements Decision {}

    static final Decision WAIT = new Wait();
    static final Decision PUBLISH_ROLLING = new Publish(true);
    static final Decision PUBLISH_LAST = new Publish(false);
    static final Decision KEEP_ROLLING_FILES = new KeepRollingFiles();
    static final Decision RETIRE = new Retire();
    static final Decision FORGET = new Forget();

    private final long publishEveryMillis;
    private final long closeAfterMillis;
    private final long targetFileBytes;
    private final long retireAfterMillis;

    LakePolicy(Duration publishEvery, Duration closeAfter, long targetFileBytes, Duration retireAfter) {
        this.publishEveryMillis = publishEvery.toMillis();
        this.closeAfterMillis = closeAfter.toMillis();
        this.targetFileBytes = targetFileBytes;
        this.retireAfterMillis = retireAfter.toMillis();
    }

    /**
     * What to do next with {@code hour} at {@code nowMillis}; {@code endOfInput} closes every hour (a drained or
     * bounded job).
     */
    Decision decide(PendingPartition hour, long nowMillis, boolean endOfInput) {
        boolean quiet = endOfInput || nowMillis - hour.lastWriteMillis() >= closeAfterMillis;
        if (quiet && !hour.published().isEmpty()) {
            return close(hour, nowMillis);
        }
        if (!hour.parts().isEmpty() && (quiet || rollingFileDue(hour.parts(), nowMillis))) {
            return quiet ? PUBLISH_LAST : PUBLISH_ROLLING;
        }
        if (!hour.retiring().isEmpty() && nowMillis >= hour.retireAtMillis()) {
            return RETIRE;
        }
        return hour.isDone() ? FORGET : WAIT;
    }

    private boolean rollingFileDue(PendingPartition.Parts parts, long nowMillis) {
        return parts.bytes() >= targetFileBytes || nowMillis - parts.firstStagedMillis() >= publishEveryMillis;
    }

    /**
     * A quiet hour with rolling files: those under half the target size are compacted with the parts staged since,
     * when that makes two files or more. Otherwise the files stay, and the parts (if any) are published next.
     */
    private Decision close(PendingPartition hour, long nowMillis) {
        List<PendingPartition.Published> small = hour.published().stream()
                .filter(file -> file.bytes() < targetFileBytes / 2)
                .toList();
        int files = small.size() + (hour.parts().isEmpty() ? 0 : 1);
        return files >= 2 ? new Compact(small, nowMillis + retireAfterMillis) : KEEP_ROLLING_FILES;
    }
}
