package io.stagepass.pipeline.lake;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.apache.parquet.hadoop.ParquetWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the events it receives into one local Parquet file per partition-hour. On each checkpoint the open files
 * are closed and staged in the object store as parts (durable, named in the checkpoint); a partition-hour that went
 * quiet or grew past the target size is then published as one file: its parts are
 * merged, staged, and handed to the committer, which moves the file into place once the checkpoint completes.
 * A reader of {@code *.parquet} never sees a part, a half-written file or the same event twice.
 */
final class LakeWriter
        implements StatefulSinkWriter<SpecificRecord, PendingPartition>,
                CommittingSinkWriter<SpecificRecord, LakeCommit> {
    private static final Logger LOG = LoggerFactory.getLogger(LakeWriter.class);

    private final LakeStore store;
    private final LakeSink.Settings settings;
    private final int subtask;
    private final LongSupplier clock;
    private final Path workDir;
    private final Map<LakePartition, OpenFile> open = new HashMap<>();
    private final Map<LakePartition, PendingPartition> pending = new HashMap<>();
    private final Counter recordsIn;
    private final Counter partsStaged;
    private final Counter partsMissing;
    private boolean endOfInput;

    LakeWriter(
            LakeSink.Settings settings,
            int subtask,
            SinkWriterMetricGroup metrics,
            LongSupplier clock,
            Collection<PendingPartition> restored)
            throws IOException {
        this.settings = settings;
        this.subtask = subtask;
        this.clock = clock;
        this.store = new LakeStore(settings.endpoint());
        this.workDir = Files.createTempDirectory("stagepass-lake-");
        this.recordsIn = metrics.getNumRecordsSendCounter();
        this.partsStaged = metrics.counter("lakePartsStaged");
        this.partsMissing = metrics.counter("lakePartsMissing");
        long now = clock.getAsLong();
        for (PendingPartition partition : restored) {
            // After a change of parallelism one writer may get several writers' parts of the same hour.
            PendingPartition mine = pending.computeIfAbsent(partition.partition, PendingPartition::new);
            mine.partKeys.addAll(partition.partKeys);
            mine.bytes += partition.bytes;
            mine.records += partition.records;
            // The quiet time starts again: the events after the checkpoint are about to be replayed into this hour.
            mine.lastWriteMillis = now;
        }
    }

    @Override
    public void write(SpecificRecord event, Context context) throws IOException {
        LakePartition partition = LakePartition.of(event);
        OpenFile file = open.get(partition);
        if (file == null) {
            file = new OpenFile(workDir.resolve(UUID.randomUUID() + ".part"), partition);
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
        for (OpenFile file : open.values()) {
            file.writer.close();
            String key = LakeStore.STAGING + UUID.randomUUID() + ".part";
            store.upload(file.path, key);
            partsStaged.inc();
            PendingPartition partition = pending.computeIfAbsent(file.partition, PendingPartition::new);
            partition.partKeys.add(key);
            partition.bytes += Files.size(file.path);
            partition.records += file.records;
            partition.lastWriteMillis = now;
            Files.move(file.path, local(key));
        }
        open.clear();

        List<LakeCommit> commits = new ArrayList<>();
        for (Iterator<PendingPartition> it = pending.values().iterator(); it.hasNext(); ) {
            PendingPartition partition = it.next();
            if (endOfInput || readyToPublish(partition, now)) {
                commits.add(publish(partition));
                it.remove();
            }
        }
        return commits;
    }

    /**
     * The partition-hour went quiet (its hour is over, or a backfill moved on) or its file is big enough. Quiet,
     * not the clock, decides: a backfill of last month writes each hour in one go and publishes it once.
     */
    private boolean readyToPublish(PendingPartition partition, long now) {
        return now - partition.lastWriteMillis >= settings.closeAfter().toMillis()
                || partition.bytes >= settings.targetFileBytes();
    }

    private LakeCommit publish(PendingPartition partition) throws IOException {
        String target = partition.partition.prefix() + "part-" + subtask + "-" + UUID.randomUUID() + ".parquet";
        List<String> deletes = new ArrayList<>(partition.partKeys);
        if (partition.partKeys.size() == 1) {
            deleteLocal(partition.partKeys);
            return new LakeCommit(partition.partKeys.get(0), target, deletes, partition.records);
        }
        List<Path> parts = new ArrayList<>();
        for (String key : partition.partKeys) {
            Path local = local(key);
            // staged before a restore, perhaps on another machine
            if (Files.exists(local) || store.downloadIfPresent(key, local)) {
                parts.add(local);
            } else {
                // Someone removed a staged part the checkpoint still names: its events are lost. Say so and go on,
                // rather than fail the job forever.
                partsMissing.inc();
                LOG.error(
                        "lake: staged part {} of {} is missing from the bucket; its events are not in the lake",
                        key,
                        partition.partition.prefix());
            }
        }
        Path merged = workDir.resolve(UUID.randomUUID() + ".merged");
        ParquetFiles.merge(parts, merged, partition.partition.topic().valueType());
        String mergedKey = LakeStore.STAGING + merged.getFileName();
        store.upload(merged, mergedKey);
        deletes.add(mergedKey);
        Files.delete(merged);
        deleteLocal(partition.partKeys);
        return new LakeCommit(mergedKey, target, deletes, partition.records);
    }

    @Override
    public List<PendingPartition> snapshotState(long checkpointId) {
        return new ArrayList<>(pending.values());
    }

    @Override
    public void close() throws Exception {
        try (store;
                Stream<Path> files = Files.walk(workDir)) {
            for (OpenFile file : open.values()) {
                try {
                    file.writer.close();
                } catch (IOException e) {
                    LOG.warn("lake: closing {}: {}", file.path, e.getMessage()); // its events are replayed anyway
                }
            }
            open.clear();
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private Path local(String key) {
        return workDir.resolve(key.substring(key.lastIndexOf('/') + 1));
    }

    private void deleteLocal(List<String> keys) throws IOException {
        for (String key : keys) {
            Files.deleteIfExists(local(key));
        }
    }

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
