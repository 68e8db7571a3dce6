package io.stagepass.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Topic;
import io.stagepass.platform.lake.LakeFiles;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** What a writer restores: nothing the object store is needed for (no part is published here). */
class LakeWriterTest {
    private static final long NOW = 2_000_000_000_000L;
    private static final LakeSink.Settings SETTINGS = new LakeSink.Settings(
            new LakeStore.Endpoint("http://127.0.0.1:9", "k", "s", "us-east-1"),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5),
            128L << 20,
            Duration.ofMinutes(10));

    @Test
    void mergesTheStatesOfSeveralWritersForTheSameHourWhenParallelismShrinks() throws Exception {
        LakePartition hour = new LakePartition(Topic.BEACONS, 1_767_261_600_000L);
        PendingPartition fromWriter0 = pending(hour, 100, "_staging/a.part", "_staging/b.part");
        PendingPartition fromWriter1 = pending(hour, 50, "_staging/c.part");
        PendingPartition otherHour =
                pending(new LakePartition(Topic.BEACONS, 1_767_265_200_000L), 7, "_staging/d.part");
        AtomicLong clock = new AtomicLong(NOW);

        try (LakeWriter writer = new LakeWriter(
                SETTINGS,
                0,
                UnregisteredMetricsGroup.createSinkWriterMetricGroup(),
                clock::get,
                List.of(fromWriter0, fromWriter1, otherHour))) {
            List<PendingPartition> state = writer.snapshotState(1);
            assertThat(state).hasSize(2);
            PendingPartition merged = state.stream()
                    .filter(p -> p.partition.equals(hour))
                    .findFirst()
                    .orElseThrow();
            assertThat(merged.partKeys)
                    .containsExactlyInAnyOrder("_staging/a.part", "_staging/b.part", "_staging/c.part");
            assertThat(merged.records).isEqualTo(150);
            assertThat(merged.lastWriteMillis)
                    .as("quiet time starts again at the restore")
                    .isEqualTo(clock.get());
            assertThat(writer.prepareCommit())
                    .as("not quiet yet (replayed events may still join the hour), and no rolling file due")
                    .isEmpty();
        }
    }

    @Test
    void writerStateSurvivesItsSerializer() throws Exception {
        PendingPartition original =
                pending(new LakePartition(Topic.PAYMENTS, 1_767_261_600_000L), 3, "_staging/x.part");
        original.published.add(new PendingPartition.Published(
                "topic=stagepass.payments/date=2026-01-01/hour=10/part-1767261600000-0-abcd1234.parquet",
                "_staging/w.part",
                2048,
                7));
        original.retiring.add("topic=stagepass.payments/date=2026-01-01/hour=10/part-x.parquet.compaction.json");
        original.retireAtMillis = 42;
        PendingPartition.Serializer serializer = new PendingPartition.Serializer();
        PendingPartition copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(original));
        assertThat(copy.published).isEqualTo(original.published);
        assertThat(copy.retiring).isEqualTo(original.retiring);
        assertThat(copy.retireAtMillis).isEqualTo(42);
        assertThat(copy.firstStagedMillis).isEqualTo(original.firstStagedMillis);
        assertThat(copy.partition).isEqualTo(original.partition);
        assertThat(copy.partKeys).isEqualTo(original.partKeys);
        assertThat(copy.records).isEqualTo(3);
        assertThat(copy.partition.prefix()).isEqualTo("topic=stagepass.payments/date=2026-01-01/hour=10/");
    }

    @Test
    void commitsSurviveTheirSerializerWithACompactionOrOnlyDeletes() throws Exception {
        String hour = "topic=stagepass.payments/date=2026-01-01/hour=10/";
        LakeCommit compaction = new LakeCommit(
                "_staging/m.merged",
                hour + "part-3.parquet",
                List.of("_staging/m.merged", hour + "part-1.parquet"),
                9,
                new LakeFiles.Compaction(hour + "part-3.parquet", List.of(hour + "part-1.parquet")));
        LakeCommit deletes = LakeCommit.deleting(List.of(hour + "part-3.parquet.compaction.json"));
        LakeCommit.Serializer serializer = new LakeCommit.Serializer();
        for (LakeCommit commit : List.of(compaction, deletes)) {
            assertThat(serializer.deserialize(serializer.getVersion(), serializer.serialize(commit)))
                    .isEqualTo(commit);
        }
    }

    private static PendingPartition pending(LakePartition partition, long records, String... parts) {
        PendingPartition pending = new PendingPartition(partition);
        pending.partKeys.addAll(List.of(parts));
        pending.records = records;
        pending.bytes = records * 10;
        pending.lastWriteMillis = 1;
        pending.firstStagedMillis = NOW - 1000; // staged a second before the restore: no rolling file due yet
        return pending;
    }
}
