package io.stagepass.launcher;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.NotDurableException;
import io.stagepass.replay.creators.Catalog;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code stagepass analysts add|revoke}: keys to the exports API ({@code GET /v1/exports}). */
@Command(
        name = "analysts",
        mixinStandardHelpOptions = true,
        description = "Analysts' keys to the exports API (GET /v1/exports: the lake's Parquet files, presigned).",
        subcommands = {AnalystsCommand.Add.class, AnalystsCommand.Revoke.class})
final class AnalystsCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Give an analyst a key: write it to the catalog (Kafka at STAGEPASS_KAFKA_BOOTSTRAP) and print it, "
                        + "shown once (only its SHA-256 is stored). It authorizes GET /v1/exports "
                        + "(Authorization: Bearer KEY)."
            })
    static final class Add implements Callable<Integer> {
        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "Who or what the key is for, e.g. \"Grace (finance)\" or \"nightly Spark job\".")
        String name;

        @Option(
                names = "--api-url",
                paramLabel = "URL",
                defaultValue = "http://127.0.0.1:8080",
                description = "Where the analyst reaches the replay API (default: ${DEFAULT-VALUE}).")
        String apiUrl;

        @Override
        public Integer call() {
            return write(catalog -> catalog.addAnalyst(name), access -> {
                String api = apiUrl.replaceAll("/+$", "");
                System.out.println("analyst:  " + access.analyst().getAnalystId() + " ("
                        + access.analyst().getName() + ")");
                System.out.println("key:      " + access.apiKey() + "   (shown once; only its SHA-256 is stored)");
                System.out.println();
                System.out.println("List the payments files of the last 24 hours, with presigned URLs:");
                System.out.println("  curl -H 'Authorization: Bearer " + access.apiKey() + "' '" + api
                        + "/v1/exports?table=payments'");
                System.out.println("Revoke it:  stagepass analysts revoke "
                        + access.analyst().getAnalystId());
            });
        }
    }

    @Command(
            name = "revoke",
            mixinStandardHelpOptions = true,
            description = "Revoke an analyst's key: the exports API refuses it within a second.")
    static final class Revoke implements Callable<Integer> {
        @Parameters(paramLabel = "ANALYST_ID", description = "The id `stagepass analysts add` printed (analyst_...).")
        String analystId;

        @Override
        public Integer call() {
            return write(
                    catalog -> catalog.revokeAnalyst(analystId),
                    access -> System.out.println(
                            "revoked the key of " + access.analyst().getAnalystId()));
        }
    }

    private static int write(Function<Catalog, Catalog.AnalystAccess> change, Consumer<Catalog.AnalystAccess> show) {
        KafkaSettings kafka = KafkaSettings.fromEnv(Env.system());
        Catalog.AnalystAccess access;
        try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-cli")) {
            access = change.apply(new Catalog(publisher, Clock.systemUTC()));
        } catch (InvalidFieldsException e) {
            e.fields().forEach((field, problem) -> System.err.println("stagepass: " + field + ": " + problem));
            return 2;
        } catch (NotDurableException e) {
            System.err.println("stagepass: cannot write to Kafka at " + kafka.bootstrapServers() + " ("
                    + KafkaSettings.BOOTSTRAP + "); is `stagepass up` running?");
            return 1;
        }
        show.accept(access);
        return 0;
    }
}
