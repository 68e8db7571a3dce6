package io.stagepass.launcher.stack;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.embedded.Ports;
import io.stagepass.ingest.IngestConfig;
import io.stagepass.ingest.IngestService;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.JobsWorker;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.lifecycle.Resources;
import io.stagepass.replay.ReplayApiConfig;
import io.stagepass.replay.ReplayApiService;
import io.stagepass.sandbox.stripe.StripeSandbox;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;

/**
 * The whole of Stagepass on one machine: a real Kafka broker, a real S3 server, Flink's MiniCluster running
 * every pipeline job, and the ingest, replay-api and jobs services, all on 127.0.0.1 with data under one
 * directory. Closing it stops everything in reverse order.
 */
public final class Stack implements AutoCloseable {

    private final Resources started = new Resources();
    private final StackConfig config;
    private EmbeddedKafka kafka;
    private EmbeddedS3 s3;
    private EmbeddedFlink flink;
    private IngestService ingest;
    private ReplayApiService api;
    private StripeSandbox stripe;
    private Env env;

    private Stack(StackConfig config) {
        this.config = config;
    }

    /** Starts everything; {@code progress} hears one line per step. On failure, what started is stopped. */
    public static Stack start(StackConfig config, Consumer<String> progress) throws Exception {
        return Resources.startOrClose(new Stack(config), stack -> stack.startAll(progress));
    }

    private void startAll(Consumer<String> progress) throws Exception {
        Files.createDirectories(config.dataDir());
        lockDataDir();
        requireFree(config.kafkaPort(), "Kafka", StackConfig.KAFKA_PORT);
        requireFree(config.s3Port(), "S3", StackConfig.S3_PORT);
        requireFree(config.flinkPort(), "Flink REST", StackConfig.FLINK_PORT);
        requireFree(config.ingestPort(), "ingest", StackConfig.INGEST_PORT);
        requireFree(config.rtmpPort(), "RTMP ingest", StackConfig.RTMP_PORT);
        requireFree(config.apiPort(), "replay API", StackConfig.API_PORT);

        progress.accept("starting Kafka broker (KRaft)...");
        kafka = push(EmbeddedKafka.start(config.dataDir().resolve("kafka"), config.kafkaPort()));
        progress.accept("starting S3 server...");
        s3 = push(EmbeddedS3.start(
                config.dataDir().resolve("s3"), config.s3Port(), config.s3AccessKey(), config.s3SecretKey()));

        // The player page sends beacons to ingest, and ingest lets the player page's origin do so: each needs the
        // other's address before either starts, so "any free port" is chosen here.
        int ingestPort = config.ingestPort() == 0 ? Ports.free() : config.ingestPort();
        int apiPort = config.apiPort() == 0 ? Ports.free() : config.apiPort();
        int rtmpPort = config.rtmpPort() == 0 ? Ports.free() : config.rtmpPort(); // the API tells creators
        // Every service reads the same variables as when it runs alone, pointed at the embedded servers.
        Map<String, String> embedded = new HashMap<>();
        embedded.put(KafkaSettings.BOOTSTRAP, kafka.bootstrapServers());
        embedded.put(S3Settings.ENDPOINT, s3.settings().endpoint().toString());
        embedded.put(IngestConfig.PORT, Integer.toString(ingestPort));
        embedded.put(IngestConfig.RTMP_PORT, Integer.toString(rtmpPort));
        embedded.put(ReplayApiConfig.PORT, Integer.toString(apiPort));
        embedded.put(JobsConfig.WORK_DIR, config.dataDir().resolve("jobs").toString());
        embedded.put(
                IngestConfig.SPOOL_DIR,
                config.dataDir().resolve("ingest").resolve("spool").toString());
        Env user = config.serviceEnv();
        int sandboxPort = !config.stripeSandbox()
                ? -1
                : config.stripeSandboxPort() == 0 ? Ports.free() : config.stripeSandboxPort();
        if (sandboxPort > 0) {
            requireFree(sandboxPort, "Stripe sandbox", StackConfig.STRIPE_SANDBOX_PORT);
            embedded.put(IngestConfig.STRIPE_API_BASE, "http://127.0.0.1:" + sandboxPort);
        }
        if (user.string(ReplayApiConfig.PUBLIC_URL, null) == null) {
            embedded.put(ReplayApiConfig.PUBLIC_URL, "http://127.0.0.1:" + apiPort);
        }
        if (user.string(ReplayApiConfig.INGEST_PUBLIC_URL, null) == null) {
            embedded.put(ReplayApiConfig.INGEST_PUBLIC_URL, "http://127.0.0.1:" + ingestPort);
        }
        if (user.string(ReplayApiConfig.RTMP_PUBLIC_URL, null) == null) {
            embedded.put(ReplayApiConfig.RTMP_PUBLIC_URL, "rtmp://127.0.0.1:" + rtmpPort + "/live");
        }
        if (user.string(IngestConfig.PLAYER_ORIGINS, null) == null) {
            embedded.put(IngestConfig.PLAYER_ORIGINS, "http://127.0.0.1:" + apiPort + ",http://localhost:" + apiPort);
        }
        embedded.putAll(EmbeddedSecrets.missingFrom(user, config.dataDir()));
        Env env = user.with(embedded);
        this.env = env;

        progress.accept("starting Flink MiniCluster...");
        PipelineConfig pipeline = PipelineConfig.fromEnv(env);
        flink = push(EmbeddedFlink.start(
                config.dataDir().resolve("flink"),
                config.flinkPort(),
                PipelineJobs.all().size() * pipeline.parallelism()));
        for (PipelineJob job : PipelineJobs.all()) {
            StreamGraph graph =
                    PipelineJobs.streamGraph(StreamExecutionEnvironment.getExecutionEnvironment(), job, pipeline);
            progress.accept("submitted pipeline job " + job.name() + " (Flink job "
                    + flink.submitResumable(graph, job.name()) + ")");
        }

        progress.accept("starting services...");
        push(JobsWorker.start(JobsConfig.fromEnv(env)));
        IngestConfig ingestConfig = IngestConfig.fromEnv(env);
        if (sandboxPort > 0) {
            stripe = push(StripeSandbox.start(
                            sandboxPort,
                            "http://127.0.0.1:" + ingestPort + "/v1/stripe/webhook",
                            ingestConfig.stripe().webhookSecret(),
                            env.string(StackConfig.STRIPE_SANDBOX_CURRENCY, "EUR"))
                    .connectWebhooks(
                            java.util.List.of("http://127.0.0.1:" + ingestPort + "/v1/stripe/connect-webhook"),
                            ingestConfig.stripe().connectWebhookSecret()));
        }
        ingest = push(IngestService.start(ingestConfig));
        api = push(ReplayApiService.start(ReplayApiConfig.fromEnv(env)));
    }

