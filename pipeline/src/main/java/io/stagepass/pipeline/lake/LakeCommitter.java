package io.stagepass.pipeline.lake;

import java.io.IOException;
import java.util.Collection;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.groups.SinkCommitterMetricGroup;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves staged files into the lake once the checkpoint that staged them is complete, and carries out compactions
 * ({@link LakeCommit}). Idempotent: after a restore the same commit may come again, and finds its target already
 * there.
 */
final class LakeCommitter implements Committer<LakeCommit> {
    private static final Logger LOG = LoggerFactory.getLogger(LakeCommitter.class);

    private final LakeStore store;
    private final Counter filesPublished;
    private final Counter recordsPublished;
    private final Counter filesMissing;

    LakeCommitter(LakeStore.Endpoint endpoint, SinkCommitterMetricGroup metrics) {
        this.store = new LakeStore(endpoint);
        this.filesPublished = metrics.counter("lakeFilesPublished");
        this.recordsPublished = metrics.counter("lakeRecordsPublished");
        this.filesMissing = metrics.counter("lakeFilesMissing");
    }

    @Override
    public void commit(Collection<CommitRequest<LakeCommit>> requests) {
        for (CommitRequest<LakeCommit> request : requests) {
            LakeCommit commit = request.getCommittable();
            try {
                if (commit.compaction() != null) {
                    // first the record, so a reader that sees the added file knows which files it replaces
                    store.put(
                            commit.compaction().recordKey(), commit.compaction().toJson());
                }
                if (commit.source() == null) {
                    // only deletes
                } else if (store.exists(commit.source())) {
                    store.copy(commit.source(), commit.target());
                    filesPublished.inc();
                    recordsPublished.inc(commit.records());
                    LOG.info(
                            "lake: published {} ({} events{})",
                            commit.target(),
                            commit.records(),
                            commit.compaction() == null
                                    ? ""
                                    : "; compacts "
                                            + commit.compaction().replaced().size() + " file(s)");
                } else if (store.exists(commit.target())) {
                    request.signalAlreadyCommitted(); // a repeat after a restore
                } else {
                    // Someone removed the staged file before it was published: its events are lost. Say so and go
                    // on; failing would only fail the job again after every restart.
                    filesMissing.inc();
                    LOG.error(
                            "lake: staged file {} for {} is missing from the bucket; {} events are not in the lake",
                            commit.source(),
                            commit.target(),
                            commit.records());
                    request.signalAlreadyCommitted();
                    if (commit.compaction() != null) {
                        continue; // the files it would replace stay: their rows are still needed
                    }
                }
                for (String key : commit.deletes()) {
                    store.delete(key); // deleting a missing key is not an error in S3; replaced files go first,
                    // records last
                }
            } catch (IOException e) {
                LOG.warn(
                        "lake: publishing {} failed, will retry: {}",
                        commit.target() != null ? commit.target() : commit.deletes(),
                        e.getMessage());
                request.retryLater();
            }
        }
    }

    @Override
    public void close() throws Exception {
        store.close();
    }
}
