package io.stagepass.pipeline.lake;

import io.stagepass.pipeline.lake.LakePolicy.Decision;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.parquet.hadoop.ParquetWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the events it receives into one local Parquet file per partition-hour. On each checkpoint it closes those
 * files and stages them as parts, then carries out what {@link LakePolicy} decides for each partition-hour it
 * remembers ({@link PendingPartition}): publish its parts as a rolling or a last file, compact its rolling files,
 * delete compaction records, forget it. The files themselves are {@link LakeStaging}'s work.
 */
final class LakeWriter
        implements StatefulSinkWriter<SpecificRecord, PendingPartition>,
                CommittingSinkWriter<SpecificRecord, LakeCommit> {
    private static final Logger LOG = LoggerFactory.getLogger(LakeWriter.class);

    private final LakePolicy policy;
    private final LakeStaging staging;
    private final LongSupplier clock;
    private final Map<LakePartition, OpenFile> open = new HashMap<>();
    private final Map<LakePartition, PendingPartition> pending = new HashMap<>();
    private final Counter recordsIn;
    private boolean endOfInput;

    LakeWriter(
            LakeSink.Settings settings,
            int subtask,
            SinkWriterMetricGroup metrics,
            LongSupplier clock,
            Collection<PendingPartition> restored)
            throws IOException {
        this.policy = settings.policy();
        this.staging = new LakeStaging(settings.endpoint(), subtask, metrics);
        this.clock = clock;
        this.recordsIn = metrics.getNumRecordsSendCounter();
        for (PendingPartition hour : restored) {
            // After a change of parallelism one writer may get several writers' parts of the same hour.
            pending.merge(hour.partition(), hour, PendingPartition::plus);
        }
        // The quiet time starts again: the events after the checkpoint are about to be replayed into these hours.
        long now = clock.getAsLong();
        pending.replaceAll((partition, hour) -> hour.withLastWriteMillis(now));
    }

    @Override
    public void write(SpecificRecord event, Context context) throws IOException {
        LakePartition partition = LakePartition.of(event);
        OpenFile file = open.get(partition);
        if (file == null) {
            file = new OpenFile(staging.newPart(), partition);
            open.put(partition, file);
        }
        file.writer.write(event);
        file.records++;
        recordsIn.inc();
    }

    @Override
    public void flush(boolean endOfInput) {
        this.endOfInput |= endOfInput;
    }

    @Override
    public Collection<LakeCommit> prepareCommit() throws IOException {
        long now = clock.getAsLong();
        stageOpenFiles(now);
        List<LakeCommit> commits = new ArrayList<>();
        for (PendingPartition hour : List.copyOf(pending.values())) {
            carryOutDecisions(hour, now, commits);
        }
        return commits;
    }

    private void stageOpenFiles(long now) throws IOException {
        for (OpenFile file : open.values()) {
            file.writer.close();
            long bytes = Files.size(file.path);
            String key = staging.stage(file.path);
            PendingPartition hour = pending.getOrDefault(file.partition, PendingPartition.of(file.partition));
            pending.put(file.partition, hour.withPartStaged(key, bytes, file.records, now));
        }
        open.clear();
    }

    /** Does what the policy decides for the hour, one decision after another, until it says to wait or forget. */
    private void carryOutDecisions(PendingPartition hour, long now, List<LakeCommit> commits) throws IOException {
        PendingPartition state = hour;
        while (true) {
            Decision decision = policy.decide(state, now, endOfInput);
            if (decision instanceof LakePolicy.Wait) {
                return;
            }
            if (decision instanceof LakePolicy.Forget) {
                pending.remove(state.partition());
                return;
            }
            state = carryOut(decision, state, now, commits);
            pending.put(state.partition(), state);
        }
    }

    /** Carries out a decision in the object store; answers what the writer remembers of the hour afterwards. */
    private PendingPartition carryOut(Decision decision, PendingPartition hour, long now, List<LakeCommit> commits)
            throws IOException {
        if (decision instanceof LakePolicy.Publish publish) {
            LakeCommit commit = staging.publish(hour, now);
            commits.add(commit);
            if (!publish.rolling()) {
                return hour.withPartsPublished();
            }
            return hour.withRollingFile(new PendingPartition.Published(
                    commit.target(),
                    commit.source(),
                    hour.parts().bytes(),
                    hour.parts().records()));
        }
        if (decision instanceof LakePolicy.Compact compact) {
            LakeCommit commit = staging.compact(hour, compact.replaced(), now);
            commits.add(commit);
            return hour.withCompaction(commit.compaction().recordKey(), compact.retireAtMillis());
        }
        if (decision instanceof LakePolicy.KeepRollingFiles) {
            return hour.withoutRollingFiles();
        }
        if (decision instanceof LakePolicy.Retire) {
            commits.add(LakeCommit.deleting(hour.retiring()));
            return hour.withoutRetiring();
        }
        throw new IllegalArgumentException("not a decision to carry out: " + decision);
    }

    @Override
    public List<PendingPartition> snapshotState(long checkpointId) {
        return new ArrayList<>(pending.values());
    }

    @Override
    public void close() throws Exception {
        try (staging) {
            for (OpenFile file : open.values()) {
                try {
                    file.writer.close();
                } catch (IOException e) {
                    LOG.warn("lake: closing {}: {}", file.path, e.getMessage()); // its events are replayed anyway
                }
            }
            open.clear();
        }
    }

    /** The local file of a partition-hour that takes its events until the next checkpoint. */
    private static final class OpenFile {
        final Path path;
        final LakePartition partition;
        final ParquetWriter<SpecificRecord> writer;
        long records;

        OpenFile(Path path, LakePartition partition) throws IOException {
            this.path = path;
            this.partition = partition;
            this.writer = ParquetFiles.writer(path, partition.topic().valueType());
        }
    }
}
