package io.stagepass.acceptance.cluster;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.Topic;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.worker.TopicWorker;
import java.time.Duration;
import java.time.Instant;

/**
 * kill -9 of the jobs worker packaging the load's replay, found by the consumer group (the worker that owns the live's
 * partition of the lives topic) the moment its PACKAGING status appears: the group hands the live to the other worker,
 * which makes the replay READY. A READY published before the kill landed means the kill came too late to show a
 * takeover, and the scenario says so and fails.
 */
final class JobsWorkerLoss implements Scenario {
    private static final Duration PACKAGING_WAIT = Duration.ofMinutes(3);
    private static final Duration RECOVERY = Duration.ofMinutes(5);

    @Override
    public String name() {
        return "jobs-worker";
    }

    @Override
    public Duration loadLength() {
        return Duration.ofSeconds(40);
    }

    @Override
    public void strike(Cluster cluster, RunningLoad load) throws Exception {
        String liveId = load.liveId();
        cluster.log("waiting for a jobs worker to start packaging " + liveId + " (when its live ends)...");
        try (ReplayWatch replay = new ReplayWatch(
                cluster.deployment().kafka(), liveId, load.marks().of(Topic.REPLAYS))) {
            replay.next(ReplayEventType.PACKAGING, PACKAGING_WAIT)
                    .orElseThrow(() -> new ScenarioFailure("no jobs worker started packaging " + liveId + " within "
                            + PACKAGING_WAIT.toSeconds() + " s"));
            String victim = owner(cluster, liveId);
            cluster.processes().kill(victim);
            try {
                long killed = System.nanoTime();
                Instant killedAt = Instant.now();
                cluster.log("kill -9 " + victim + " while it packaged the replay; waiting for the other worker...");
                Instant ready = replay.next(ReplayEventType.READY, RECOVERY)
                        .orElseThrow(() ->
                                new ScenarioFailure("the replay READY: not within " + RECOVERY.toSeconds() + " s"));
                if (ready.isBefore(killedAt)) {
                    throw new ScenarioFailure(
                            victim + " made the replay READY before the kill landed: no takeover to see");
                }
                cluster.log("  RECOVERED: " + owner(cluster, liveId) + " made the replay READY " + Cluster.since(killed)
                        + " s after the kill");
            } finally {
                cluster.processes().respawn(victim);
            }
        }
    }

    /** The jobs worker process that owns the live, by the pid in its consumer's client id. */
    private static String owner(Cluster cluster, String liveId) throws Exception {
        String clientId = cluster.kafka()
                .ownerOf(JobsConfig.DEFAULT_GROUP, Topic.LIVES, liveId)
                .orElseThrow(() -> new ScenarioFailure("no jobs worker owns " + liveId));
        long pid = TopicWorker.pidOf(clientId)
                .orElseThrow(
                        () -> new ScenarioFailure("the owner of " + liveId + " is not a jobs worker: " + clientId));
        return cluster.processes()
                .nameOf(pid)
                .orElseThrow(() -> new ScenarioFailure("no cluster process has pid " + pid));
    }
}
