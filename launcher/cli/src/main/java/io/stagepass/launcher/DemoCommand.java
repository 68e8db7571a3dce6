package io.stagepass.launcher;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.launcher.demo.DemoScenario;
import io.stagepass.launcher.demo.DemoTarget;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lifecycle.Directories;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code stagepass demo}: the stack plus a scripted ticketed live, then a check that everything arrived. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start the embedded stack (as 'up' does), run a scripted live: a creator, a live, segments in the "
                    + "object store, viewer beacons, ticket payments and a refund; then read every topic back and wait for "
                    + "the pipeline to count the events. Exits 0 when everything arrived, 1 otherwise.",
            "",
            "With --ingest-url and --api-url, run the same scenario against an existing deployment instead of "
                    + "starting one: its Kafka and S3 come from --kafka and --s3-endpoint (or STAGEPASS_KAFKA_BOOTSTRAP, "
                    + "STAGEPASS_S3_ENDPOINT, STAGEPASS_S3_ACCESS_KEY, STAGEPASS_S3_SECRET_KEY), playback tokens are signed "
                    + "with STAGEPASS_PLAYBACK_TOKEN_SECRET, and the deployment's ingest and replay API must use the Stripe "
                    + "sandbox given by --stripe-api-base (stagepass stripe-sandbox)."
        })
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    StackOptions options;

    @Option(names = "--keep-running", description = "Leave the stack up after the scenario, until Ctrl-C.")
    boolean keepRunning;

    @Option(
            names = "--ingest-url",
            paramLabel = "URL",
            description = "Ingest of an existing deployment (HLS pushes, beacons, Stripe webhooks), e.g. "
                    + "http://127.0.0.1:19090. No stack is started.")
    URI ingestUrl;

    @Option(
            names = "--api-url",
            paramLabel = "URL",
            description = "The replay API of an existing deployment, e.g. http://127.0.0.1:19080.")
    URI apiUrl;

    @Option(
            names = "--stripe-api-base",
            paramLabel = "URL",
            description = "The Stripe sandbox the deployment's ingest and replay API talk to "
                    + "(their STAGEPASS_STRIPE_API_BASE), e.g. http://127.0.0.1:19070.")
    URI stripeApiBase;

    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT,...",
            description = "The deployment's Kafka brokers (default: env STAGEPASS_KAFKA_BOOTSTRAP).")
    String kafka;

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "The deployment's S3 endpoint (default: env STAGEPASS_S3_ENDPOINT; keys from "
                    + "STAGEPASS_S3_ACCESS_KEY and STAGEPASS_S3_SECRET_KEY).")
    URI s3Endpoint;

    @Option(
            names = "--lake-wait",
            paramLabel = "DURATION",
            description = "Against a deployment: how long to wait for the lake, which publishes a busy hour every "
                    + "STAGEPASS_LAKE_PUBLISH_EVERY (default ${DEFAULT-VALUE}, ISO-8601 or e.g. 6m).",
            defaultValue = "6m")
    String lakeWait;

    @Override
    public Integer call() throws Exception {
        if (ingestUrl != null || apiUrl != null) {
            return againstDeployment();
        }
        if (stripeApiBase != null || kafka != null || s3Endpoint != null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--stripe-api-base, --kafka and --s3-endpoint describe an existing deployment: give --ingest-url "
                            + "and --api-url too");
        }
        Env env = Env.of(DemoScenario.STACK_DEFAULTS).with(System.getenv()); // the environment still decides
        StackConfig config = options.toConfig(env);
        long start = System.nanoTime();
        try (Stack stack = Stack.start(config, line -> System.out.println("  " + line))) {
            UpCommand.printReady(stack, Duration.ofNanos(System.nanoTime() - start));
            boolean ok = new DemoScenario(DemoScenario.target(stack), System.out).run();
            System.out.println(
                    ok
                            ? "Demo complete: every event arrived and the pipeline counted it."
                            : "Demo FAILED: see the lines above.");
            if (keepRunning) {
                System.out.println("Stack still running (--keep-running). Press Ctrl-C to stop.");
                CountDownLatch forever = new CountDownLatch(1);
                Runtime.getRuntime().addShutdownHook(new Thread(stack::close));
                forever.await();
            }
            System.out.println("stopping...");
            return ok ? 0 : 1;
        }
    }

    private int againstDeployment() throws Exception {
        if (ingestUrl == null || apiUrl == null || stripeApiBase == null) {
            throw new ParameterException(
                    spec.commandLine(),
                    "against an existing deployment, give all of --ingest-url, --api-url and --stripe-api-base"
                            + " (missing: " + (ingestUrl == null ? "--ingest-url " : "")
                            + (apiUrl == null ? "--api-url " : "") + (stripeApiBase == null ? "--stripe-api-base" : "")
                            + ")");
        }
        if (keepRunning) {
            throw new ParameterException(
                    spec.commandLine(), "--keep-running keeps the embedded stack up; a deployment stays up anyway");
        }
        Map<String, String> overrides = new HashMap<>();
        if (kafka != null) {
            overrides.put(KafkaSettings.BOOTSTRAP, kafka);
        }
        if (s3Endpoint != null) {
            overrides.put(S3Settings.ENDPOINT, s3Endpoint.toString());
        }
        Env env = Env.system().with(overrides);
        Duration lakeTimeout = Env.of(Map.of("--lake-wait", lakeWait)).duration("--lake-wait", Duration.ofMinutes(6));
        Path lakeCopy = Files.createTempDirectory("stagepass-demo-lake");
        try {
            DemoTarget target = new DemoTarget(
                    KafkaSettings.fromEnv(env),
                    S3Settings.fromEnv(env),
                    trimmed(ingestUrl),
                    trimmed(apiUrl),
                    trimmed(stripeApiBase),
                    new PlaybackTokens(env.string(PlaybackTokens.SECRET_VARIABLE, PlaybackTokens.EMBEDDED_SECRET)),
                    lakeCopy,
                    lakeTimeout);
            System.out.println("Demo against the deployment at ingest " + target.ingestUrl() + ", API "
                    + target.apiUrl() + ", Kafka " + target.kafka().bootstrapServers() + ", S3 "
                    + target.s3().endpoint() + ", Stripe sandbox " + target.stripeApiBase());
            boolean ok = new DemoScenario(target, System.out).run();
            System.out.println(
                    ok
                            ? "Demo complete: every event arrived and the deployment counted it."
                            : "Demo FAILED: see the lines above.");
            return ok ? 0 : 1;
        } finally {
            Directories.deleteRecursively(lakeCopy);
        }
    }

    private static String trimmed(URI url) {
        String s = url.toString();
        return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    }
}
