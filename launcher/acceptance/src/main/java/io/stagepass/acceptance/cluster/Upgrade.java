package io.stagepass.acceptance.cluster;

import java.time.Duration;

/** The upgrade path under load: every job stopped with a savepoint and resubmitted from it while the services go on. */
final class Upgrade implements Scenario {
    private static final Duration RECOVERY = Duration.ofMinutes(5);
    /** Where deploy/local-cluster's stop-jobs takes savepoints. */
    private static final String SAVEPOINTS = "/savepoints/";

    @Override
    public String name() {
        return "upgrade";
    }

    @Override
    public void strike(Cluster cluster, RunningLoad load) throws Exception {
        load.awaitUnderWay();
        long stopped = System.nanoTime();
        cluster.log("stopping every pipeline job with a savepoint (flink stop), then resubmitting each from it (flink"
                + " run -s)...");
        cluster.processes().stopJobsWithSavepoints();
        cluster.processes().submitJobs();
        cluster.within(RECOVERY, "the jobs running again", cluster.flink()::allJobsRunning);
        for (FlinkRest.Job job : cluster.flink().jobs()) {
            String restored = cluster.flink().restoredFrom(job.id()).orElse("nothing");
            if (!restored.contains(SAVEPOINTS)) {
                throw new ScenarioFailure("job " + job.name() + " started from " + restored + ", not a savepoint");
            }
        }
        cluster.log("  RECOVERED: all " + cluster.flink().jobs().size() + " jobs RUNNING from their savepoints "
                + Cluster.since(stopped) + " s after the first stop");
    }
}
