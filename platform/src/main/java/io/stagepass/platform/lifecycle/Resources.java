package io.stagepass.platform.lifecycle;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a service or the stack started, closed in reverse order. A close that fails is logged and the others
 * are still closed, so one stuck client cannot keep a port or a thread alive.
 */
public final class Resources implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Resources.class);

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** How a service brings itself up: the steps that start what it holds. */
    @FunctionalInterface
    public interface Startup<T> {
        void run(T service) throws Exception;
    }

    /**
     * Runs {@code startup} on {@code service} and returns it; if a step fails, what the earlier steps started is
     * stopped (the service is closed) and the failure passes on.
     */
    public static <T extends AutoCloseable> T startOrClose(T service, Startup<T> startup) throws Exception {
        try {
            startup.run(service);
            return service;
        } catch (Exception | Error e) {
            try {
                service.close();
            } catch (Exception closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
    }

    /** Remembers a started resource and returns it. */
    public synchronized <T extends AutoCloseable> T add(T resource) {
        started.push(resource);
        return resource;
    }

    @Override
    public synchronized void close() {
        while (!started.isEmpty()) {
            AutoCloseable resource = started.pop();
            try {
                resource.close();
            } catch (Exception e) {
                LOG.warn("could not close {} cleanly", resource, e);
            }
        }
    }
}
