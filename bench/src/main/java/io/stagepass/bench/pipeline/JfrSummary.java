package io.stagepass.bench.pipeline;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the CPU went during phase (b): jdk.ExecutionSample events of the recording (what {@code jfr print
 * --events jdk.ExecutionSample} shows), by thread, by top frame, and by component anywhere on the stack.
 */
final class JfrSummary {
    /** One execution sample: the name of the thread on CPU, and its stack from the top frame down. */
    record Sample(String thread, List<Frame> frames) {}

    /** A frame of a stack: the class name and the method name. */
    record Frame(String type, String method) {}

    /** Components by the class name prefixes of their frames, in the order they are listed. */
    private static final Map<String, List<String>> COMPONENTS = components();

    private final Map<String, Long> threads = new HashMap<>();
    private final Map<String, Long> methods = new HashMap<>();
    private final Map<String, Long> components = new LinkedHashMap<>();
    private long samples;

    JfrSummary() {
        COMPONENTS.keySet().forEach(k -> components.put(k, 0L));
    }

    static void summarize(Path file) throws IOException {
        JfrSummary summary = new JfrSummary();
        summary.read(file);
        summary.print(file, System.out);
    }

    private void read(Path file) throws IOException {
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    count(sample(event));
                }
            }
        }
    }

    private static Sample sample(RecordedEvent event) {
        RecordedThread thread = event.getThread("sampledThread");
        RecordedStackTrace stack = event.getStackTrace();
        List<Frame> frames = stack == null
                ? List.of()
                : stack.getFrames().stream()
                        .map(RecordedFrame::getMethod)
                        .map(method -> new Frame(method.getType().getName(), method.getName()))
                        .toList();
        return new Sample(thread == null ? "?" : thread.getJavaName(), frames);
    }

    /** Counts a sample for its thread group, its top frame and each component anywhere on its stack, once. */
    void count(Sample sample) {
        samples++;
        threads.merge(threadGroup(sample.thread()), 1L, Long::sum);
        if (sample.frames().isEmpty()) {
            return;
        }
        Frame top = sample.frames().get(0);
        methods.merge(top.type() + "." + top.method(), 1L, Long::sum);
        Set<String> hit = new HashSet<>();
        for (Frame frame : sample.frames()) {
            String type = frame.type();
            COMPONENTS.forEach((component, prefixes) -> {
                if (prefixes.stream().anyMatch(type::startsWith)) {
                    hit.add(component);
                }
            });
        }
        hit.forEach(component -> components.merge(component, 1L, Long::sum));
    }

    void print(Path file, PrintStream out) {
        out.printf("  %,d execution samples (Java threads on CPU, every 10-20 ms)%n", samples);
        out.println("  by thread (normalized name):");
        top(threads, 12).forEach(count -> printShare(count, out));
        out.println("  by top frame (self time):");
        top(methods, 20).forEach(count -> printShare(count, out));
        out.println("  by component anywhere on the stack (inclusive; overlaps):");
        components.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(count -> printShare(count, out));
        out.printf("  (more: jfr print --events jdk.ExecutionSample %s)%n", file);
    }

    private void printShare(Map.Entry<String, Long> count, PrintStream out) {
        out.printf("    %5.1f%%  %s%n", 100.0 * count.getValue() / samples, count.getKey());
    }

    /** Thread names without their numbers: the subtasks of an operator, the threads of a pool, count as one. */
    static String threadGroup(String name) {
        // The UUID first: the rules for trailing numbers would eat the digits it ends with.
        return name.replaceAll("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "-<uuid>")
                .replaceAll(" \\(\\d+/\\d+\\)(#\\d+)?", " (n/N)")
                .replaceAll("-\\d+$", "-N")
                .replaceAll("\\d+$", "N")
                .replaceAll("producer-\\d+", "producer-N");
    }

    private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(n)
                .toList();
    }

    private static Map<String, List<String>> components() {
        Map<String, List<String>> components = new LinkedHashMap<>();
        components.put("Avro decode/encode (org.apache.avro)", List.of("org.apache.avro."));
        components.put("Kryo (generic type serialization)", List.of("com.esotericsoftware.kryo."));
        components.put(
                "Flink type serializers (typeutils)",
                List.of(
                        "org.apache.flink.api.common.typeutils.",
                        "org.apache.flink.api.java.typeutils.",
                        "org.apache.flink.formats.avro."));
        components.put(
                "Flink keyed state (heap backend, TTL)",
                List.of(
                        "org.apache.flink.runtime.state.",
                        "org.apache.flink.runtime.state.heap.",
                        "org.apache.flink.runtime.state.ttl."));
        components.put(
                "Flink timers",
                List.of(
                        "org.apache.flink.streaming.api.operators.InternalTimerServiceImpl",
                        "org.apache.flink.streaming.api.operators.HeapInternalTimerService"));
        components.put(
                "Flink network (record serialization, buffers)",
                List.of(
                        "org.apache.flink.runtime.io.network.",
                        "org.apache.flink.streaming.runtime.io.RecordWriterOutput",
                        "org.apache.flink.streaming.runtime.streamrecord.StreamElementSerializer"));
        components.put("Flink Kafka connector", List.of("org.apache.flink.connector.kafka."));
        components.put("Kafka client (consumer fetch, producer)", List.of("org.apache.kafka.clients."));
        components.put(
                "Kafka broker (request handling, log)",
                List.of(
                        "kafka.server.",
                        "kafka.network.",
                        "org.apache.kafka.storage.",
                        "kafka.log.",
                        "org.apache.kafka.server.",
                        "org.apache.kafka.network."));
        components.put(
                "compression (lz4/zstd/checksums)",
                List.of(
                        "net.jpountz.",
                        "com.github.luben.",
                        "org.apache.kafka.common.compress.",
                        "java.util.zip.",
                        "org.apache.kafka.common.utils.Crc32C"));
        components.put("audience job code", List.of("io.stagepass.pipeline.audience."));
        components.put("revenue job code", List.of("io.stagepass.pipeline.revenue."));
        components.put(
                "stagepass decode/dead-letter path",
                List.of("io.stagepass.pipeline.kafka.", "io.stagepass.events.EventCodec"));
        components.put(
                "checkpointing / snapshots",
                List.of(
                        "org.apache.flink.runtime.checkpoint.",
                        "org.apache.flink.runtime.state.SnapshotStrategyRunner",
                        "org.apache.flink.runtime.state.heap.HeapSnapshotStrategy"));
        components.put("logging", List.of("org.apache.logging.", "org.slf4j."));
        return components;
    }
}
