package io.stagepass.bench.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Buyer;
import io.stagepass.acceptance.client.EventStream;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.LiveRequest;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.facts.RevenueTotals;
import io.stagepass.bench.Percentiles;
import io.stagepass.events.EventCodec;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.Topic;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.replay.creators.Catalog;
import io.stagepass.sandbox.stripe.StripeSandbox;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * bench/dashboard: how fresh a creator's revenue is. For each paid checkout (through the checkout route and the Stripe
 * sandbox, whose webhook ingest answers), the time from the webhook's 2xx to (a) the new total on the live's events
 * stream, which the replay API folds from the payment facts, and (b) the revenue job's new TOTAL visible to a
 * read_committed consumer, the baseline, which waits for a checkpoint. Default configuration (10 s checkpoints).
 */
@Command(
        name = "bench/dashboard",
        mixinStandardHelpOptions = true,
        version = "stagepass 0.1.0",
        sortOptions = false,
        description =
                "Freshness of creators' numbers: webhook 2xx to the events stream, against the revenue job's topic.")
public final class FreshnessBench implements Callable<Integer> {
    @Option(
            names = "--sales",
            paramLabel = "N",
            description = "paid checkouts, one after another (default ${DEFAULT-VALUE})")
    int sales = 200;

    @Option(names = "--pause-ms", paramLabel = "MS", description = "pause between sales (default ${DEFAULT-VALUE})")
    int pauseMillis = 100;

    private static final Duration KEY_WAIT = Duration.ofSeconds(30);
    private static final Duration GOAL_P99 = Duration.ofSeconds(2);

