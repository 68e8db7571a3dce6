package io.stagepass.launcher;

import io.stagepass.launcher.demo.DemoScenario;
import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code stagepass demo}: the stack plus a scripted ticketed live, then a check that everything arrived. */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Start the embedded stack (as 'up' does), run a scripted live: a creator, a live, segments in the "
                    + "object store, viewer beacons, ticket payments and a refund; then read every topic back and wait for "
                    + "the pipeline to count the events. Exits 0 when everything arrived, 1 otherwise."
        })
final class DemoCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Option(names = "--keep-running", description = "Leave the stack up after the scenario, until Ctrl-C.")
    boolean keepRunning;

    @Override
    public Integer call() throws Exception {
        Env env = Env.of(DemoScenario.STACK_DEFAULTS).with(System.getenv()); // the environment still decides
        StackConfig config = options.toConfig(env);
        long start = System.nanoTime();
        try (Stack stack = Stack.start(config, line -> System.out.println("  " + line))) {
            UpCommand.printReady(stack, Duration.ofNanos(System.nanoTime() - start));
            boolean ok = new DemoScenario(stack, System.out).run();
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
}
