package io.stagepass.embedded;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka broker in KRaft mode (one process is broker and controller), in this JVM, on 127.0.0.1.
 * Its log directory is formatted once; a later start on the same directory keeps every topic and record.
 */
public final class EmbeddedKafka implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafka.class);
    private static final int NODE_ID = 1;
    private static final String CONTROLLER_LISTENER = "CONTROLLER";

    private final KafkaRaftServer server;
    private final int port;
    private final List<Topic> createdTopics;

    private EmbeddedKafka(KafkaRaftServer server, int port, List<Topic> createdTopics) {
        this.server = server;
        this.port = port;
        this.createdTopics = createdTopics;
    }

    /**
     * Starts the broker with its data under {@code logDir}, listening on {@code port} (0 = a free port), and
     * creates every declared {@link Topic} that does not exist yet.
     */
    public static EmbeddedKafka start(Path logDir, int port) throws Exception {
        Files.createDirectories(logDir);
        int brokerPort = port == 0 ? Ports.free() : port;
        int controllerPort = Ports.free();
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", Integer.toString(NODE_ID));
        props.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        props.put(
                "listeners",
                "PLAINTEXT://127.0.0.1:" + brokerPort + "," + CONTROLLER_LISTENER + "://127.0.0.1:" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
        props.put("controller.listener.names", CONTROLLER_LISTENER);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        // One broker: internal topics (offsets, transactions) cannot have more replicas than that.
        props.put("offsets.topic.replication.factor", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        // Consumers of a fresh group start at once instead of waiting 3 s for others to join.
        props.put("group.initial.rebalance.delay.ms", "0");
        // Exactly-once sinks keep transactions open for a checkpoint interval plus restart time.
        props.put("transaction.max.timeout.ms", Integer.toString(15 * 60 * 1000));
        props.put("auto.create.topics.enable", "false");
        props.put("num.partitions", "1");
        props.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        KafkaConfig config = KafkaConfig.fromProps(props, false);

        if (!Files.exists(logDir.resolve("meta.properties"))) {
            new Formatter()
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .addDirectory(logDir.toAbsolutePath().toString())
                    .setMetadataLogDirectory(logDir.toAbsolutePath().toString())
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setReleaseVersion(MetadataVersion.latestProduction())
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .run();
            LOG.info("Formatted new Kafka log directory {}", logDir);
        }
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        try {
            server.startup();
            KafkaSettings settings = new KafkaSettings("127.0.0.1:" + brokerPort);
            List<Topic> created;
            try (Admin admin = KafkaClients.admin(settings)) {
                created = KafkaClients.createMissingTopics(admin, (short) 1);
            }
            LOG.info("Kafka broker ready on 127.0.0.1:{} ({} topics created)", brokerPort, created.size());
            return new EmbeddedKafka(server, brokerPort, created);
        } catch (Exception | Error e) {
            server.shutdown();
            server.awaitShutdown();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public KafkaSettings settings() {
        return new KafkaSettings(bootstrapServers());
    }

    /** The declared topics this start created (empty when the data directory already had them). */
    public List<Topic> createdTopics() {
        return createdTopics;
    }

    @Override
    public void close() {
        server.shutdown();
        server.awaitShutdown();
        LOG.info("Kafka broker on port {} stopped", port);
    }
}
