package io.stagepass.launcher;

import io.stagepass.replay.creators.Catalog;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagepass creators add}: registers a creator account and prints its API key, once. */
@Command(
        name = "creators",
        mixinStandardHelpOptions = true,
        description = "Creator accounts.",
        subcommands = {CreatorsCommand.Add.class})
final class CreatorsCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(
            name = "add",
            mixinStandardHelpOptions = true,
            description = {
                "Register a creator: write the account to the catalog (Kafka at STAGEPASS_KAFKA_BOOTSTRAP) and print its "
                        + "API key, shown once (only its SHA-256 is stored). The key signs in to the dashboard and "
                        + "authorizes the creators' API (Authorization: Bearer KEY)."
            })
    static final class Add implements Callable<Integer> {
        @Option(
                names = "--name",
                required = true,
                paramLabel = "NAME",
                description = "Display name, e.g. \"Ada's Yoga\".")
        String name;

        @Option(names = "--email", paramLabel = "EMAIL", description = "Contact e-mail.")
        String email;

        @Option(
                names = "--currency",
                required = true,
                paramLabel = "ISO",
                description = "The currency the creator usually sells in, e.g. EUR.")
        String currency;

        @Option(
                names = "--api-url",
                paramLabel = "URL",
                defaultValue = "http://127.0.0.1:8080",
                description = "Where the creator reaches the replay API (default: ${DEFAULT-VALUE}).")
        String apiUrl;

        @Override
        public Integer call() {
            return CatalogWrites.write(
                    catalog -> catalog.register(name, email, currency), field -> "--" + field, this::show);
        }

        private void show(Catalog.Account account) {
            String api = apiUrl.replaceAll("/+$", "");
            System.out.println("creator:  " + account.creator().getCreatorId() + " ("
                    + account.creator().getDisplayName() + ")");
            System.out.println("API key:  " + account.apiKey() + "   (shown once; only its SHA-256 is stored)");
            System.out.println();
            System.out.println("Sign in to the dashboard:  " + api + "/login");
            System.out.println("Set up payouts (Stripe Connect; tickets go on sale once it is done): the dashboard's "
                    + "\"Set up payouts\", or");
            System.out.println("  curl -X POST -H 'Authorization: Bearer " + account.apiKey() + "' " + api
                    + "/v1/creator/payouts/onboarding");
            System.out.println("Schedule a live:");
            System.out.println("  curl -H 'Authorization: Bearer " + account.apiKey()
                    + "' -H 'Content-Type: application/json' \\");
            System.out.println("    -d '{\"title\": \"Sunrise flow\", \"currency\": \""
                    + account.creator().getDefaultCurrency()
                    + "\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}]}' " + api + "/v1/lives");
        }
    }
}
