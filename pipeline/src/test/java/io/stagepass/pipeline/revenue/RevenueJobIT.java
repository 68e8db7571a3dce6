package io.stagepass.pipeline.revenue;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.pipeline.testing.FailOnce;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once where money is counted: random sales, refunds and disputes in two currencies, sent shuffled and
 * with Stripe's duplicates, through the revenue job on the MiniCluster at parallelism 2 with a failure injected
 * mid-stream. The final totals, and every per-minute window (event times spread over ten minutes and sent in
 * any order, so many facts arrive after their minute closed), must equal, to the cent, sums computed here.
 */
class RevenueJobIT {
    private static final int TICKETS = 200;
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final String FAILURE = "revenue-mid-stream";
    private static final Instant BASE = Instant.parse("2026-01-01T10:00:00Z");

    @TempDir
    Path dataDir;

    @Test
    void totalsEqualTheGroundTruthToTheCentDespiteDuplicatesDisorderAndAFailure() throws Exception {
        Random random = new Random(7);
        List<PaymentFact> facts = new ArrayList<>();
        for (int i = 0; i < TICKETS; i++) {
            facts.addAll(history("live_" + (i % 4), "cs_" + i, i % 5 == 0 ? "USD" : "EUR", random));
        }
        Map<String, long[]> truth = groundTruth(facts, false); // before duplicates: each Stripe event counts once
        Map<String, long[]> minuteTruth = groundTruth(facts, true);
        List<PaymentFact> sent = new ArrayList<>(facts);
        for (int i = 0; i < facts.size() / 4; i++) {
            sent.add(facts.get(random.nextInt(facts.size())));
        }
        Collections.shuffle(sent, random);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
                EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
            PipelineConfig config = new PipelineConfig(kafka.settings(), Duration.ofMillis(300), 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            PipelineJobs.configure(env, config);
            RevenueJob.defineWorkflow(RevenueJob.payments(env, config)
                            .map(FailOnce.<PaymentFact>afterRecords(FAILURE, 150))
                            .uid("fail-once"))
                    .sinkTo(RevenueJob.sink(config))
                    .uid("revenue-sink");
            flink.submit(env.getStreamGraph());

            try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
                for (int i = 0; i < sent.size(); i++) {
                    publisher.publish(Topic.PAYMENTS, sent.get(i).getLiveId(), sent.get(i));
                    if (i % 100 == 0) {
                        publisher.flush();
                        Thread.sleep(50); // spread the input over several checkpoints
                    }
                }
                // A later fact of another live moves the watermark past the last minute.
                PaymentFact later = fact("live_later", "cs_later", "EUR", PaymentEventType.CHECKOUT_COMPLETED)
                        .setOccurredAt(BASE.plus(Duration.ofMinutes(20)))
                        .build();
                publisher.publish(Topic.PAYMENTS, later.getLiveId(), later);
                truth.put("live_later/EUR", new long[] {later.getAmountMinor(), later.getFeeMinor(), 0, 0, 0, 1});
                publisher.flush();
            }

            List<Map<String, long[]>> seen = Await.until(
                            DEADLINE,
                            Duration.ofMillis(500),
                            () -> {
                                Map<String, long[]> minutesNow = latest(kafka, RevenueMetricType.WINDOW);
                                minutesNow
                                        .keySet()
                                        .removeIf(key ->
                                                key.startsWith("live_later/")); // its minute closes only on the clock
                                return List.of(latest(kafka, RevenueMetricType.TOTAL), minutesNow);
                            },
                            both -> equal(both.get(0), truth) && equal(both.get(1), minuteTruth))
                    .value();
            Map<String, long[]> totals = seen.get(0);
            Map<String, long[]> minutes = seen.get(1);
            assertThat(FailOnce.happened(FAILURE))
                    .as("the injected failure happened")
                    .isTrue();
            assertThat(describe(totals)).isEqualTo(describe(truth));
            assertThat(describe(minutes)).isEqualTo(describe(minuteTruth));
        }
    }

    private static List<PaymentFact> history(String live, String ticket, String currency, Random random) {
        long price = 500 + random.nextInt(20) * 100;
        long fee = price * 3 / 100 + 25;
        List<PaymentFact> history = new ArrayList<>();
        history.add(fact(live, ticket, currency, PaymentEventType.CHECKOUT_COMPLETED)
                .setAmountMinor(price)
                .setFeeMinor(fee)
                .build());
        for (PaymentFact.Builder next : SampleEvents.aftermath(random, live, ticket, currency, price)) {
            history.add(next.setOccurredAt(randomTime()).build());
        }
        return history;
    }

    private static PaymentFact.Builder fact(String live, String ticket, String currency, PaymentEventType type) {
        return SampleEvents.payment(live, ticket, currency, type).setOccurredAt(randomTime());
    }

    /** A time within ten minutes (the facts of a ticket arrive shuffled with all the others). */
    private static Instant randomTime() {
        return BASE.plusMillis(RANDOM_TIME.nextInt(600_000));
    }

    private static final Random RANDOM_TIME = new Random(11);

    /**
     * Per live/currency (and event-time minute): {gross, fees, refunds, disputes held, disputes lost, tickets
     * sold}, summed here.
     */
    private static Map<String, long[]> groundTruth(List<PaymentFact> facts, boolean perMinute) {
        Map<String, long[]> truth = new TreeMap<>();
        for (PaymentFact fact : facts) {
            String minute = perMinute ? "/" + fact.getOccurredAt().truncatedTo(ChronoUnit.MINUTES) : "";
            long[] t = truth.computeIfAbsent(fact.getLiveId() + "/" + fact.getCurrency() + minute, k -> new long[6]);
            switch (fact.getType()) {
                case CHECKOUT_COMPLETED -> {
                    t[0] += fact.getAmountMinor();
                    t[1] += fact.getFeeMinor();
                    t[5] += 1;
                }
                case CHARGE_REFUNDED -> t[2] += fact.getAmountMinor();
                case DISPUTE_OPENED -> t[3] += fact.getAmountMinor();
                case DISPUTE_CLOSED -> {
                    t[3] -= fact.getAmountMinor();
                    if (fact.getDisputeOutcome() == DisputeOutcome.LOST) {
                        t[4] += fact.getAmountMinor();
                    }
                }
                default -> {}
            }
        }
        return truth;
    }

    /** The latest record per key of one type, for all tiers together. */
    private static Map<String, long[]> latest(EmbeddedKafka kafka, RevenueMetricType type) {
        EventCodec<RevenueMetric> codec = EventCodec.of(RevenueMetric.class);
        Map<String, long[]> totals = new TreeMap<>();
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            for (ConsumerRecord<String, byte[]> record :
                    reader.readFrom(Topic.REVENUE_METRICS, Map.of(), Duration.ofSeconds(30))) {
                RevenueMetric m = codec.decode(record.value());
                if (m.getType() != type || m.getTier() != null) {
                    continue;
                }
                assertThat(m.getNetMinor())
                        .isEqualTo(m.getGrossMinor()
                                - m.getFeesMinor()
                                - m.getRefundsMinor()
                                - m.getDisputesHeldMinor()
                                - m.getDisputesLostMinor());
                totals.put(record.key(), new long[] {
                    m.getGrossMinor(),
                    m.getFeesMinor(),
                    m.getRefundsMinor(),
                    m.getDisputesHeldMinor(),
                    m.getDisputesLostMinor(),
                    m.getTicketsSold()
                });
            }
        }
        return totals;
    }

    private static boolean equal(Map<String, long[]> a, Map<String, long[]> b) {
        return describe(a).equals(describe(b));
    }

    private static String describe(Map<String, long[]> totals) {
        StringBuilder text = new StringBuilder();
        totals.forEach((key, t) -> text.append(key)
                .append(" gross=")
                .append(t[0])
                .append(" fees=")
                .append(t[1])
                .append(" refunds=")
                .append(t[2])
                .append(" held=")
                .append(t[3])
                .append(" lost=")
                .append(t[4])
                .append(" sold=")
                .append(t[5])
                .append('\n'));
        return text.toString();
    }
}
