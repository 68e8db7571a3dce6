package io.stagepass.bench.pipeline;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.graph.StreamGraph;

/** Between latency runs: stops the jobs with a savepoint and resubmits them, restored from it, with another configuration. */
final class SavepointRestart {
    private final EmbeddedFlink flink;
    private final List<PipelineJob> jobs;
    private final Path savepoints;

    SavepointRestart(EmbeddedFlink flink, List<PipelineJob> jobs, Path dataDir) {
        this.flink = flink;
        this.jobs = jobs;
        this.savepoints = dataDir.resolve("savepoints").toAbsolutePath();
    }

    /** Returns the ids of the restarted jobs. */
    Map<String, JobID> restart(Map<String, JobID> running, PipelineConfig config) throws Exception {
        System.out.printf(
                "%n  restarting the jobs with checkpoint interval %s (stop with savepoint, resume from it)%n",
                Durations.format(config.checkpointInterval()));
        Map<String, JobID> restarted = new LinkedHashMap<>();
        Files.createDirectories(savepoints);
        for (PipelineJob job : jobs) {
            long start = System.nanoTime();
            String savepoint = flink.cluster()
                    .stopWithSavepoint(
                            running.get(job.name()),
                            savepoints.toUri().toString(),
                            false,
                            SavepointFormatType.CANONICAL)
                    .get(5, TimeUnit.MINUTES);
            flink.cluster().requestJobResult(running.get(job.name())).get(2, TimeUnit.MINUTES);
            StreamGraph graph = BenchJobs.graph(job, config);
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
            restarted.put(job.name(), flink.submit(graph));
            System.out.printf(
                    "  %s: savepoint and resubmission in %.1f s%n", job.name(), (System.nanoTime() - start) / 1e9);
        }
        return restarted;
    }
}
