package io.stagepass.platform.config;

import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs one service from its {@code main}: configuration errors exit with status 2, Ctrl-C closes it cleanly. */
public final class ServiceRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceRunner.class);

    /** Starts a service from the environment. */
    @FunctionalInterface
    public interface Starter {
        AutoCloseable start(Env env) throws Exception;
    }

    private ServiceRunner() {}

    public static void run(String serviceName, Starter starter) {
        AutoCloseable service;
        try {
            service = starter.start(Env.system());
        } catch (ConfigException e) {
            System.err.println(serviceName + ": configuration error: " + e.getMessage());
            System.exit(2);
            return;
        } catch (Exception e) {
            LOG.error("{} failed to start", serviceName, e);
            System.exit(1);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                service.close();
                            } catch (Exception e) {
                                LOG.warn("{} did not stop cleanly", serviceName, e);
                            }
                            stopped.countDown();
                        },
                        serviceName + "-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
