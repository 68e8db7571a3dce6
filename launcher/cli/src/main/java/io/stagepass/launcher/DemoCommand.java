package io.stagepass.launcher;

import io.stagepass.acceptance.DeploymentOptions;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.demo.DemoScenario;
import io.stagepass.acceptance.demo.DemoTarget;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.lifecycle.Directories;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    @Mixin
    DeploymentOptions deployment;

    @Option(
            converter = DurationConverter.class,
            names = "--lake-wait",
            paramLabel = "DURATION",
            description = "Against a deployment: how long to wait for the lake, which publishes a busy hour every "
                    + "STAGEPASS_LAKE_PUBLISH_EVERY (default ${DEFAULT-VALUE}, ISO-8601 or e.g. 6m).",
            defaultValue = "6m")
    Duration lakeWait;

    @Override
    public Integer call() throws Exception {
        if (deployment.any()) {
            return againstDeployment();
        }
        Env env = Env.of(DemoScenario.STACK_DEFAULTS).with(System.getenv()); // the environment still decides
        StackConfig config = options.toConfig(env);
        long start = System.nanoTime();
        try (Stack stack = Stack.start(config, line -> System.out.println("  " + line))) {
            UpCommand.printReady(stack, Duration.ofNanos(System.nanoTime() - start));
            boolean ok = CheckResult.allHeld(new DemoScenario(DemoScenario.target(stack), System.out).run());
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
        deployment.requireComplete(spec.commandLine());
        if (keepRunning) {
            throw new ParameterException(
                    spec.commandLine(), "--keep-running keeps the embedded stack up; a deployment stays up anyway");
        }
        Path lakeCopy = Files.createTempDirectory("stagepass-demo-lake");
        try {
            DemoTarget target = new DemoTarget(
                    deployment.kafkaSettings(),
                    deployment.s3Settings(),
                    deployment.ingest().get(0),
                    deployment.api(),
                    deployment.stripe(),
                    deployment.tokens(),
                    deployment.beaconTokens(),
                    lakeCopy,
                    lakeWait);
            System.out.println("Demo against the deployment at ingest " + target.ingestUrl() + ", API "
                    + target.apiUrl() + ", Kafka " + target.kafka().bootstrapServers() + ", S3 "
                    + target.s3().endpoint() + ", Stripe sandbox " + target.stripeApiBase());
            boolean ok = CheckResult.allHeld(new DemoScenario(target, System.out).run());
            System.out.println(
                    ok
                            ? "Demo complete: every event arrived and the deployment counted it."
                            : "Demo FAILED: see the lines above.");
            return ok ? 0 : 1;
        } finally {
            Directories.deleteRecursively(lakeCopy);
        }
    }
}
