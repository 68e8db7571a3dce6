package io.stagepass.pipeline.lake;

import static io.stagepass.pipeline.lake.LakePolicy.FORGET;
import static io.stagepass.pipeline.lake.LakePolicy.KEEP_ROLLING_FILES;
import static io.stagepass.pipeline.lake.LakePolicy.PUBLISH_LAST;
import static io.stagepass.pipeline.lake.LakePolicy.PUBLISH_ROLLING;
import static io.stagepass.pipeline.lake.LakePolicy.RETIRE;
import static io.stagepass.pipeline.lake.LakePolicy.WAIT;
import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Topic;
import io.stagepass.pipeline.lake.PendingPartition.Published;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The lake's decisions for a partition-hour, at the boundaries of its settings (those of the defaults). */
class LakePolicyTest {
    private static final Duration PUBLISH_EVERY = Duration.ofMinutes(2);
    private static final Duration CLOSE_AFTER = Duration.ofMinutes(5);
    private static final Duration RETIRE_AFTER = Duration.ofMinutes(10);
    private static final long TARGET_FILE_BYTES = 128L << 20;
    /** A rolling file this size or bigger stays as it is when the hour is compacted. */
    private static final long BIG_FILE_BYTES = TARGET_FILE_BYTES / 2;

    private static final long SMALL_PART_BYTES = 1 << 20;
    private static final long PART_RECORDS = 100;
    private static final Duration MILLISECOND = Duration.ofMillis(1);
    /** When the tests' first part is staged (2026-01-01T10:20Z, in the hour it holds). */
    private static final long T0 = 1_767_262_800_000L;

    private static final LakePartition HOUR = new LakePartition(Topic.BEACONS, 1_767_261_600_000L);
    private static final PendingPartition NOTHING = PendingPartition.of(HOUR);

    private final LakePolicy policy = new LakePolicy(PUBLISH_EVERY, CLOSE_AFTER, TARGET_FILE_BYTES, RETIRE_AFTER);

    @Test
    void aBusyHourWaitsUntilItsOldestPartIsPublishEveryOld() {
        PendingPartition busy = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withPartStaged("_staging/b.part", SMALL_PART_BYTES, PART_RECORDS, at(Duration.ofMinutes(1)));

        assertThat(decide(busy, PUBLISH_EVERY.minus(MILLISECOND))).isEqualTo(WAIT);
        assertThat(decide(busy, PUBLISH_EVERY))
                .as("counted from the oldest part, though a part came a minute ago")
                .isEqualTo(PUBLISH_ROLLING);
    }

    @Test
    void partsThatReachTheTargetSizeArePublishedAtOnce() {
        assertThat(decide(staged(TARGET_FILE_BYTES - 1), Duration.ZERO)).isEqualTo(WAIT);
        assertThat(decide(staged(TARGET_FILE_BYTES), Duration.ZERO)).isEqualTo(PUBLISH_ROLLING);
    }

    @Test
    void anHourQuietForCloseAfterGetsItsLastFileInsteadOfARollingOne() {
        PendingPartition parts = staged(SMALL_PART_BYTES);

        assertThat(decide(parts, CLOSE_AFTER.minus(MILLISECOND))).isEqualTo(PUBLISH_ROLLING);
        assertThat(decide(parts, CLOSE_AFTER)).isEqualTo(PUBLISH_LAST);
    }

    @Test
    void theEndOfTheInputClosesEveryHourAtOnce() {
        assertThat(policy.decide(staged(SMALL_PART_BYTES), T0, true)).isEqualTo(PUBLISH_LAST);
        PendingPartition rolled = NOTHING.withRollingFile(rollingFile("r1", SMALL_PART_BYTES))
                .withPartStaged("_staging/b.part", SMALL_PART_BYTES, PART_RECORDS, T0);
        assertThat(policy.decide(rolled, T0, true)).isInstanceOf(LakePolicy.Compact.class);
    }

    @Test
    void aBusyHourWithOnlyPublishedFilesWaits() {
        PendingPartition published = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withRollingFile(rollingFile("r1", SMALL_PART_BYTES))
                .withRollingFile(rollingFile("r2", SMALL_PART_BYTES));

        assertThat(decide(published, CLOSE_AFTER.minus(MILLISECOND))).isEqualTo(WAIT);
    }

    @Test
    void aQuietHourCompactsItsSmallRollingFilesIntoOne() {
        Published r1 = rollingFile("r1", SMALL_PART_BYTES);
        Published r2 = rollingFile("r2", SMALL_PART_BYTES);
        PendingPartition rolled = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withRollingFile(r1)
                .withRollingFile(r2);

        assertThat(decide(rolled, CLOSE_AFTER.minus(MILLISECOND))).isEqualTo(WAIT);
        assertThat(decide(rolled, CLOSE_AFTER))
                .as("the record of the compaction is kept retire-after long")
                .isEqualTo(new LakePolicy.Compact(List.of(r1, r2), at(CLOSE_AFTER.plus(RETIRE_AFTER))));
    }

    @Test
    void oneSmallRollingFileIsCompactedWithThePartsStagedSinceButNotAlone() {
        Published r1 = rollingFile("r1", SMALL_PART_BYTES);
        PendingPartition alone = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withRollingFile(r1);
        PendingPartition withParts = alone.withPartStaged("_staging/b.part", SMALL_PART_BYTES, PART_RECORDS, T0);

        assertThat(decide(withParts, CLOSE_AFTER))
                .isEqualTo(new LakePolicy.Compact(List.of(r1), at(CLOSE_AFTER.plus(RETIRE_AFTER))));
        assertThat(decide(alone, CLOSE_AFTER)).as("one file already").isEqualTo(KEEP_ROLLING_FILES);
        assertThat(decide(alone.withoutRollingFiles(), CLOSE_AFTER)).isEqualTo(FORGET);
    }