    public static void main(String[] args) {
        System.exit(new CommandLine(new FreshnessBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Path work = Files.createTempDirectory("stagepass-dashboard-bench");
        try (Stack stack = Stack.start(
                StackConfig.onFreePorts(work.resolve("data"), Map.of(StackConfig.STRIPE_SANDBOX, "true")),
                line -> {})) {
            StripeSandbox sandbox = stack.stripeSandbox().orElseThrow();
            Catalog.Account creator = new Operator(stack.kafka()).registerCreator("Bench creator", null, "EUR");
            ApiClient api = new ApiClient("http://127.0.0.1:" + stack.apiPort());
            StripeSandboxClient stripe = new StripeSandboxClient(sandbox.apiBase());
            Buyer buyer = new Buyer(api, stripe);
            api.setUpPayouts(creator.apiKey(), stripe, KEY_WAIT);
            ApiClient.ScheduledLive live =
                    api.scheduleLive(creator.apiKey(), LiveRequest.viewerTier("Freshness bench", "EUR", 900));
            IngestClient.of("http://127.0.0.1:" + stack.ingestPort()).awaitKnows(live.streamKey(), KEY_WAIT);
            String liveId = live.liveId();
            EventStream events = api.events(creator.apiKey(), liveId);
            if (events.next(Duration.ofSeconds(30)) == null) {
                throw new IllegalStateException("the events stream did not open");
            }
            Map<Long, Long> pipelineSeen = new ConcurrentHashMap<>();
            AtomicBoolean reading = new AtomicBoolean(true);
            Thread pipeline =
                    new Thread(() -> followPipeline(stack, liveId, pipelineSeen, reading), "bench-revenue-topic");
            pipeline.start();
            System.out.printf(
                    "dashboard bench: %d paid checkouts, %d ms apart, default configuration (checkpoints every %s)%n",
                    sales, pauseMillis, stack.config().serviceEnv().string("STAGEPASS_CHECKPOINT_INTERVAL", "10s"));
            List<Long> acknowledged = new ArrayList<>();
            List<Long> ours = new ArrayList<>();
            for (int sale = 1; sale <= sales; sale++) {
                String ticket = buyer.buy(liveId, "fan" + sale + "@example.com").id();
                long ack = sandbox.deliveries().stream()
                        .filter(d -> d.objectId().equals(ticket) && d.type().equals("checkout.session.completed"))
                        .findFirst()
                        .orElseThrow()
                        .acknowledgedNanos();
                acknowledged.add(ack);
                EventStream.ServerEvent update;
                do {
                    update = events.next(Duration.ofSeconds(60));
                    if (update == null) {
                        throw new IllegalStateException("no update on the events stream for sale " + sale);
                    }
                } while (!update.name().equals("revenue") || ticketsSold(update.data()) < sale);
                ours.add(Math.max(0, update.receivedNanos() - ack));
                Thread.sleep(pauseMillis);
                if (sale % 50 == 0) {
                    System.out.printf("  %d sales%n", sale);
                }
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (!pipelineSeen.containsKey((long) sales) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            reading.set(false);
            pipeline.join(10_000);
            List<Long> theirs = baselineDelays(pipelineSeen, acknowledged);
            JsonNode route = api.revenue(creator.apiKey(), liveId);
            System.out.println();
            System.out.println("==== dashboard bench report ====");
            System.out.println(summary("events stream (replay API folds payments)", ours, sales));
            System.out.println(summary("revenue job TOTAL, read_committed (baseline)", theirs, sales));
            System.out.printf("ratio p99 ours / baseline  %.3f%n", ratioOfP99(ours, theirs));
            System.out.printf(
                    "route total after the run: %d tickets, gross %d EUR cents%n",
                    ticketsSold(route),
                    route.path("currencies")
                            .path(0)
                            .path("totals")
                            .path("grossMinor")
                            .asLong());
            System.out.println(goal(ours));
            return 0;
        }
    }

    private static void followPipeline(Stack stack, String liveId, Map<Long, Long> seen, AtomicBoolean reading) {
        EventCodec<RevenueMetric> codec = EventCodec.of(RevenueMetric.class);
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(stack.kafka())) {
            List<TopicPartition> partitions = KafkaClients.partitions(consumer, Topic.REVENUE_METRICS);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            String key = liveId + "/EUR";
            while (reading.get()) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    if (key.equals(record.key())) {
                        RevenueMetric metric = codec.decode(record.value());
                        if (metric.getType() == RevenueMetricType.TOTAL) {
                            seen.putIfAbsent(metric.getTicketsSold(), System.nanoTime());
                        }
                    }
                }
            }
        }
    }

    /** Tickets sold in the first currency of a revenue answer or event. */
    private static long ticketsSold(JsonNode revenue) {
        return RevenueTotals.ofFirstCurrency(revenue).sold();
    }

    /**
     * For each sale in order, the time from its webhook's 2xx to the first revenue TOTAL that counts it (a checkpoint
     * commits several at once); a sale that no TOTAL counts is left out.
     *
     * @param totalSeenNanos    when each TOTAL was first seen, by the tickets sold it counts
     * @param acknowledgedNanos when the webhook of each sale was answered, the first sale first
     */
    static List<Long> baselineDelays(Map<Long, Long> totalSeenNanos, List<Long> acknowledgedNanos) {
        List<Long> delays = new ArrayList<>();
        for (int sale = 1; sale <= acknowledgedNanos.size(); sale++) {
            long first = Long.MAX_VALUE;
            for (Map.Entry<Long, Long> seen : totalSeenNanos.entrySet()) {
                if (seen.getKey() >= sale) {
                    first = Math.min(first, seen.getValue());
                }
            }
            if (first != Long.MAX_VALUE) {
                delays.add(Math.max(0, first - acknowledgedNanos.get(sale - 1)));
            }
        }
        return delays;
    }

    /** One way to the new total: p50, p99 and max in ms, and how many of the sales it saw. */
    static String summary(String name, List<Long> delaysNanos, int expected) {
        return String.format(
                "%-46s p50 %7.0f ms  p99 %7.0f ms  max %7.0f ms  (n=%d of %d)",
                name,
                Percentiles.of(delaysNanos, 50) / 1e6,
                Percentiles.of(delaysNanos, 99) / 1e6,
                Percentiles.of(delaysNanos, 100) / 1e6,
                delaysNanos.size(),
                expected);
    }

    /** Our p99 over the baseline's; a baseline under a nanosecond counts as one. */
    static double ratioOfP99(List<Long> ours, List<Long> theirs) {
        return Percentiles.of(ours, 99) / Math.max(1.0, Percentiles.of(theirs, 99));
    }

    static String goal(List<Long> ours) {
        return String.format(
                "goal: p99 <= 2 s from the webhook's 2xx to the new total on the events stream (%s)",
                Percentiles.of(ours, 99) <= GOAL_P99.toNanos() ? "met" : "NOT met");
    }
}
