package io.stagepass.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.ConfigException;
import io.stagepass.platform.config.Env;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class StagepassCliTest {

    @Test
    void helpListsTheCommands() {
        StringWriter out = new StringWriter();
        CommandLine cli = StagepassCli.commandLine();
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("--help")).isZero();
        assertThat(out.toString()).contains("up ").contains("demo ").contains("topics ");
    }

    @Test
    void upHelpDocumentsEveryOptionWithItsVariable() {
        StringWriter out = new StringWriter();
        CommandLine cli = StagepassCli.commandLine();
        cli.setOut(new PrintWriter(out));

        assertThat(cli.execute("up", "--help")).isZero();
        assertThat(out.toString())
                .contains("--data-dir=DIR")
                .contains("STAGEPASS_DATA_DIR")
                .contains("--kafka-port=PORT")
                .contains("STAGEPASS_KAFKA_PORT")
                .contains("9092");
    }

    @Test
    void aMalformedOptionIsAUsageErrorNotAStackTrace() {
        StringWriter err = new StringWriter();
        CommandLine cli = StagepassCli.commandLine();
        cli.setErr(new PrintWriter(err));

        assertThat(cli.execute("up", "--kafka-port", "ninety")).isEqualTo(2);
        assertThat(err.toString()).contains("--kafka-port").contains("ninety");
    }

    @Test
    void aDemoAgainstADeploymentNeedsEveryAddress() {
        StringWriter err = new StringWriter();
        CommandLine cli = StagepassCli.commandLine();
        cli.setErr(new PrintWriter(err));

        // No stack is started: the usage error comes first, naming what is missing.
        assertThat(cli.execute("demo", "--api-url", "http://127.0.0.1:1")).isEqualTo(2);
        assertThat(err.toString())
                .contains("give all of --ingest-url, --api-url and --stripe-api-base")
                .contains("missing: --ingest-url --stripe-api-base");
    }

    @Test
    void theLoadChecksItsShapeBeforeSendingAnything() {
        StringWriter err = new StringWriter();
        CommandLine cli = StagepassCli.commandLine();
        cli.setErr(new PrintWriter(err));
        String[] deployment = {
            "load",
            "--ingest-url",
            "http://127.0.0.1:1,http://127.0.0.1:2",
            "--api-url",
            "http://127.0.0.1:3",
            "--stripe-api-base",
            "http://127.0.0.1:4"
        };

        assertThat(cli.execute("load")).isEqualTo(2);
        assertThat(cli.execute(concat(deployment, "--seconds", "5"))).isEqualTo(2);
        assertThat(cli.execute(concat(deployment, "--beacons-per-request", "26")))
                .isEqualTo(2);
        assertThat(cli.execute(concat(deployment, "--tickets-per-second", "0"))).isEqualTo(2);
        assertThat(err.toString())
                .contains("missing: --ingest-url --api-url --stripe-api-base")
                .contains("--seconds must be 10 to 3600, got 5")
                .contains("--beacons-per-request 1 to 25")
                .contains("--tickets-per-second must be above 0");
    }

    @Test
    void durationOptionsAreWrittenAsTheVariablesAre() {
        DurationConverter durations = new DurationConverter();

        assertThat(durations.convert("90s")).hasSeconds(90);
        assertThat(durations.convert("PT6M")).hasMinutes(6);
        assertThatThrownBy(() -> durations.convert("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("'soon' is not a duration");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @Test
    void aMalformedVariableNamesItself() {
        assertThatThrownBy(() -> StackConfig.fromEnv(Env.of(Map.of(StackConfig.S3_PORT, "nine thousand"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("STAGEPASS_S3_PORT");
        assertThatThrownBy(() -> StackConfig.fromEnv(Env.of(Map.of(StackConfig.S3_PORT, "9092"))))
                .hasMessageContaining("STAGEPASS_S3_PORT")
                .hasMessageContaining("STAGEPASS_KAFKA_PORT")
                .hasMessageContaining("own port");
    }

    @Test
    void defaultsAreTheDocumentedOnes() {
        StackConfig config = StackConfig.fromEnv(Env.of(Map.of()));

        assertThat(config.dataDir()).isEqualTo(Path.of("data").toAbsolutePath());
        assertThat(new int[] {
                    config.kafkaPort(), config.s3Port(), config.apiPort(), config.flinkPort(), config.ingestPort()
                })
                .containsExactly(9092, 9000, 8080, 8081, 8090);
    }

    @Test
    void theLogFileFollowsTheDataDirectoryOption() {
        // Read before picocli runs, because logging starts first; UpCommandIT reads the file a real run writes there.
        assertThat(StagepassCli.logFile(new String[] {"up", "--data-dir", "/tmp/x"}))
                .isEqualTo(Path.of("/tmp/x/logs/stagepass.log"));
        assertThat(StagepassCli.logFile(new String[] {"demo", "--data-dir=/tmp/y"}))
                .isEqualTo(Path.of("/tmp/y/logs/stagepass.log"));
        assertThat(StagepassCli.logFile(new String[] {"up"}))
                .isEqualTo(Path.of(System.getenv().getOrDefault(StackConfig.DATA_DIR, "data"), "logs", "stagepass.log")
                        .toAbsolutePath()
                        .normalize());
    }
}
