package io.stagepass.pipeline.testing;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.flink.api.common.functions.MapFunction;

/**
 * A pass-through step that throws once in a job's life, so the job restarts from its last checkpoint mid-stream:
 * the failure every exactly-once IT injects. Whether it happened is kept per name in this JVM (Flink copies the
 * function, so it cannot be a field), and a test asserts {@link #happened} so that it cannot pass vacuously.
 */
public final class FailOnce<T> implements MapFunction<T, T> {
    /** A record test that Flink can ship with the function. */
    @FunctionalInterface
    public interface Poison<T> extends Predicate<T>, Serializable {}

    private static final Map<String, AtomicBoolean> FAILED = new ConcurrentHashMap<>();

    private final String name;
    private final long afterRecords;
    private final Poison<T> when;
    private long seen;

    private FailOnce(String name, long afterRecords, Poison<T> when) {
        this.name = name;
        this.afterRecords = afterRecords;
        this.when = when;
        FAILED.put(name, new AtomicBoolean());
    }

    /** Throws when a subtask has passed {@code records} records on. */
    public static <T> FailOnce<T> afterRecords(String name, long records) {
        return new FailOnce<>(name, records, null);
    }

    /** Throws the first time a record matches {@code poison}. */
    public static <T> FailOnce<T> on(String name, Poison<T> poison) {
        return new FailOnce<>(name, 0, poison);
    }

    /** Whether the failure named {@code name} was thrown. */
    public static boolean happened(String name) {
        AtomicBoolean failed = FAILED.get(name);
        return failed != null && failed.get();
    }

    @Override
    public T map(T record) {
        boolean now = when == null ? ++seen == afterRecords : when.test(record);
        if (now && FAILED.get(name).compareAndSet(false, true)) {
            throw new IllegalStateException("injected failure (" + name + ")");
        }
        return record;
    }
}
