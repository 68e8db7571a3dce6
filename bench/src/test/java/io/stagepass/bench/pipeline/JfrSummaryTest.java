package io.stagepass.bench.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.bench.pipeline.JfrSummary.Frame;
import io.stagepass.bench.pipeline.JfrSummary.Sample;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JfrSummaryTest {
    private static final Path RECORDING = Path.of("bench.jfr");

    @ParameterizedTest
    @CsvSource(
            delimiter = '=',
            value = {
                "Source: stagepass.payments -> decode (1/2)#0 = Source: stagepass.payments -> decode (n/N)",
                "Window(TumblingEventTimeWindows) (2/2)#12    = Window(TumblingEventTimeWindows) (n/N)",
                "Sink: revenue metrics (1/2)                  = Sink: revenue metrics (n/N)",
                "pool-3-thread-7                              = pool-3-thread-N",
                "Flink Netty Server (0) Thread 0              = Flink Netty Server (0) Thread N",
                "data-plane-kafka-request-handler-5           = data-plane-kafka-request-handler-N",
                "kafka-producer-network-thread | producer-12  = kafka-producer-network-thread | producer-N",
                "mini-cluster-io-thread-9f4c1d2e-8b3a-4c5d-9e6f-0a1b2c3d4e5f = mini-cluster-io-thread-<uuid>",
                "mini-cluster-io-thread-9f4c1d2e-8b3a-4c5d-9e6f-0a1b2c3d4e51 = mini-cluster-io-thread-<uuid>",
                "mini-cluster-io-thread-9f4c1d2e-8b3a-4c5d-9e6f-012345678901 = mini-cluster-io-thread-<uuid>",
                "main                                         = main"
            })
    void threadNamesLoseTheirNumbers(String name, String group) {
        assertThat(JfrSummary.threadGroup(name)).isEqualTo(group);
    }

    @Test
    void sharesOfEverySampleByThreadTopFrameAndComponent() {
        JfrSummary summary = new JfrSummary();
        summary.count(sample(
                "Source: stagepass.payments -> decode (1/2)#0",
                "org.apache.avro.io.BinaryDecoder.readLong",
                "org.apache.avro.specific.SpecificDatumReader.read",
                "io.stagepass.pipeline.kafka.DecodingDeserializer.deserialize",
                "org.apache.flink.connector.kafka.source.reader.KafkaRecordEmitter.emitRecord"));
        summary.count(sample(
                "Source: stagepass.payments -> decode (2/2)#3",
                "org.apache.avro.io.BinaryDecoder.readLong",
                "org.apache.kafka.clients.consumer.internals.FetchCollector.collectFetch"));
        summary.count(sample(
                "kafka-producer-network-thread | bench-producer-12",
                "net.jpountz.lz4.LZ4JNICompressor.compress",
                "org.apache.kafka.clients.producer.internals.Sender.run"));
        summary.count(new Sample("Flink Netty Server (0) Thread 0", List.of()));

        List<String> lines = print(summary);

        assertThat(lines.get(0)).isEqualTo("  4 execution samples (Java threads on CPU, every 10-20 ms)");
        assertThat(section(lines, "  by thread (normalized name):", "  by top frame (self time):"))
                .startsWith("     50.0%  Source: stagepass.payments -> decode (n/N)")
                .containsExactlyInAnyOrder(
                        "     50.0%  Source: stagepass.payments -> decode (n/N)",
                        "     25.0%  kafka-producer-network-thread | bench-producer-N",
                        "     25.0%  Flink Netty Server (0) Thread N");
        assertThat(section(lines, "  by top frame (self time):", "  by component anywhere on the stack"))
                .containsExactly(
                        "     50.0%  org.apache.avro.io.BinaryDecoder.readLong",
                        "     25.0%  net.jpountz.lz4.LZ4JNICompressor.compress");
        assertThat(section(lines, "  by component anywhere on the stack", "  (more:"))
                .startsWith(
                        "     50.0%  Avro decode/encode (org.apache.avro)",
                        "     50.0%  Kafka client (consumer fetch, producer)",
                        "     25.0%  Flink Kafka connector",
                        "     25.0%  compression (lz4/zstd/checksums)",
                        "     25.0%  stagepass decode/dead-letter path")
                .contains("      0.0%  revenue job code", "      0.0%  logging")
                .hasSize(15);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("  (more: jfr print --events jdk.ExecutionSample bench.jfr)");
    }

    @Test
    void onlyTheTwentyBusiestTopFramesAreListed() {
        JfrSummary summary = new JfrSummary();
        for (int method = 0; method < 25; method++) {
            for (int times = 0; times <= method; times++) {
                summary.count(sample("main", "io.stagepass.Busy.method" + method));
            }
        }

        List<String> frames = section(print(summary), "  by top frame (self time):", "  by component anywhere");

        assertThat(frames).hasSize(20);
        assertThat(frames.get(0)).endsWith("io.stagepass.Busy.method24");
        assertThat(frames.get(19)).endsWith("io.stagepass.Busy.method5");
    }

    /** A sample of this thread whose stack holds these "type.method" frames, the top one first. */
    private static Sample sample(String thread, String... frames) {
        return new Sample(
                thread,
                Arrays.stream(frames)
                        .map(frame -> new Frame(
                                frame.substring(0, frame.lastIndexOf('.')),
                                frame.substring(frame.lastIndexOf('.') + 1)))
                        .toList());
    }

    private static List<String> print(JfrSummary summary) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        summary.print(RECORDING, new PrintStream(out, true, StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    /** The lines after the one that starts with {@code heading}, up to the one that starts with {@code next}. */
    private static List<String> section(List<String> lines, String heading, String next) {
        int from = indexOf(lines, heading) + 1;
        return lines.subList(from, indexOf(lines, next));
    }

    private static int indexOf(List<String> lines, String start) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(start)) {
                return i;
            }
        }
        throw new AssertionError("no line starts with '" + start + "' in " + lines);
    }
}
