package io.stagepass.launcher;

import io.minio.MinioClient;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.replay.Packager;
import io.stagepass.jobs.replay.ReplayService;
import io.stagepass.jobs.replay.Retention;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.platform.views.LatestValues;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/** What {@code stagepass replay} asks of a stack; its commands' output is tested on a stand-in. */
interface ReplayBackend {
    ReplayService.Packaged packageLive(String liveId, boolean newVersion, Packager.Progress progress) throws Exception;

    /** The latest status of a live's replay. */
    Optional<ReplayStatus> status(String liveId);

    /** Every live's latest replay status, by live id. */
    Map<String, ReplayStatus> statuses();

    List<Retention.Expired> expire(Instant now, boolean dryRun) throws Exception;

    /** The stack the environment names: Kafka at STAGEPASS_KAFKA_BOOTSTRAP, the object store at STAGEPASS_S3_*. */
    final class OfEnvironment implements ReplayBackend {
        private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

        @Override
        public ReplayService.Packaged packageLive(String liveId, boolean newVersion, Packager.Progress progress)
                throws Exception {
            JobsConfig config = JobsConfig.fromEnv(Env.system());
            try (MinioClient s3 = ObjectStore.client(config.s3());
                    EventPublisher publisher = new EventPublisher(config.kafka(), "stagepass-cli-replay");
                    ReplayService replays = new ReplayService(
                            config.kafka(),
                            s3,
                            publisher,
                            config.workDir().resolve("replays-cli"),
                            config.fetchers())) {
                return replays.packageLive(liveId, newVersion, progress);
            }
        }

        @Override
        public Optional<ReplayStatus> status(String liveId) {
            try (KafkaConsumer<String, byte[]> consumer = reader()) {
                return LatestValues.read(consumer, Topic.REPLAYS, liveId, ReplayStatus.class, READ_TIMEOUT);
            }
        }

        @Override
        public Map<String, ReplayStatus> statuses() {
            try (KafkaConsumer<String, byte[]> consumer = reader()) {
                return LatestValues.read(consumer, Topic.REPLAYS, ReplayStatus.class, READ_TIMEOUT);
            }
        }

        @Override
        public List<Retention.Expired> expire(Instant now, boolean dryRun) throws Exception {
            JobsConfig config = JobsConfig.fromEnv(Env.system());
            try (MinioClient s3 = ObjectStore.client(config.s3());
                    EventPublisher publisher = new EventPublisher(config.kafka(), "stagepass-cli-retention");
                    Retention retention = new Retention(config.kafka(), s3, publisher)) {
                return retention.run(now, dryRun);
            }
        }

        private static KafkaConsumer<String, byte[]> reader() {
            return KafkaClients.assignedReader(KafkaSettings.fromEnv(Env.system()));
        }
    }
}
