package io.stagepass.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.Ports;
import io.stagepass.launcher.stack.StackConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stagepass up} as a person runs it: the packaged jar in its own JVM, stopped by a signal as Ctrl-C stops
 * it. It must reach ready, print its URLs, stop cleanly and give its ports back.
 */
class UpCommandIT {
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final Path JAR = Path.of("target", "stagepass-launcher.jar");

    @TempDir
    Path dataDir;

    @Test
    void upReachesReadyPrintsItsUrlsAndStopsCleanlyOnSigterm() throws Exception {
        assertThat(JAR)
                .as("the launcher jar is built in the package phase, before integration tests")
                .exists();
        Map<String, Integer> ports = Map.of(
                StackConfig.KAFKA_PORT,
                Ports.free(),
                StackConfig.S3_PORT,
                Ports.free(),
                StackConfig.FLINK_PORT,
                Ports.free(),
                StackConfig.INGEST_PORT,
                Ports.free(),
                StackConfig.API_PORT,
                Ports.free());
        ProcessBuilder builder = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-jar",
                        JAR.toString(),
                        "up",
                        "--data-dir",
                        dataDir.resolve("data").toString())
                // A file, not a pipe: the JDK closes a child's pipe when it exits, losing the last lines.
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("console.txt").toFile());
        ports.forEach((name, port) -> builder.environment().put(name, port.toString()));
        Process process = builder.start();
        try {
            long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
            List<String> output = console();
            while (output.stream().noneMatch(line -> line.contains("Press Ctrl-C to stop."))) {
                assertThat(process.isAlive()).as("up exited early: %s", output).isTrue();
                assertThat(System.nanoTime())
                        .as("not ready within %s: %s", READY_TIMEOUT, output)
                        .isLessThan(deadline);
                Thread.sleep(100);
                output = console();
            }
            assertThat(output).anyMatch(line -> line.startsWith("Stagepass is up in"));
            assertThat(output)
                    .anyMatch(line ->
                            line.contains("replay API") && line.contains(":" + ports.get(StackConfig.API_PORT)));
            assertThat(output)
                    .anyMatch(line -> line.contains("Kafka") && line.contains(":" + ports.get(StackConfig.KAFKA_PORT)));
            for (int port : ports.values()) {
                assertThat(Ports.inUse(port)).as("port %d while up", port).isTrue();
            }
        } finally {
            process.destroy(); // SIGTERM, as Ctrl-C: the shutdown hook stops the stack
            assertThat(process.waitFor(60, TimeUnit.SECONDS))
                    .as("stopped within 60 s: %s", console())
                    .isTrue();
        }
        assertThat(console()).contains("stopping...", "stopped.");
        for (int port : ports.values()) {
            assertThat(Ports.inUse(port)).as("port %d after stop", port).isFalse();
        }
        assertThat(Files.readString(dataDir.resolve("data").resolve("logs").resolve("stagepass.log")))
                .contains("Kafka broker ready")
                .contains("Kafka broker on port " + ports.get(StackConfig.KAFKA_PORT) + " stopped");
    }

    private List<String> console() throws IOException {
        return Files.readAllLines(dataDir.resolve("console.txt"), StandardCharsets.UTF_8);
    }
}
