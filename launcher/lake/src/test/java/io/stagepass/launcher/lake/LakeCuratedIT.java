package io.stagepass.launcher.lake;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.MinioClient;
import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.embedded.EmbeddedS3;
import io.stagepass.events.DisputeOutcome;
import io.stagepass.events.Entitlement;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.pipeline.entitlements.EntitlementsJob;
import io.stagepass.pipeline.lake.LakeJob;
import io.stagepass.pipeline.revenue.RevenueJob;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * The curated tables of {@code stagepass lake} against the pipeline's own jobs (entitlements, revenue, lake) on the
 * MiniCluster, fed a shuffled history of Stripe facts of which a quarter came twice: tickets, revenue_totals and
 * revenue_by_minute each add up to a ground truth summed here, to the cent, and per ticket the entitlement is the
 * one its history leads to.
 */
class LakeCuratedIT {
    private static final Instant BASE = Instant.parse("2026-03-01T09:00:00Z");
    private static final Duration DEADLINE = Duration.ofSeconds(150);
    private static final Random TIME = new Random(5);

    @TempDir
    Path dir;

    @Test
    void curatedTablesEqualTheGroundTruthToTheCentThoughFactsCameTwiceAndOutOfOrder() throws Exception {
        Random random = new Random(17);
        List<PaymentFact> facts = new ArrayList<>();
        Map<String, String> expectedEntitlement = new TreeMap<>();
        for (int i = 0; i < 120; i++) {
            facts.addAll(
                    history("live_" + (i % 3), "cs_" + i, i % 4 == 0 ? "USD" : "EUR", random, expectedEntitlement));
        }
        // A later fact of another live moves the revenue job's watermark past the last minute.
        PaymentFact later = fact("live_later", "cs_later", "EUR", PaymentEventType.CHECKOUT_COMPLETED)
                .setOccurredAt(BASE.plus(Duration.ofMinutes(30)))
                .build();
        facts.add(later);
        String truth = groundTruth(facts);
        List<PaymentFact> sent = new ArrayList<>(facts);
        for (int i = 0; i < facts.size() / 4; i++) {
            sent.add(facts.get(random.nextInt(facts.size())));
        }
        Collections.shuffle(sent, random);

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dir.resolve("kafka"), 0);
                EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), 0, "curated-test", "curated-test-secret");
                MinioClient client = ObjectStore.client(s3.settings());
                EmbeddedFlink flink = EmbeddedFlink.start(dir.resolve("flink"), 0, 6)) {
            ObjectStore.ensureBuckets(client);
            PipelineConfig config = new PipelineConfig(
                    kafka.settings(),
                    Duration.ofMillis(300),
                    2,
                    s3.settings(),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(2));
            for (PipelineJob job : List.of(new EntitlementsJob(), new RevenueJob(), new LakeJob())) {
                flink.submit(
                        PipelineJobs.streamGraph(StreamExecutionEnvironment.getExecutionEnvironment(), job, config));
            }
            try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test")) {
                for (PaymentFact fact : sent) {
                    publisher.publish(Topic.PAYMENTS, fact.getLiveId(), fact);
                }
                publisher.flush();
            }

            Path root = dir.resolve("lake");
            String minuteTruth = groundTruth(facts.stream()
                    .filter(f -> !f.getLiveId().equals("live_later")) // its minute closes only on the clock
                    .toList());
            List<String> seen = Await.until(
                            DEADLINE,
                            Duration.ofSeconds(1),
                            () -> {
                                Lake.sync(client, root);
                                try (Lake lake = Lake.open(root)) {
                                    return lake.curated()
                                                    .containsAll(
                                                            List.of("tickets", "revenue_totals", "revenue_by_minute"))
                                            ? List.of(
                                                    describe(root, "revenue_totals"),
                                                    describe(root, "revenue_by_minute_summed"),
                                                    describe(root, "tickets"),
                                                    String.join(
                                                            "\n",
                                                            lake.rows(
                                                                    "select ticket_id, entitlement, entitlement_reason"
                                                                            + " from tickets where entitlement is not null order by 1")),
                                                    entitlementsJob(kafka))
                                            : List.of("", "", "", "", "-");
                                }
                            },
                            tables -> tables.subList(0, 3).equals(List.of(truth, minuteTruth, truth))
                                    && tables.get(3).equals(tables.get(4)))
                    .value();
            assertThat(seen.get(0))
                    .as("revenue_totals: the latest total of each live and currency")
                    .isEqualTo(truth);
            assertThat(seen.get(1))
                    .as("revenue_by_minute, summed per live and currency")
                    .isEqualTo(minuteTruth);
            assertThat(seen.get(2)).as("tickets, summed per live and currency").isEqualTo(truth);
            assertThat(seen.get(3))
                    .as("each ticket's entitlement: what the entitlements job holds last for it")
                    .isEqualTo(seen.get(4));
            try (Lake lake = Lake.open(root)) {
                assertThat(lake.number("select count(*) from tickets")).isEqualTo(121);
                assertThat(lake.number("select count(*) - count(distinct eventId) from payments"))
                        .as("the lake holds each fact once")
                        .isZero();
                assertThat(lake.number("select count(*) - count(distinct ticket_id) from tickets"))
                        .isZero();
                for (Map.Entry<String, String> ticket : expectedEntitlement.entrySet()) {
                    assertThat(text(
                                    lake,
                                    "select coalesce(entitlement, 'none') from tickets where ticket_id = '"
                                            + ticket.getKey() + "'"))
                            .as("entitlement of %s", ticket.getKey())
                            .isEqualTo(ticket.getValue());
                }
            }
        }
    }

    /** The entitlements job's latest record per ticket, as {@code ticket entitlement reason} lines. */
    private static String entitlementsJob(EmbeddedKafka kafka) throws Exception {
        EventCodec<Entitlement> codec = EventCodec.of(Entitlement.class);
        Map<String, String> latest = new TreeMap<>();
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            for (ConsumerRecord<String, byte[]> record :
                    reader.readFrom(Topic.ENTITLEMENTS, Map.of(), Duration.ofSeconds(30))) {
                Entitlement entitlement = codec.decode(record.value());
                latest.put(
                        entitlement.getTicketId(),
                        entitlement.getTicketId() + "  " + entitlement.getType() + "  " + entitlement.getReason());
            }
        }
        return String.join("\n", latest.values());
    }

    /** Per live and currency: gross, fees, refunds, disputes held and lost, net, tickets sold; one line each. */
    private static String describe(Path root, String table) throws Exception {
        String query = switch (table) {
            case "revenue_totals" ->
                "select live_id, currency, settlement_currency, gross_minor, fees_minor, refunds_minor,"
                        + " disputes_held_minor, disputes_lost_minor, net_minor, tickets_sold"
                        + " from revenue_totals where tier is null";
            case "revenue_by_minute_summed" ->
                "select live_id, currency, any_value(settlement_currency), sum(gross_minor), sum(fees_minor),"
                        + " sum(refunds_minor), sum(disputes_held_minor), sum(disputes_lost_minor),"
                        + " sum(net_minor), sum(tickets_sold) from revenue_by_minute where tier is null"
                        + " and live_id <> 'live_later' group by all";
            case "tickets" ->
                "select live_id, currency, max(settlement_currency) filter (where paid), sum(amount_minor),"
                        + " sum(fee_minor),"
                        + " sum(refunded_minor), sum(disputes_held_minor), sum(disputes_lost_minor),"
                        + " sum(net_minor), count(*) filter (where paid) from tickets group by all";
            default -> throw new IllegalArgumentException(table);
        };
        StringBuilder text = new StringBuilder();
        try (Lake lake = Lake.open(root)) {
            lake.rows(query + " order by 1, 2")
                    .forEach(line -> text.append(line).append('\n'));
        }
        return text.toString();
    }

    private static String text(Lake lake, String sql) throws Exception {
        List<String> rows = lake.rows(sql);
        return rows.isEmpty() ? "no row" : rows.get(0);
    }

    /**
     * One ticket's facts: a sale (paid at once, or by a delayed method that succeeds or fails, or a session that
     * expires), then perhaps a refund or a dispute. USD tickets settle in EUR at 0.92.
     */
    private static List<PaymentFact> history(
            String live, String ticket, String currency, Random random, Map<String, String> entitlement) {
        long price = 500 + random.nextInt(20) * 100;
        long fee = price * 3 / 100 + 25;
        List<PaymentFact> history = new ArrayList<>();
        int kind = random.nextInt(10);
        if (kind == 0) {
            history.add(fact(live, ticket, currency, PaymentEventType.CHECKOUT_EXPIRED)
                    .setPaid(false)
                    .setAmountMinor(price)
                    .setFeeMinor(null)
                    .build());
            return history;
        }
        boolean delayed = kind <= 2;
        history.add(settled(fact(live, ticket, currency, PaymentEventType.CHECKOUT_COMPLETED)
                        .setPaid(!delayed)
                        .setAmountMinor(price)
                        .setFeeMinor(delayed ? null : fee))
                .build());
        if (kind == 1) {
            history.add(fact(live, ticket, currency, PaymentEventType.ASYNC_PAYMENT_FAILED)
                    .setPaid(false)
                    .setAmountMinor(price)
                    .setFeeMinor(null)
                    .build());
            return history;
        }
        if (kind == 2) {
            history.add(settled(fact(live, ticket, currency, PaymentEventType.ASYNC_PAYMENT_SUCCEEDED)
                            .setAmountMinor(price)
                            .setFeeMinor(fee))
                    .build());
        }
        List<PaymentFact.Builder> aftermath = SampleEvents.aftermath(random, live, ticket, currency, price);
        for (PaymentFact.Builder next : aftermath) {
            history.add(settled(next.setFeeMinor(null).setNetMinor(null).setOccurredAt(randomTime()))
                    .build());
        }
        if (aftermath.isEmpty()) {
            entitlement.put(ticket, "GRANTED");
        } else if (aftermath.get(0).getFullyRefunded()) {
            entitlement.put(ticket, "REVOKED");
        }
        return history;
    }

    /** A fact at a random time within ten minutes (the facts of a ticket arrive shuffled with all the others). */
    private static PaymentFact.Builder fact(String live, String ticket, String currency, PaymentEventType type) {
        return SampleEvents.payment(live, ticket, currency, type)
                .setNetMinor(null)
                .setOccurredAt(randomTime());
    }

    /** A time within ten minutes (the facts of a ticket arrive shuffled with all the others). */
    private static Instant randomTime() {
        return BASE.plusMillis(TIME.nextInt(600_000));
    }

    /** USD is settled in EUR at 0.92 (rounded down), as Stripe converts for a EUR account. */
    private static PaymentFact.Builder settled(PaymentFact.Builder fact) {
        if (!fact.getCurrency().equals("USD")) {
            return fact;
        }
        return fact.setSettlementCurrency("EUR")
                .setSettlementAmountMinor(fact.getAmountMinor() * 92 / 100)
                .setExchangeRate("0.92");
    }

    /**
     * The ground truth, summed here: per live and currency, the settlement currency, gross, fees, refunds, disputes
     * held and lost, net (settled amounts less fees, refunds and disputes), paid tickets.
     */
    private static String groundTruth(List<PaymentFact> facts) {
        Map<String, long[]> sums = new TreeMap<>();
        Map<String, String> settlement = new TreeMap<>();
        for (PaymentFact fact : facts) {
            String key = fact.getLiveId() + "|" + fact.getCurrency();
            long[] t = sums.computeIfAbsent(key, k -> new long[7]);
            settlement.put(key, fact.getCurrency().equals("USD") ? "EUR" : fact.getCurrency());
            long settled =
                    fact.getSettlementAmountMinor() != null ? fact.getSettlementAmountMinor() : fact.getAmountMinor();
            boolean sale = (fact.getType() == PaymentEventType.CHECKOUT_COMPLETED && fact.getPaid())
                    || fact.getType() == PaymentEventType.ASYNC_PAYMENT_SUCCEEDED;
            if (sale) {
                t[0] += fact.getAmountMinor();
                t[1] += fact.getFeeMinor();
                t[5] += settled - fact.getFeeMinor();
                t[6] += 1;
            }
            switch (fact.getType()) {
                case CHARGE_REFUNDED -> {
                    t[2] += fact.getAmountMinor();
                    t[5] -= settled;
                }
                case DISPUTE_OPENED -> {
                    t[3] += fact.getAmountMinor();
                    t[5] -= settled;
                }
                case DISPUTE_CLOSED -> {
                    t[3] -= fact.getAmountMinor();
                    if (fact.getDisputeOutcome() == DisputeOutcome.LOST) {
                        t[4] += fact.getAmountMinor();
                    } else {
                        t[5] += settled; // a won dispute gives the held amount back
                    }
                }
                default -> {}
            }
        }
        StringBuilder text = new StringBuilder();
        sums.forEach((key, t) -> {
            String[] liveCurrency = key.split("\\|");
            text.append(String.join(
                            "  ",
                            liveCurrency[0],
                            liveCurrency[1],
                            settlement.get(key),
                            Long.toString(t[0]),
                            Long.toString(t[1]),
                            Long.toString(t[2]),
                            Long.toString(t[3]),
                            Long.toString(t[4]),
                            Long.toString(t[5]),
                            Long.toString(t[6])))
                    .append('\n');
        });
        return text.toString();
    }
}
