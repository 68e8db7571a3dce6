package io.stagepass.acceptance.cluster;

import java.time.Duration;

/**
 * kill -9 of an ingest instance holding acknowledged segments in its spool: the object store stalls first, so that the
 * spool fills; the encoder and the players go to the other instance; once started again, the instance delivers its
 * spool.
 */
final class IngestLoss implements Scenario {
    private static final String VICTIM = "ingest-1";
    /** How long the object store stalls before the kill, so that the spool holds segments. */
    private static final Duration STALL = Duration.ofSeconds(8);
    /** How long the instance stays down. */
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    private static final Duration RECOVERY = Duration.ofMinutes(5);

    @Override
    public String name() {
        return "ingest";
    }

    @Override
    public void strike(Cluster cluster, RunningLoad load) throws Exception {
        load.awaitUnderWay();
        ClusterProcesses processes = cluster.processes();
        processes.pause("s3");
        cluster.log("the S3 server paused (SIGSTOP) for " + STALL.toSeconds()
                + " s: ingest acknowledges segments from its spool meanwhile");
        long spooled;
        long killed;
        try {
            Thread.sleep(STALL.toMillis());
            spooled = processes.spooled(VICTIM);
            processes.kill(VICTIM);
            killed = System.nanoTime();
        } finally {
            processes.resume("s3");
        }
        try {
            if (spooled == 0) {
                throw new ScenarioFailure(VICTIM + "'s spool was empty at the kill: the scenario did not test a spool");
            }
            cluster.log("kill -9 " + VICTIM + " with " + spooled + " segment(s) in its spool; S3 resumed; the encoder"
                    + " and players go to ingest-2; restarting " + VICTIM + " in " + OUTAGE.toSeconds() + " s...");
            Thread.sleep(OUTAGE.toMillis());
        } finally {
            processes.respawn(VICTIM);
        }
        long restarted = System.nanoTime();
        cluster.awaitListening(VICTIM, cluster.ingestPort(1));
        cluster.within(RECOVERY, VICTIM + "'s spool delivered", () -> processes.spooled(VICTIM) == 0);
        cluster.log("  RECOVERED: " + VICTIM + " serving again and its spool delivered " + Cluster.since(restarted)
                + " s after the restart (" + Cluster.since(killed) + " s after the kill)");
    }
}
