package io.stagepass.bench.pipeline;

import io.stagepass.pipeline.PipelineJob;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Records the jobs' Kafka consumers have handed to their Flink source readers, from the consumers' own metrics
 * ({@code records-consumed-total} per client and topic, JMX). Consumers of the bench itself are left out.
 */
final class SourceConsumerMetrics {
    private static final ObjectName FETCH_METRICS =
            objectName("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=*");

    private final List<String> jobs;
    private final Map<String, Long> expected;
    private final long totalExpected;
    private final Set<String> clients = new TreeSet<>();
    private boolean attributed = true;

    /**
     * @param jobs          the names of the jobs
     * @param expected      records each job has to consume, by name
     * @param totalExpected records all jobs have to consume
     */
    SourceConsumerMetrics(List<String> jobs, Map<String, Long> expected, long totalExpected) {
        this.jobs = jobs;
        this.expected = expected;
        this.totalExpected = totalExpected;
    }

    /** The client ids of the source consumers seen so far. */
    Set<String> clients() {
        return clients;
    }

    /** Whether every source consumer seen could be told apart by its client id. */
    boolean attributed() {
        return attributed;
    }

    /** Records consumed so far by each job's sources. */
    Map<String, Long> consumedByJob() {
        return byJob(consumedByClientTopic());
    }

    /**
     * Records by job from records by "client|topic": a client id that holds a job's Flink name is that job's; when a
     * client belongs to no job, each job gets its share of the total.
     */
    Map<String, Long> byJob(Map<String, Long> byClientTopic) {
        Map<String, Long> byJob = new HashMap<>();
        long unattributed = 0;
        for (Map.Entry<String, Long> entry : byClientTopic.entrySet()) {
            String client = entry.getKey().substring(0, entry.getKey().indexOf('|'));
            clients.add(client);
            String job = jobs.stream()
                    .filter(n -> client.contains(PipelineJob.flinkName(n)))
                    .findFirst()
                    .orElse(null);
            if (job == null) {
                unattributed += entry.getValue();
            } else {
                byJob.merge(job, entry.getValue(), Long::sum);
            }
        }
        if (unattributed > 0) {
            attributed = false;
            return shares(unattributed
                    + byJob.values().stream().mapToLong(Long::longValue).sum());
        }
        return byJob;
    }

    /** {@code records-consumed-total} by "client|topic". */
    private static Map<String, Long> consumedByClientTopic() {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        // Kafka 4 registers each per-topic metric twice, under the topic name and under the name with '.' -> '_'
        // (the deprecated form): one count per client and topic.
        Map<String, Long> byClientTopic = new HashMap<>();
        for (ObjectName name : server.queryNames(FETCH_METRICS, null)) {
            String topic = name.getKeyProperty("topic");
            if (topic == null || name.getKeyProperty("partition") != null) {
                continue;
            }
            String client = ObjectName.unquote(quoted(name.getKeyProperty("client-id")));
            if (client.startsWith("bench-")) {
                continue;
            }
            try {
                long records = ((Number) server.getAttribute(name, "records-consumed-total")).longValue();
                byClientTopic.merge(client + "|" + topic.replace('.', '_'), records, Math::max);
            } catch (Exception e) {
                // the consumer closed in between
            }
        }
        return byClientTopic;
    }

    /** Cannot tell whose consumer it is: each job gets its share of the total, and is done when everything is. */
    private Map<String, Long> shares(long total) {
        Map<String, Long> shares = new HashMap<>();
        for (String job : jobs) {
            long expected = this.expected.get(job);
            shares.put(
                    job,
                    total >= totalExpected
                            ? expected
                            : Math.min(expected - 1, (long) ((double) total * expected / totalExpected)));
        }
        return shares;
    }

    private static String quoted(String value) {
        return value.startsWith("\"") ? value : ObjectName.quote(value);
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
