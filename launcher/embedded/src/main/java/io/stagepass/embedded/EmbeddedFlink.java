package io.stagepass.embedded;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.client.JobStatusMessage;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.configuration.MemorySize;
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
        LOG.info("Flink MiniCluster ready, REST API on {}", cluster.getRestAddress().get(30, TimeUnit.SECONDS));
        return new EmbeddedFlink(cluster, port, checkpoints);
    }

    /** Submits a job built on a StreamExecutionEnvironment and returns its id without waiting for it. */
    public JobID submit(StreamGraph graph) throws Exception {
        return cluster.submitJob(graph).get(60, TimeUnit.SECONDS).getJobID();
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
