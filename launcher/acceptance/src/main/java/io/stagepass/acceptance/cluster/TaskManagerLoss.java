package io.stagepass.acceptance.cluster;

import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicReference;

/** kill -9 of the TaskManager running the most tasks: the jobs restart on the other from their last checkpoint. */
final class TaskManagerLoss implements Scenario {
    /** How long the JobManager may take to notice the loss (heartbeat timeouts). */
    private static final Duration NOTICE = Duration.ofSeconds(90);

    private static final Duration RECOVERY = Duration.ofMinutes(5);
    private static final Duration POLL = Duration.ofMillis(200);

    @Override
    public String name() {
        return "taskmanager";
    }

    @Override
    public void requireTopology(Cluster cluster) {
        if (cluster.taskManagers() != 2) {
            throw new ScenarioFailure(
                    "the taskmanager scenario needs 2 TaskManagers (the jobs fail over to the other)");
        }
    }

    @Override
    public void strike(Cluster cluster, RunningLoad load) throws Exception {
        load.awaitUnderWay();
        String victim = cluster.flink().taskManagers().stream()
                .max(Comparator.comparingInt(FlinkRest.TaskManager::used))
                .orElseThrow(() -> new ScenarioFailure("Flink has no TaskManager"))
                .id();
        long killed = System.nanoTime();
        cluster.processes().kill(victim);
        try {
            cluster.log("kill -9 " + victim + " (the one running the most tasks); waiting for the jobs to fail over"
                    + " to the other...");
            FlinkRest flink = cluster.flink();
            if (Cluster.eventually(NOTICE, POLL, () -> !flink.allJobsRunning(), new AtomicReference<>())) {
                cluster.log("  the JobManager saw the loss " + Cluster.since(killed) + " s after the kill");
            } else {
                cluster.log("  no job had a task on it (" + NOTICE.toSeconds() + " s without a restart)");
            }
            cluster.within(RECOVERY, "the jobs running again", flink::allJobsRunning);
            cluster.log("  RECOVERED: all " + flink.jobs().size() + " jobs RUNNING with every task again "
                    + Cluster.since(killed) + " s after the kill; restored from:");
            for (FlinkRest.Job job : flink.jobs()) {
                flink.restoredFrom(job.id()).ifPresent(path -> cluster.out().println("      " + path));
            }
        } finally {
            cluster.processes().respawn(victim);
        }
    }
}
