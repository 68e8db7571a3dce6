package io.stagepass.launcher;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagepass topics}: the declared topics; with {@code --create}, creates the missing ones on a cluster. */
@Command(
        name = "topics",
        mixinStandardHelpOptions = true,
        description = {
            "List every Kafka topic Stagepass declares: partitions, cleanup, retention, key and value schema.",
            "With --create, create the missing ones on the cluster at STAGEPASS_KAFKA_BOOTSTRAP (existing topics are "
                    + "left as they are). 'up' does this by itself for the embedded broker."
        })
final class TopicsCommand implements Callable<Integer> {
    @Option(names = "--create", description = "Create the declared topics that do not exist yet.")
    boolean create;

    @Option(
            names = "--replication-factor",
            paramLabel = "N",
            defaultValue = "1",
            description =
                    "Replicas per partition for created topics (default ${DEFAULT-VALUE}; 3 on a production cluster).")
    short replicationFactor;

    @Override
    public Integer call() throws Exception {
        System.out.printf("%-34s %4s  %-8s %-10s %-36s %s%n", "TOPIC", "PART", "CLEANUP", "RETENTION", "KEY", "VALUE");
        for (Topic topic : Topic.values()) {
            System.out.printf(
                    "%-34s %4d  %-8s %-10s %-36s %s%n",
                    topic.topicName(),
                    topic.partitions(),
                    topic.cleanup().name().toLowerCase(),
                    topic.retention()
                            .map(d -> d.toDays() + "d")
                            .orElse(topic.cleanup() == Topic.Cleanup.COMPACT ? "-" : "forever"),
                    topic.key(),
                    topic.valueType().getSimpleName());
        }
        if (create) {
            KafkaSettings kafka = KafkaSettings.fromEnv(Env.system());
            try (Admin admin = KafkaClients.admin(kafka)) {
                List<Topic> created = KafkaClients.createMissingTopics(admin, replicationFactor);
                System.out.printf(
                        "Created %d topic(s) on %s; %d already existed.%n",
                        created.size(), kafka.bootstrapServers(), Topic.values().length - created.size());
            } catch (ExecutionException | TimeoutException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                System.err.println("stagepass: cannot create topics on " + kafka.bootstrapServers() + " ("
                        + KafkaSettings.BOOTSTRAP + "): "
                        + (cause.getMessage() != null
                                ? cause.getMessage()
                                : "no answer within 30 s; is Kafka running there?"));
                return 1;
            }
        }
        return 0;
    }
}
