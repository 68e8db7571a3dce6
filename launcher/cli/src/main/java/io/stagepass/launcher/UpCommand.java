package io.stagepass.launcher;

import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.Env;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code stagepass up}: the whole stack, embedded, until Ctrl-C. */
@Command(
        name = "up",
        mixinStandardHelpOptions = true,
        description = {
            "Start everything on this machine: a Kafka broker (KRaft), an S3 server, Flink's MiniCluster with "
                    + "every pipeline job, and the ingest, replay-api and jobs services. Data lives under --data-dir and "
                    + "survives a restart. Ctrl-C stops everything cleanly."
        })
final class UpCommand implements Callable<Integer> {
    @Mixin
    StackOptions options;

    @Override
    public Integer call() throws Exception {
        StackConfig config = options.toConfig(Env.system());
        long start = System.nanoTime();
        Stack stack = Stack.start(config, line -> System.out.println("  " + line));
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            System.out.println("stopping...");
                            stack.close();
                            System.out.println("stopped.");
                            stopped.countDown();
                        },
                        "stagepass-shutdown"));
        printReady(stack, Duration.ofNanos(System.nanoTime() - start));
        System.out.println("Press Ctrl-C to stop.");
        stopped.await();
        return 0;
    }

    static void printReady(Stack stack, Duration startup) {
        System.out.printf(
                "Stagepass is up in %.1f s. Data: %s%n",
                startup.toMillis() / 1000.0, stack.config().dataDir());
        stack.endpoints().forEach((name, address) -> System.out.printf("  %-16s %s%n", name, address));
    }
}
