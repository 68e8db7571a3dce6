package io.stagepass.launcher;

import io.stagepass.events.Topic;
import picocli.CommandLine.Command;

/** {@code stagepass topics}: the declared topics, as the broker is given them. */
@Command(name = "topics", mixinStandardHelpOptions = true,
        description = "List every Kafka topic Stagepass declares: partitions, cleanup, retention, key and value schema.")
final class TopicsCommand implements Runnable {
    @Override
    public void run() {
        System.out.printf("%-34s %4s  %-8s %-10s %-36s %s%n", "TOPIC", "PART", "CLEANUP", "RETENTION", "KEY", "VALUE");
        for (Topic topic : Topic.values()) {
            System.out.printf("%-34s %4d  %-8s %-10s %-36s %s%n", topic.topicName(), topic.partitions(),
                    topic.cleanup().name().toLowerCase(),
                    topic.retention().map(d -> d.toDays() + "d").orElse(topic.cleanup() == Topic.Cleanup.COMPACT ? "-" : "forever"),
                    topic.key(), topic.valueType().getSimpleName());
        }
    }
}
