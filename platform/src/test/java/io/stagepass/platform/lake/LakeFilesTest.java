package io.stagepass.platform.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The readers' rule: each row once, whatever moment of a compaction a listing catches. */
class LakeFilesTest {
    private static final String HOUR = "topic=stagepass.payments/date=2026-03-01/hour=09/";

    @Test
    void aListingCaughtAtAnyStepOfACompactionReadsEachRowOnce() {
        LakeFiles.LakeFile a = file(LakeFiles.fileName(0, 1_000));
        LakeFiles.LakeFile b = file(LakeFiles.fileName(1, 2_000));
        LakeFiles.LakeFile other = file(LakeFiles.fileName(1, 2_500)); // another writer's, not compacted
        LakeFiles.LakeFile added = file(LakeFiles.fileName(0, 3_000));
        LakeFiles.Compaction compaction = new LakeFiles.Compaction(added.key(), List.of(a.key(), b.key()));

        assertThat(LakeFiles.live(List.of(a, b, other), List.of())).as("before").containsExactly(a, b, other);
        assertThat(LakeFiles.live(List.of(a, b, other), List.of(compaction)))
                .as("record written, added file not there yet: the record does nothing")
                .containsExactly(a, b, other);
        assertThat(LakeFiles.live(List.of(a, b, other, added), List.of(compaction)))
                .as("added file published, replaced files not deleted yet")
                .containsExactly(other, added);
        assertThat(LakeFiles.live(List.of(b, other, added), List.of(compaction)))
                .as("halfway through the deletes")
                .containsExactly(other, added);
        assertThat(LakeFiles.live(List.of(other, added), List.of()))
                .as("after, record retired")
                .containsExactly(other, added);
    }

    @Test
    void namesSortInTheOrderTheyWereMadeSoAListingThatPagesStillSeesTheRecordAfterTheAddedFile() {
        String replaced = HOUR + LakeFiles.fileName(7, 1_767_261_600_000L);
        String added = HOUR + LakeFiles.fileName(0, 1_767_261_600_001L);
        LakeFiles.Compaction compaction = new LakeFiles.Compaction(added, List.of(replaced));
        assertThat(replaced).isLessThan(added);
        assertThat(compaction.recordKey()).isGreaterThan(added).startsWith(HOUR);
        assertThat(LakeFiles.isRecord(compaction.recordKey())).isTrue();
        assertThat(LakeFiles.isRecord(added)).isFalse();
        assertThat(compaction.recordKey()).doesNotEndWith(".parquet");
        assertThat(LakeFiles.madeAtMillis(added)).isEqualTo(1_767_261_600_001L);
        assertThat(LakeFiles.madeAtMillis(HOUR + "part-1-18c86008.parquet")).isZero();
    }

    @Test
    void aRecordSurvivesJson() throws Exception {
        LakeFiles.Compaction compaction = new LakeFiles.Compaction(
                HOUR + "part-3.parquet", List.of(HOUR + "part-1.parquet", HOUR + "part-2.parquet"));
        assertThat(LakeFiles.Compaction.fromJson(compaction.toJson())).isEqualTo(compaction);
    }

    private static LakeFiles.LakeFile file(String name) {
        return new LakeFiles.LakeFile(HOUR + name, 100, Instant.EPOCH);
    }
}
