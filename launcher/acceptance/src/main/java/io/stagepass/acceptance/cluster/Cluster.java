package io.stagepass.acceptance.cluster;

import io.stagepass.acceptance.TimeOfDay;
import io.stagepass.acceptance.load.LoadRun;
import io.stagepass.platform.lifecycle.Await;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What a failure scenario has at hand: the cluster's processes, its Flink REST API, its Kafka admin API, the deployment
 * the load drives, its topology, and where to say what happens (each line with the time, as deploy/local-cluster logs).
 */
record Cluster(
        ClusterProcesses processes,
        FlinkRest flink,
        KafkaHealth kafka,
        LoadRun.Deployment deployment,
        List<Integer> brokerPorts,
        int taskManagers,
        PrintStream out) {
    /** How long a process that was started again gets to listen. */
    static final Duration LISTEN_WAIT = Duration.ofSeconds(120);

    void log(String line) {
        out.println(TimeOfDay.now() + " " + line);
    }

    int brokers() {
        return brokerPorts.size();
    }

    /** The port of ingest instance {@code n} (from 1), as the load reaches it. */
    int ingestPort(int n) {
        return java.net.URI.create(deployment.ingest().get(n - 1)).getPort();
    }

    /** Waits until {@code condition} holds; a failure of the scenario naming {@code what} if not within {@code limit}. */
    void within(Duration limit, String what, Await.Probe<Boolean> condition) throws Exception {
        within(limit, Await.DEFAULT_POLL, what, condition);
    }

    /** As {@link #within(Duration, String, Await.Probe)}, asking every {@code poll}. */
    void within(Duration limit, Duration poll, String what, Await.Probe<Boolean> condition) throws Exception {
        AtomicReference<Exception> lastError = new AtomicReference<>();
        if (!eventually(limit, poll, condition, lastError)) {
            throw new ScenarioFailure(what + ": not within " + limit.toSeconds() + " s"
                    + (lastError.get() == null ? "" : " (last error: " + lastError.get() + ")"));
        }
    }

    /**
     * Whether {@code condition} became true within {@code limit}. A probe that fails (a REST API or a broker that is
     * itself recovering) counts as "not yet"; its last error is kept in {@code lastError}.
     */
    static boolean eventually(
            Duration limit, Duration poll, Await.Probe<Boolean> condition, AtomicReference<Exception> lastError)
            throws Exception {
        return Await.until(
                        limit,
                        poll,
                        () -> {
                            try {
                                return condition.get();
                            } catch (InterruptedException e) {
                                throw e;
                            } catch (Exception e) {
                                lastError.set(e);
                                return false;
                            }
                        },
                        Boolean.TRUE::equals)
                .met();
    }

    /** Waits until process {@code name}, started again, accepts connections on {@code port}. */
    void awaitListening(String name, int port) throws Exception {
        within(LISTEN_WAIT, name + " listening on port " + port, () -> ClusterProcesses.listening(port));
    }

    /** Seconds since {@code startNanos}, as the scenarios print them. */
    static String since(long startNanos) {
        return String.format("%.1f", (System.nanoTime() - startNanos) / 1e9);
    }
}
