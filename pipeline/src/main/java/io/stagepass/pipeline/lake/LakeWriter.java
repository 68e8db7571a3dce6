package io.stagepass.pipeline.lake;

import io.stagepass.platform.lake.LakeFiles;
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
import java.util.Optional;
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
 * are closed and staged in the object store as parts (durable, named in the checkpoint). A partition-hour's parts
 * are published as one file every {@code publishEvery} while it keeps receiving events (rolling files), when they
 * reach the target size, or once it went quiet: they are merged, staged, and handed to the committer, which moves
 * the file into place once the checkpoint completes. Once quiet, an hour that got rolling files is compacted into
 * one ({@link LakeFiles} says how readers never see a row twice or miss one meanwhile). No reader sees a part or a
 * half-written file.
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
            mine.absorb(partition);
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
            if (partition.partKeys.isEmpty()) {
                partition.firstStagedMillis = now;
            }
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
            boolean quiet = endOfInput
                    || now - partition.lastWriteMillis >= settings.closeAfter().toMillis();
            if (quiet && !partition.published.isEmpty()) {
                compact(partition, now).ifPresent(commits::add);
            } else if (!partition.partKeys.isEmpty()
                    && (quiet
                            || partition.bytes >= settings.targetFileBytes()
                            || now - partition.firstStagedMillis
                                    >= settings.publishEvery().toMillis())) {
                LakeCommit commit = publish(partition, now);
                commits.add(commit);
                if (!quiet) {
                    partition.published.add(new PendingPartition.Published(
                            commit.target(), commit.source(), partition.bytes, partition.records));
                }
                clearParts(partition);
            }
            if (!partition.retiring.isEmpty() && now >= partition.retireAtMillis) {
                commits.add(LakeCommit.deleting(partition.retiring));
                partition.retiring.clear();
            }
            if (partition.isDone()) {
                it.remove();
            }
        }
        return commits;
    }

    /**
     * Publishes the staged parts of a partition-hour as one file: while the hour is busy every
     * {@code publishEvery} (a rolling file, so its events are queryable within minutes), or once it went quiet (its
     * hour is over, or a backfill moved on), or when the parts are big enough.
     */
    private LakeCommit publish(PendingPartition partition, long now) throws IOException {
        String target = partition.partition.prefix() + LakeFiles.fileName(subtask, now);
        List<String> deletes = new ArrayList<>(partition.partKeys);
        if (partition.partKeys.size() == 1) {
            deleteLocal(partition.partKeys);
            return new LakeCommit(partition.partKeys.get(0), target, deletes, partition.records);
        }
        Path merged = merge(partition, partition.partKeys);
        String mergedKey = LakeStore.STAGING + merged.getFileName();
        store.upload(merged, mergedKey);
        deletes.add(mergedKey);
        Files.delete(merged);
        deleteLocal(partition.partKeys);
        return new LakeCommit(mergedKey, target, deletes, partition.records);
    }

    /**
     * The hour went quiet after this writer published rolling files for it: merges the small ones (and any parts
     * staged since) into one file that replaces them ({@link LakeFiles}). Files of half the target size or more
     * stay as they are. The records of the compaction are deleted {@code retireAfter} later.
     */
    private Optional<LakeCommit> compact(PendingPartition partition, long now) throws IOException {
        List<PendingPartition.Published> small = partition.published.stream()
                .filter(file -> file.bytes() < settings.targetFileBytes() / 2)
                .toList();
        partition.published.clear();
        if (small.size() + (partition.partKeys.isEmpty() ? 0 : 1) < 2) {
            if (partition.partKeys.isEmpty()) {
                return Optional.empty(); // one file already
            }
            LakeCommit commit = publish(partition, now);
            clearParts(partition);
            return Optional.of(commit);
        }
        List<Path> inputs = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        long madeAt = now;
        for (PendingPartition.Published file : small) {
            Path local = workDir.resolve(UUID.randomUUID() + ".published");
            // published by the committer, or, if its checkpoint's commit has not run yet, still staged
            if (store.downloadIfPresent(file.target(), local) || store.downloadIfPresent(file.source(), local)) {
                inputs.add(local);
            } else {
                partsMissing.inc();
                LOG.error(
                        "lake: published file {} is missing from the bucket; its events are not in the lake",
                        file.target());
            }
            replaced.add(file.target());
            // the added file's name must sort after those it replaces (see LakeFiles)
            madeAt = Math.max(madeAt, LakeFiles.madeAtMillis(file.target()) + 1);
        }
        inputs.addAll(localParts(partition, partition.partKeys));
        Path merged = workDir.resolve(UUID.randomUUID() + ".merged");
        ParquetFiles.merge(inputs, merged, partition.partition.topic().valueType());
        String mergedKey = LakeStore.STAGING + merged.getFileName();
        store.upload(merged, mergedKey);
        Files.delete(merged);
        for (Path input : inputs) {
            Files.deleteIfExists(input);
        }
        List<String> deletes = new ArrayList<>(partition.partKeys);
        deletes.add(mergedKey);
        deletes.addAll(replaced);
        LakeFiles.Compaction compaction =
                new LakeFiles.Compaction(partition.partition.prefix() + LakeFiles.fileName(subtask, madeAt), replaced);
        LakeCommit commit = new LakeCommit(mergedKey, compaction.added(), deletes, partition.records, compaction);
        clearParts(partition);
        partition.retiring.add(compaction.recordKey());
        partition.retireAtMillis = now + settings.retireAfter().toMillis();
        return Optional.of(commit);
    }

    private static void clearParts(PendingPartition partition) {
        partition.partKeys.clear();
        partition.bytes = 0;
        partition.records = 0;
        partition.firstStagedMillis = 0;
    }

    private Path merge(PendingPartition partition, List<String> partKeys) throws IOException {
        Path merged = workDir.resolve(UUID.randomUUID() + ".merged");
        ParquetFiles.merge(
                localParts(partition, partKeys),
                merged,
                partition.partition.topic().valueType());
        return merged;
    }

    /** The staged parts as local files: written here, or downloaded (staged before a restore, perhaps elsewhere). */
    private List<Path> localParts(PendingPartition partition, List<String> partKeys) throws IOException {
        List<Path> parts = new ArrayList<>();
        for (String key : partKeys) {
            Path local = local(key);
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
        return parts;
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
