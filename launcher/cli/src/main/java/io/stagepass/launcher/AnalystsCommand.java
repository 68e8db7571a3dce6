package io.stagepass.launcher;

import java.util.concurrent.Callable;
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
            return CatalogWrites.write(catalog -> catalog.addAnalyst(name), field -> field, access -> {
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
            return CatalogWrites.write(
                    catalog -> catalog.revokeAnalyst(analystId),
                    field -> field,
                    access -> System.out.println(
                            "revoked the key of " + access.analyst().getAnalystId()));
        }
    }
}
