package io.stagepass.pipeline.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Topic;
import io.stagepass.platform.lake.LakeFiles;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

/** What a writer restores: nothing the object store is needed for (no part is published here). */
class LakeWriterTest {
    private static final long NOW = 2_000_000_000_000L;
    /** 2026-01-01T10:00Z */
    private static final long HOUR = 1_767_261_600_000L;

    private static final LakeSink.Settings SETTINGS = new LakeSink.Settings(
            new LakeStore.Endpoint("http://127.0.0.1:9", "k", "s", "us-east-1"),
            Duration.ofMinutes(2),
            Duration.ofMinutes(5),
            128L << 20,
            Duration.ofMinutes(10));
    /**
     * A writer's state for one hour as checkpoints and savepoints of the lake job hold it (serializer version 2,
     * with rolling files and compaction): two parts, one rolling file, one compaction record to delete.
     */
    private static final String CHECKPOINTED_V2 =
            "AAhQQVlNRU5UUwAAAZt4//kAAAAAAAAAAB4AAAAAAAAAAwAAAZt5AX+gAAAAAgAPX3N0YWdpbmcveC5wYXJ0AA9fc3RhZ2luZy95"
                    + "LnBhcnQAAAGbeQC8UAAAAAEAVnRvcGljPXN0YWdlcGFzcy5wYXltZW50cy9kYXRlPTIwMjYtMDEtMDEvaG91cj0xMC9wYXJ0LTE3"
                    + "NjcyNjE2MDAwMDAtMC1hYmNkMTIzNC5wYXJxdWV0ABFfc3RhZ2luZy93Lm1lcmdlZAAAAAAAAAgAAAAAAAAAAAcAAAABAGZ0b3Bp"
                    + "Yz1zdGFnZXBhc3MucGF5bWVudHMvZGF0ZT0yMDI2LTAxLTAxL2hvdXI9MTAvcGFydC0xNzY3MjYxNjAwMDAxLTAtYWJjZDEyMzUu"
                    + "cGFycXVldC5jb21wYWN0aW9uLmpzb24AAAGbeQYTgA==";

    @Test
    void mergesTheStatesOfSeveralWritersForTheSameHourWhenParallelismShrinks() throws Exception {
        LakePartition hour = new LakePartition(Topic.BEACONS, HOUR);
        PendingPartition fromWriter0 = pending(hour, 100, "_staging/a.part", "_staging/b.part");
        PendingPartition fromWriter1 = pending(hour, 50, "_staging/c.part");
        PendingPartition otherHour = pending(
                new LakePartition(Topic.BEACONS, HOUR + Duration.ofHours(1).toMillis()), 7, "_staging/d.part");
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
                    .filter(p -> p.partition().equals(hour))
                    .findFirst()
                    .orElseThrow();
            assertThat(merged.parts().keys())
                    .containsExactlyInAnyOrder("_staging/a.part", "_staging/b.part", "_staging/c.part");
            assertThat(merged.parts().records()).isEqualTo(150);
            assertThat(merged.lastWriteMillis())
                    .as("quiet time starts again at the restore")
                    .isEqualTo(clock.get());
            assertThat(writer.prepareCommit())
                    .as("not quiet yet (replayed events may still join the hour), and no rolling file due")
                    .isEmpty();
        }
    }

    @Test
    void writerStateSurvivesItsSerializer() throws Exception {
        PendingPartition staged = pending(new LakePartition(Topic.PAYMENTS, HOUR), 3, "_staging/x.part");
        PendingPartition original = new PendingPartition(
                staged.partition(),
                staged.parts(),
                staged.lastWriteMillis(),
                List.of(new PendingPartition.Published(
                        "topic=stagepass.payments/date=2026-01-01/hour=10/part-1767261600000-0-abcd1234.parquet",
                        "_staging/w.part",
                        2048,
                        7)),
                List.of("topic=stagepass.payments/date=2026-01-01/hour=10/part-x.parquet.compaction.json"),
                42);
        PendingPartition.Serializer serializer = new PendingPartition.Serializer();
        PendingPartition copy = serializer.deserialize(serializer.getVersion(), serializer.serialize(original));
        assertThat(copy).isEqualTo(original);
        assertThat(copy.published()).hasSize(1);
        assertThat(copy.retiring()).hasSize(1);
        assertThat(copy.retireAtMillis()).isEqualTo(42);
        assertThat(copy.parts().records()).isEqualTo(3);
        assertThat(copy.partition().prefix()).isEqualTo("topic=stagepass.payments/date=2026-01-01/hour=10/");
    }

    @Test
    void readsAndWritesTheStateThatCheckpointsHoldByteForByte() throws Exception {
        PendingPartition.Serializer serializer = new PendingPartition.Serializer();
        byte[] checkpointed = Base64.getDecoder().decode(CHECKPOINTED_V2);
        PendingPartition restored = serializer.deserialize(2, checkpointed);

        assertThat(restored)
                .isEqualTo(new PendingPartition(
                        new LakePartition(Topic.PAYMENTS, HOUR),
                        new PendingPartition.Parts(List.of("_staging/x.part", "_staging/y.part"), 30, 3, HOUR + 50_000),
                        HOUR + 100_000,
                        List.of(new PendingPartition.Published(
                                "topic=stagepass.payments/date=2026-01-01/hour=10/part-1767261600000-0-abcd1234.parquet",
                                "_staging/w.merged",
                                2048,
                                7)),
                        List.of("topic=stagepass.payments/date=2026-01-01/hour=10/"
                                + "part-1767261600001-0-abcd1235.parquet.compaction.json"),
                        HOUR + 400_000));
        assertThat(serializer.getVersion()).isEqualTo(2);
        assertThat(serializer.serialize(restored)).isEqualTo(checkpointed);
    }

    @Test
    void readsTheStateOfVersion1WhoseOldestPartCountsFromTheLastWrite() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeUTF(Topic.BEACONS.name());
            out.writeLong(HOUR);
            out.writeLong(30); // bytes
            out.writeLong(3); // records
            out.writeLong(HOUR + 100_000); // last write
            StateStrings.write(out, List.of("_staging/x.part"));
        }
        PendingPartition restored = new PendingPartition.Serializer().deserialize(1, bytes.toByteArray());

        assertThat(restored)
                .isEqualTo(new PendingPartition(
                        new LakePartition(Topic.BEACONS, HOUR),
                        new PendingPartition.Parts(List.of("_staging/x.part"), 30, 3, HOUR + 100_000),
                        HOUR + 100_000,
                        List.of(),
                        List.of(),
                        0));
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

    /** A writer's state for the hour: parts staged a second before the restore, so no rolling file is due yet. */
    private static PendingPartition pending(LakePartition partition, long records, String... parts) {
        PendingPartition.Parts staged = new PendingPartition.Parts(List.of(parts), records * 10, records, NOW - 1000);
        return new PendingPartition(partition, staged, 1, List.of(), List.of(), 0);
    }
}
