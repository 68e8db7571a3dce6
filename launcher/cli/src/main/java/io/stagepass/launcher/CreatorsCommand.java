package io.stagepass.launcher;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.NotDurableException;
import io.stagepass.replay.creators.Catalog;
import java.time.Clock;
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
            KafkaSettings kafka = KafkaSettings.fromEnv(Env.system());
            Catalog.Account account;
            try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-cli")) {
                account = new Catalog(publisher, Clock.systemUTC()).register(name, email, currency);
            } catch (InvalidFieldsException e) {
                e.fields().forEach((field, problem) -> System.err.println("stagepass: --" + field + ": " + problem));
                return 2;
            } catch (NotDurableException e) {
                System.err.println("stagepass: cannot write to Kafka at " + kafka.bootstrapServers() + " ("
                        + KafkaSettings.BOOTSTRAP + "); is `stagepass up` running?");
                return 1;
            }
            String api = apiUrl.replaceAll("/+$", "");
            System.out.println("creator:  " + account.creator().getCreatorId() + " ("
                    + account.creator().getDisplayName() + ")");
            System.out.println("API key:  " + account.apiKey() + "   (shown once; only its SHA-256 is stored)");
            System.out.println();
            System.out.println("Sign in to the dashboard:  " + api + "/login");
            System.out.println("Schedule a live:");
            System.out.println("  curl -H 'Authorization: Bearer " + account.apiKey()
                    + "' -H 'Content-Type: application/json' \\");
            System.out.println("    -d '{\"title\": \"Sunrise flow\", \"currency\": \""
                    + account.creator().getDefaultCurrency()
                    + "\", \"tiers\": [{\"tier\": \"viewer\", \"priceMinor\": 1500}]}' " + api + "/v1/lives");
            return 0;
        }
    }
}
