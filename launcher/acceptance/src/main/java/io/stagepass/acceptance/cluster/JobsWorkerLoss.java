package io.stagepass.acceptance.cluster;

import io.stagepass.events.EventCodec;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.worker.TopicWorker;
import io.stagepass.platform.kafka.TopicReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * kill -9 of the jobs worker packaging the load's replay, found by the consumer group (the worker that owns the live's
 * partition of the lives topic) when its PACKAGING status appears: the group hands the live to the other worker, which
 * makes the replay READY.
 */
final class JobsWorkerLoss implements Scenario {
    private static final Duration PACKAGING_WAIT = Duration.ofMinutes(3);
    private static final Duration RECOVERY = Duration.ofMinutes(5);
    /** A replay of a short live takes seconds: its PACKAGING status is watched closely. */
    private static final Duration WATCH_POLL = Duration.ofMillis(20);

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

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
        cluster.log("waiting for a jobs worker to start packaging " + load.liveId() + " (when its live ends)...");
        try (TopicReader reader = new TopicReader(cluster.deployment().kafka())) {
            Map<TopicPartition, Long> from = new HashMap<>(load.marks().of(Topic.REPLAYS));
            cluster.within(
                    PACKAGING_WAIT,
                    WATCH_POLL,
                    "a jobs worker packaging " + load.liveId(),
                    () -> statuses(reader, from, load.liveId(), ReplayEventType.PACKAGING));
        }
        String victim = owner(cluster, load.liveId());
        cluster.processes().kill(victim);
        long killed = System.nanoTime();
        cluster.log("kill -9 " + victim + " while it packaged the replay; waiting for the other worker...");
        try (TopicReader reader = new TopicReader(cluster.deployment().kafka())) {
            Map<TopicPartition, Long> from = new HashMap<>(load.marks().of(Topic.REPLAYS));
            cluster.within(
                    RECOVERY, "the replay READY", () -> statuses(reader, from, load.liveId(), ReplayEventType.READY));
        }
        cluster.log("  RECOVERED: " + owner(cluster, load.liveId()) + " made the replay READY " + Cluster.since(killed)
                + " s after the kill");
        cluster.processes().respawn(victim);
    }

    /** Reads the replays topic on from {@code from} (moved along); whether a status of {@code type} came. */
    private static boolean statuses(
            TopicReader reader, Map<TopicPartition, Long> from, String liveId, ReplayEventType type) {
        EventCodec<ReplayStatus> codec = EventCodec.of(ReplayStatus.class);
        boolean found = false;
        for (ConsumerRecord<String, byte[]> record : reader.readFrom(Topic.REPLAYS, from, READ_TIMEOUT)) {
            from.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            found |= liveId.equals(record.key())
                    && record.value() != null
                    && codec.decode(record.value()).getType() == type;
        }
        return found;
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
