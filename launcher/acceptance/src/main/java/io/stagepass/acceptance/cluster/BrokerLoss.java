package io.stagepass.acceptance.cluster;

import java.time.Duration;

/**
 * kill -9 of a Kafka broker, restarted after an outage: with 2 of 3 left, min.insync.replicas 2 still holds and nothing
 * stops; once back, the broker catches up until every partition is fully replicated again.
 */
final class BrokerLoss implements Scenario {
    private static final String VICTIM = "kafka-2";
    /** How long the broker stays down. */
    private static final Duration OUTAGE = Duration.ofSeconds(20);

    private static final Duration RECOVERY = Duration.ofMinutes(5);

    @Override
    public String name() {
        return "broker";
    }

    @Override
    public void requireTopology(Cluster cluster) {
        if (cluster.brokers() != 3) {
            throw new ScenarioFailure("the broker scenario needs 3 brokers (min.insync.replicas 2 with one away)");
        }
    }

    @Override
    public void strike(Cluster cluster, RunningLoad load) throws Exception {
        load.awaitUnderWay();
        long killed = System.nanoTime();
        cluster.processes().kill(VICTIM);
        cluster.log("kill -9 " + VICTIM + " (2 of 3 brokers left: min.insync.replicas 2 still met); restarting it in "
                + OUTAGE.toSeconds() + " s...");
        try {
            Thread.sleep(OUTAGE.toMillis());
        } finally {
            cluster.processes().respawn(VICTIM);
        }
        long restarted = System.nanoTime();
        cluster.awaitListening(VICTIM, cluster.brokerPorts().get(1));
        cluster.within(
                RECOVERY, "every partition back in sync", () -> cluster.kafka().underReplicatedPartitions() == 0);
        cluster.log("  RECOVERED: every partition fully replicated again " + Cluster.since(restarted)
                + " s after the restart (" + Cluster.since(killed) + " s after the kill)");
    }
}
