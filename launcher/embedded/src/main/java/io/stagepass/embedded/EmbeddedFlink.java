package io.stagepass.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink's real runtime as a MiniCluster in this JVM: one JobManager and one TaskManager, its REST API and web UI
 * on 127.0.0.1, checkpoints on local disk under the data directory.
 */
public final class EmbeddedFlink implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedFlink.class);

    private final MiniCluster cluster;
    private final int restPort;
    private final Path checkpointDir;

    private EmbeddedFlink(MiniCluster cluster, int restPort, Path checkpointDir) {
        this.cluster = cluster;
        this.restPort = restPort;
        this.checkpointDir = checkpointDir;
    }

    /** Starts with {@code slots} task slots and the REST API on {@code restPort} (0 = a free port). */
    public static EmbeddedFlink start(Path dataDir, int restPort, int slots) throws Exception {
        Path checkpoints = dataDir.resolve("checkpoints").toAbsolutePath();
        Files.createDirectories(checkpoints);
        int port = restPort == 0 ? Ports.free() : restPort;
        Configuration conf = new Configuration();
        conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
        conf.set(RestOptions.ADDRESS, "127.0.0.1");
        conf.set(RestOptions.PORT, port);
        conf.set(RestOptions.BIND_PORT, Integer.toString(port));
        conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
        conf.set(TaskManagerOptions.MANAGED_MEMORY_SIZE, MemorySize.ofMebiBytes(128));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MIN, MemorySize.ofMebiBytes(64));
        conf.set(TaskManagerOptions.NETWORK_MEMORY_MAX, MemorySize.ofMebiBytes(64));
        MiniClusterConfiguration config = new MiniClusterConfiguration.Builder()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(slots)
                .build();
        MiniCluster cluster = new MiniCluster(config);
        cluster.start();
        LOG.info(
                "Flink MiniCluster ready, REST API on {}",
                cluster.getRestAddress().get(30, TimeUnit.SECONDS));
        return new EmbeddedFlink(cluster, port, checkpoints);
    }

    /** Submits a job built on a StreamExecutionEnvironment and returns its id without waiting for it. */
    public JobID submit(StreamGraph graph) throws Exception {
        return cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
    }

    /**
     * Submits a long-running job under a stable id derived from {@code name}, restored from the latest checkpoint
     * an earlier run of it left in the data directory (jobs keep their checkpoints when cancelled). So a job that
     * was stopped with the stack carries on where its last checkpoint was: its state, its input offsets and its
     * exactly-once output, instead of starting over from the consumer group's offsets.
     */
    public JobID submitResumable(StreamGraph graph, String name) throws Exception {
        JobID id = stableId(name);
        graph.setJobId(id);
        latestCheckpoint(id).ifPresent(checkpoint -> {
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(checkpoint.toString(), true));
            LOG.info("job {} resumes from {}", name, checkpoint);
        });
        return submit(graph);
    }

    static JobID stableId(String name) {
        UUID uuid = UUID.nameUUIDFromBytes(("stagepass-job:" + name).getBytes(StandardCharsets.UTF_8));
        return new JobID(uuid.getLeastSignificantBits(), uuid.getMostSignificantBits());
    }

    /** The newest complete checkpoint ({@code chk-N} with its {@code _metadata}) of a job, if any. */
    Optional<Path> latestCheckpoint(JobID id) throws IOException {
        Path jobDir = checkpointDir.resolve(id.toHexString());
        if (!Files.isDirectory(jobDir)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jobDir)) {
            return dirs.filter(dir -> dir.getFileName().toString().matches("chk-\\d+"))
                    .filter(dir -> Files.exists(dir.resolve("_metadata")))
                    .max(Comparator.comparingLong(
                            dir -> Long.parseLong(dir.getFileName().toString().substring(4))));
        }
    }

    public MiniCluster cluster() {
        return cluster;
    }

    public int restPort() {
        return restPort;
    }

    public Path checkpointDir() {
        return checkpointDir;
    }

    /** Cancels every running job (so tasks end as CANCELED, not FAILED), then stops the cluster. */
    @Override
    public void close() throws Exception {
        for (JobStatusMessage job : cluster.listJobs().get(30, TimeUnit.SECONDS)) {
            if (!job.getJobState().isGloballyTerminalState()) {
                cluster.cancelJob(job.getJobId()).get(30, TimeUnit.SECONDS);
                cluster.requestJobResult(job.getJobId()).get(60, TimeUnit.SECONDS);
            }
        }
        cluster.closeAsync().get(Duration.ofSeconds(60).toSeconds(), TimeUnit.SECONDS);
        LOG.info("Flink MiniCluster stopped");
    }
}
