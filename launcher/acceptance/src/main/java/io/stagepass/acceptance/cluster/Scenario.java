package io.stagepass.acceptance.cluster;

import java.time.Duration;

/**
 * One failure injected into the local cluster while a sustained load runs on it: it strikes, waits until the cluster
 * recovered (said as a line beginning {@code RECOVERED}), and puts the cluster back as it was; the load's comparison
 * with its ground truth decides whether nothing was lost.
 */
interface Scenario {
    /** As given on the command line: {@code taskmanager}, {@code broker}... */
    String name();

    /** How long the load's live lasts. */
    default Duration loadLength() {
        return Duration.ofSeconds(90);
    }

    /** Fails with a {@link ScenarioFailure} when the cluster cannot run this scenario (its topology). */
    default void requireTopology(Cluster cluster) {}

    void strike(Cluster cluster, RunningLoad load) throws Exception;
}
