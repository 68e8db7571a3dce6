package io.stagepass.launcher;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.http.InvalidFieldsException;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.NotDurableException;
import io.stagepass.replay.creators.Catalog;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/** How a command writes one catalog fact to Kafka at {@code STAGEPASS_KAFKA_BOOTSTRAP}, and says what went wrong. */
final class CatalogWrites {
    private CatalogWrites() {}

    /**
     * Makes the change, then shows its result. Exit code 2 for invalid fields, each printed with {@code option} of
     * its name; 1 when Kafka did not acknowledge the fact; else 0.
     */
    static <T> int write(Function<Catalog, T> change, UnaryOperator<String> option, Consumer<T> show) {
        KafkaSettings kafka = KafkaSettings.fromEnv(Env.system());
        T result;
        try (EventPublisher publisher = new EventPublisher(kafka, "stagepass-cli")) {
            result = change.apply(new Catalog(publisher, Clock.systemUTC()));
        } catch (InvalidFieldsException e) {
            e.fields()
                    .forEach((field, problem) ->
                            System.err.println("stagepass: " + option.apply(field) + ": " + problem));
            return 2;
        } catch (NotDurableException e) {
            System.err.println("stagepass: cannot write to Kafka at " + kafka.bootstrapServers() + " ("
                    + KafkaSettings.BOOTSTRAP + "); is `stagepass up` running?");
            return 1;
        }
        show.accept(result);
        return 0;
    }
}
