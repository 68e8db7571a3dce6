package io.stagepass.pipeline.lake;

import io.stagepass.platform.lake.LakeFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkWriterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A lake writer's files: its local work folder and the staging area of the bucket. Stages the parts a writer
 * closes, and makes the files a writer publishes (merged, staged, and described in a {@link LakeCommit} for the
 * committer, which moves them into place once the checkpoint completes). No reader sees a part or a half-written
 * file. A staged part is kept locally until it is published, so a merge downloads only the parts staged before a
 * restore (perhaps on another machine).
 */
final class LakeStaging implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LakeStaging.class);

    private final LakeStore store;
    private final int subtask;
    private final Path workDir;
    private final Counter partsStaged;
    private final Counter partsMissing;

    LakeStaging(LakeStore.Endpoint endpoint, int subtask, SinkWriterMetricGroup metrics) throws IOException {
        this.workDir = Files.createTempDirectory("stagepass-lake-");
        this.store = new LakeStore(endpoint);
        this.subtask = subtask;
        this.partsStaged = metrics.counter("lakePartsStaged");
        this.partsMissing = metrics.counter("lakePartsMissing");
    }

    /** A new local file to write a part into. */
    Path newPart() {
        return workDir.resolve(UUID.randomUUID() + ".part");
    }

    /** Stages a closed local part; answers its key, which the checkpoint names. */
    String stage(Path part) throws IOException {
        String key = LakeStore.STAGING + UUID.randomUUID() + ".part";
        store.upload(part, key);
        partsStaged.inc();
        Files.move(part, local(key));
        return key;
    }

    /** The staged parts of a partition-hour as one file to publish (the part itself, when there is one). */
    LakeCommit publish(PendingPartition hour, long now) throws IOException {
        PendingPartition.Parts parts = hour.parts();
        String target = hour.partition().prefix() + LakeFiles.fileName(subtask, now);
        if (parts.keys().size() == 1) {
            deleteLocal(parts.keys());
            return new LakeCommit(parts.keys().get(0), target, parts.keys(), parts.records());
        }
        String mergedKey = stageMerged(localParts(hour), hour.partition());
        deleteLocal(parts.keys());
        List<String> deletes = new ArrayList<>(parts.keys());
        deletes.add(mergedKey);
        return new LakeCommit(mergedKey, target, deletes, parts.records());
    }

    /**
     * The rolling files {@code replaced} and the staged parts of a partition-hour merged into one file that replaces
     * them ({@link LakeFiles} says how readers never see a row twice or miss one meanwhile).
     */
    LakeCommit compact(PendingPartition hour, List<PendingPartition.Published> replaced, long now) throws IOException {
        List<Path> inputs = new ArrayList<>();
        long madeAt = now;
        for (PendingPartition.Published file : replaced) {
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
            // the added file's name must sort after those it replaces (see LakeFiles)
            madeAt = Math.max(madeAt, LakeFiles.madeAtMillis(file.target()) + 1);
        }
        inputs.addAll(localParts(hour));
        String mergedKey = stageMerged(inputs, hour.partition());
        for (Path input : inputs) {
            Files.deleteIfExists(input);
        }
        List<String> replacedKeys =
                replaced.stream().map(PendingPartition.Published::target).toList();
        LakeFiles.Compaction compaction =
                new LakeFiles.Compaction(hour.partition().prefix() + LakeFiles.fileName(subtask, madeAt), replacedKeys);
        List<String> deletes = new ArrayList<>(hour.parts().keys());
        deletes.add(mergedKey);
        deletes.addAll(replacedKeys);
        return new LakeCommit(
                mergedKey, compaction.added(), deletes, hour.parts().records(), compaction);
    }

    /** Merges local Parquet files of a partition-hour into one and stages it; answers its key. */
    private String stageMerged(List<Path> inputs, LakePartition partition) throws IOException {
        Path merged = workDir.resolve(UUID.randomUUID() + ".merged");
        ParquetFiles.merge(inputs, merged, partition.topic().valueType());
        String key = LakeStore.STAGING + merged.getFileName();
        store.upload(merged, key);
        Files.delete(merged);
        return key;
    }

    /** The staged parts as local files: written here, or downloaded (staged before a restore, perhaps elsewhere). */
    private List<Path> localParts(PendingPartition hour) throws IOException {
        List<Path> parts = new ArrayList<>();
        for (String key : hour.parts().keys()) {
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
                        hour.partition().prefix());
            }
        }
        return parts;
    }

    private Path local(String key) {
        return workDir.resolve(key.substring(key.lastIndexOf('/') + 1));
    }

    private void deleteLocal(List<String> keys) throws IOException {
        for (String key : keys) {
            Files.deleteIfExists(local(key));
        }
    }

    /** Deletes the work folder. */
    @Override
    public void close() throws Exception {
        try (store;
                Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
