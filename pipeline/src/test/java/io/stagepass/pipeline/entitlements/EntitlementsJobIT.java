package io.stagepass.pipeline.entitlements;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.DeadLetter;
import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.Entitlement;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The entitlements job on the MiniCluster at parallelism 2 against a real broker: random ticket histories, sent
 * shuffled and with duplicates, must end with the entitlement a ground truth computed here says, and a poison
 * record goes to the dead-letter topic without stopping the job.
 */
class EntitlementsJobIT {
    private static final int TICKETS = 60;
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    @TempDir
    Path dataDir;

    @Test
    void endsEveryTicketInTheRightStateWhateverTheOrder() throws Exception {
        Random random = new Random(42);
        List<PaymentFact> facts = new ArrayList<>();
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < TICKETS; i++) {
            String ticket = "cs_" + i;
            List<PaymentFact> history = history(ticket, random);
            facts.addAll(history);
            facts.addAll(history.subList(0, random.nextInt(history.size() + 1))); // Stripe's duplicates
            String truth = groundTruth(history);
            if (truth != null) {
                expected.put("live_" + (i % 3) + "/" + ticket, truth);
            }
        }
        Collections.shuffle(facts, random); // Stripe does not keep order

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
                EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
            try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test");
                    KafkaProducer<String, byte[]> raw =
                            new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "raw"))) {
                raw.send(new ProducerRecord<>(Topic.PAYMENTS.topicName(), "live_0", "not an event".getBytes()))
                        .get(30, TimeUnit.SECONDS);
                for (PaymentFact fact : facts) {
                    publisher.publish(Topic.PAYMENTS, fact.getLiveId(), fact);
                }
                publisher.flush();
            }
            flink.submit(PipelineJobs.streamGraph(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    new EntitlementsJob(),
                    new PipelineConfig(kafka.settings(), Duration.ofMillis(500), 2)));

            Map<String, String> latest = Await.until(
                            DEADLINE, Duration.ofMillis(500), () -> latestEntitlements(kafka), expected::equals)
                    .value();
            assertThat(latest).isEqualTo(expected);
            try (TopicReader reader = new TopicReader(kafka.settings())) {
                List<ConsumerRecord<String, byte[]>> letters =
                        reader.readFrom(Topic.DEAD_LETTERS, Map.of(), Duration.ofSeconds(30));
                assertThat(letters).hasSize(1);
                DeadLetter letter =
                        EventCodec.of(DeadLetter.class).decode(letters.get(0).value());
                assertThat(letter.getSourceTopic()).isEqualTo(Topic.PAYMENTS.topicName());
                assertThat(letter.getDetectedBy()).isEqualTo("pipeline/entitlements");
            }
        }
    }

    /** A plausible history: paid (or a delayed payment that succeeds or fails), maybe refunds, maybe a dispute. */
    private static List<PaymentFact> history(String ticket, Random random) {
        String live = "live_" + (Integer.parseInt(ticket.substring(3)) % 3);
        List<PaymentFact> history = new ArrayList<>();
        boolean delayed = random.nextInt(4) == 0;
        history.add(fact(live, ticket, PaymentEventType.CHECKOUT_COMPLETED)
                .setPaid(!delayed)
                .build());
        if (delayed) {
            history.add(fact(
                            live,
                            ticket,
                            random.nextBoolean()
                                    ? PaymentEventType.ASYNC_PAYMENT_SUCCEEDED
                                    : PaymentEventType.ASYNC_PAYMENT_FAILED)
                    .build());
        }
        switch (random.nextInt(5)) {
            case 0 ->
                history.add(fact(live, ticket, PaymentEventType.CHARGE_REFUNDED)
                        .setAmountMinor(500)
                        .build());
            case 1 ->
                history.add(fact(live, ticket, PaymentEventType.CHARGE_REFUNDED)
                        .setFullyRefunded(true)
                        .build());
            case 2 ->
                history.add(fact(live, ticket, PaymentEventType.DISPUTE_OPENED).build());
            case 3 -> {
                history.add(fact(live, ticket, PaymentEventType.DISPUTE_OPENED).build());
                history.add(fact(live, ticket, PaymentEventType.DISPUTE_CLOSED)
                        .setDisputeOutcome(random.nextBoolean() ? DisputeOutcome.WON : DisputeOutcome.LOST)
                        .build());
            }
            default -> {}
        }
        return history;
    }

    /** The rules, restated independently of the job: what a ticket's whole history entitles it to. */
    private static String groundTruth(List<PaymentFact> history) {
        boolean paid = false;
        boolean refunded = false;
        boolean disputed = false;
        DisputeOutcome outcome = null;
        for (PaymentFact fact : history) {
            switch (fact.getType()) {
                case CHECKOUT_COMPLETED -> paid |= fact.getPaid();
                case ASYNC_PAYMENT_SUCCEEDED -> paid = true;
                case CHARGE_REFUNDED -> refunded |= fact.getFullyRefunded();
                case DISPUTE_OPENED -> disputed = true;
                case DISPUTE_CLOSED -> {
                    disputed = true;
                    outcome = fact.getDisputeOutcome();
                }
                default -> {}
            }
        }
        if (!paid) {
            return null;
        }
        return refunded || disputed && outcome != DisputeOutcome.WON ? "REVOKED" : "GRANTED";
    }

    private static Map<String, String> latestEntitlements(EmbeddedKafka kafka) {
        EventCodec<Entitlement> codec = EventCodec.of(Entitlement.class);
        Map<String, String> latest = new HashMap<>();
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            for (ConsumerRecord<String, byte[]> record :
                    reader.readFrom(Topic.ENTITLEMENTS, Map.of(), Duration.ofSeconds(30))) {
                latest.put(record.key(), codec.decode(record.value()).getType().name());
            }
        }
        return new TreeMap<>(latest);
    }

    private static PaymentFact.Builder fact(String live, String ticket, PaymentEventType type) {
        return SampleEvents.payment(live, ticket).setType(type);
    }
}