    private <T extends AutoCloseable> T push(T resource) {
        return started.add(resource);
    }

    private void lockDataDir() throws IOException {
        Path lockFile = config.dataDir().resolve(".lock");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IllegalStateException("data directory " + config.dataDir()
                    + " is in use by another stagepass process; stop it or choose another --data-dir");
        }
        FileLock held = lock;
        push(() -> {
            held.release();
            channel.close();
        });
    }

    private static void requireFree(int port, String what, String variable) {
        if (port != 0 && Ports.inUse(port)) {
            throw new IllegalStateException("port " + port + " (" + what + ") is already in use on 127.0.0.1; "
                    + "stop what uses it or choose another port with " + variable);
        }
    }

    public StackConfig config() {
        return config;
    }

    public KafkaSettings kafka() {
        return kafka.settings();
    }

    public S3Settings s3() {
        return s3.settings();
    }

    public EmbeddedFlink flink() {
        return flink;
    }

    /** Name to address of everything that listens, in the order a person wants to read them. */
    public Map<String, String> endpoints() {
        Map<String, String> endpoints = new LinkedHashMap<>();
        endpoints.put("replay API", "http://127.0.0.1:" + api.port());
        endpoints.put("ingest", "http://127.0.0.1:" + ingest.port());
        endpoints.put(
                "RTMP ingest", "rtmp://127.0.0.1:" + ingest.rtmpPort() + "/live  (OBS: Custom server, stream key)");
        endpoints.put("Flink web UI", "http://127.0.0.1:" + flink.restPort());
        endpoints.put("Kafka", kafka.bootstrapServers());
        if (stripe != null) {
            endpoints.put(
                    "Stripe sandbox", stripe.apiBase() + "  (STAGEPASS_STRIPE_API_BASE of ingest and the replay API)");
        }
        endpoints.put(
                "S3 (MinIO API)",
                s3.settings().endpoint() + "  (access key " + s3.settings().accessKey() + ")");
        return endpoints;
    }

    /**
     * A secret the services run with: the environment's, or the one made for this data directory (tests and the demo
     * sign tokens with them as the replay API would).
     */
    public String secret(Secret secret) {
        return env.secret(secret);
    }

    /** The environment the services run with (the user's, the embedded servers' addresses, the secrets). */
    public Env serviceEnv() {
        return env;
    }

    /** The Stripe sandbox, when the stack runs one. */
    public Optional<StripeSandbox> stripeSandbox() {
        return Optional.ofNullable(stripe);
    }

    public int apiPort() {
        return api.port();
    }

    public int ingestPort() {
        return ingest.port();
    }

    /** Where encoders stream RTMP: {@code rtmp://127.0.0.1:PORT/live}, with the stream key as the stream name. */
    public int rtmpPort() {
        return ingest.rtmpPort();
    }

    @Override
    public void close() {
        started.close();
    }
}
