package io.stagepass.pipeline.lake;

import java.io.IOException;
import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Exactly-once Parquet export of contract events to the lake bucket, written with the MinIO SDK: write, stage on
 * checkpoint, publish on checkpoint completion ({@link LakeWriter}, {@link LakeCommitter}).
 */
public final class LakeSink
        implements Sink<SpecificRecord>,
                SupportsWriterState<SpecificRecord, PendingPartition>,
                SupportsCommitter<LakeCommit> {
    private final Settings settings;

    public LakeSink(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param publishEvery    a partition-hour that keeps receiving events gets a rolling file this often
     * @param closeAfter      a partition-hour is published (and its rolling files compacted) when no event arrived
     *                        for it this long
     * @param targetFileBytes ... or when its staged parts reach this size
     * @param retireAfter     a compaction's record is deleted this long after it (readers that listed the files it
     *                        replaced need it until then)
     */
    public record Settings(
            LakeStore.Endpoint endpoint,
            Duration publishEvery,
            Duration closeAfter,
            long targetFileBytes,
            Duration retireAfter)
            implements Serializable {
        LakePolicy policy() {
            return new LakePolicy(publishEvery, closeAfter, targetFileBytes, retireAfter);
        }
    }

    @Override
    public LakeWriter createWriter(WriterInitContext context) throws IOException {
        return restoreWriter(context, List.of());
    }

    @Override
    public LakeWriter restoreWriter(WriterInitContext context, Collection<PendingPartition> restored)
            throws IOException {
        return new LakeWriter(
                settings,
                context.getTaskInfo().getIndexOfThisSubtask(),
                context.metricGroup(),
                System::currentTimeMillis,
                restored);
    }

    @Override
    public SimpleVersionedSerializer<PendingPartition> getWriterStateSerializer() {
        return new PendingPartition.Serializer();
    }

    @Override
    public Committer<LakeCommit> createCommitter(CommitterInitContext context) {
        return new LakeCommitter(settings.endpoint(), context.metricGroup());
    }

    @Override
    public SimpleVersionedSerializer<LakeCommit> getCommittableSerializer() {
        return new LakeCommit.Serializer();
    }
}