    @Test
    void rollingFilesOfHalfTheTargetSizeOrMoreStayAsTheyAre() {
        Published small = rollingFile("r1", BIG_FILE_BYTES - 1);
        Published big = rollingFile("r2", BIG_FILE_BYTES);
        PendingPartition rolled = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withRollingFile(small)
                .withRollingFile(big);

        assertThat(decide(rolled, CLOSE_AFTER))
                .as("one small file: nothing to merge it with")
                .isEqualTo(KEEP_ROLLING_FILES);
        PendingPartition withParts = rolled.withPartStaged("_staging/b.part", SMALL_PART_BYTES, PART_RECORDS, T0);
        assertThat(decide(withParts, CLOSE_AFTER))
                .isEqualTo(new LakePolicy.Compact(List.of(small), at(CLOSE_AFTER.plus(RETIRE_AFTER))));
    }

    @Test
    void bigRollingFilesStayAndThePartsStagedSinceArePublishedAsTheLastFile() {
        PendingPartition rolled = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withRollingFile(rollingFile("r1", BIG_FILE_BYTES))
                .withPartStaged("_staging/b.part", SMALL_PART_BYTES, PART_RECORDS, T0);

        assertThat(decide(rolled, CLOSE_AFTER)).isEqualTo(KEEP_ROLLING_FILES);
        PendingPartition kept = rolled.withoutRollingFiles();
        assertThat(decide(kept, CLOSE_AFTER)).isEqualTo(PUBLISH_LAST);
        assertThat(decide(kept.withPartsPublished(), CLOSE_AFTER)).isEqualTo(FORGET);
    }

    @Test
    void compactionRecordsAreRetiredExactlyWhenDueThenTheHourIsForgotten() {
        PendingPartition compacted = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withCompaction("topic=x/part-1.parquet.compaction.json", at(RETIRE_AFTER));

        assertThat(decide(compacted, RETIRE_AFTER.minus(MILLISECOND))).isEqualTo(WAIT);
        assertThat(decide(compacted, RETIRE_AFTER)).isEqualTo(RETIRE);
        assertThat(decide(compacted.withoutRetiring(), RETIRE_AFTER)).isEqualTo(FORGET);
    }

    @Test
    void aRecordIsRetiredWhileLateEventsOfTheHourWaitForTheirRollingFile() {
        PendingPartition compacted = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0)
                .withCompaction("topic=x/part-1.parquet.compaction.json", at(RETIRE_AFTER))
                .withPartStaged("_staging/late.part", SMALL_PART_BYTES, PART_RECORDS, at(RETIRE_AFTER));

        assertThat(decide(compacted, RETIRE_AFTER)).isEqualTo(RETIRE);
        assertThat(decide(compacted.withoutRetiring(), RETIRE_AFTER)).isEqualTo(WAIT);
    }

    @Test
    void anHourWithNothingBufferedIsForgotten() {
        assertThat(decide(NOTHING, Duration.ZERO)).isEqualTo(FORGET);
        assertThat(policy.decide(NOTHING, T0, true)).isEqualTo(FORGET);
    }

    /**
     * A whole hour as the writer goes through it, each decision carried out before the next is asked for: every
     * decision but wait and forget changes what the next one sees, so the writer's round at a checkpoint ends.
     */
    @Test
    void anHourFromRollingFilesThroughCompactionToBeingForgotten() {
        PendingPartition hour = NOTHING.withPartStaged("_staging/a.part", SMALL_PART_BYTES, PART_RECORDS, T0);
        assertThat(decide(hour, PUBLISH_EVERY)).isEqualTo(PUBLISH_ROLLING);
        hour = hour.withRollingFile(rollingFile("r1", SMALL_PART_BYTES));
        assertThat(decide(hour, PUBLISH_EVERY)).isEqualTo(WAIT);

        Duration lastPart = PUBLISH_EVERY.plusMinutes(1);
        hour = hour.withPartStaged("_staging/b.part", SMALL_PART_BYTES, PART_RECORDS, at(lastPart));
        Duration closed = lastPart.plus(CLOSE_AFTER);
        LakePolicy.Decision compact = decide(hour, closed);
        assertThat(compact).isInstanceOf(LakePolicy.Compact.class);
        hour = hour.withCompaction("r2.parquet.compaction.json", ((LakePolicy.Compact) compact).retireAtMillis());
        assertThat(decide(hour, closed)).isEqualTo(WAIT);

        assertThat(decide(hour, closed.plus(RETIRE_AFTER))).isEqualTo(RETIRE);
        assertThat(decide(hour.withoutRetiring(), closed.plus(RETIRE_AFTER))).isEqualTo(FORGET);
    }

    private LakePolicy.Decision decide(PendingPartition hour, Duration afterT0) {
        return policy.decide(hour, at(afterT0), false);
    }

    private static long at(Duration afterT0) {
        return T0 + afterT0.toMillis();
    }

    /** One part of {@code bytes} staged at T0. */
    private static PendingPartition staged(long bytes) {
        return NOTHING.withPartStaged("_staging/a.part", bytes, PART_RECORDS, T0);
    }

    private static Published rollingFile(String name, long bytes) {
        return new Published(HOUR.prefix() + name + ".parquet", "_staging/" + name + ".merged", bytes, PART_RECORDS);
    }
}
