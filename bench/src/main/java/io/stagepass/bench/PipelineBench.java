package io.stagepass.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.RevenueMetric;
import io.stagepass.events.RevenueMetricType;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.PipelineJobs;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Properties;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobgraph.SavepointRestoreSettings;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * bench/pipeline: throughput and end-to-end latency of the pipeline jobs (revenue and audience by default) on an
 * embedded Kafka broker and Flink MiniCluster, in one run.
 * <ol>
 * <li>A synthetic, event-time ordered stream of viewer beacons (~97%) and payment facts (~3%) for N lives is
 * produced into the real topics, with event times from a base in the recent past up to a few minutes ago.</li>
 * <li>Baseline (a): a plain read_committed consumer reads both topics to their end offsets, touching every value;
 * and, for information, the same consumer decoding every value with the contract's codec.</li>
 * <li>(b): the jobs run at the same time, as in production, from the beginning of the topics. The time from
 * submission until their sources have consumed every record is measured with the Kafka consumers' own
 * {@code records-consumed-total} (JMX, sampled every 200 ms): Flink's REST metrics are only refreshed every 10 s
 * and the committed offsets only move on checkpoints (both are reported too).</li>
 * <li>Latency: a steady load with current event times; each payment is a probe for a live of its own, and the
 * latency is from its send to the first revenue TOTAL of that live visible to a read_committed consumer. Run once per
 * checkpoint interval asked for; between runs the jobs are stopped with a savepoint and resumed from it.</li>
 * </ol>
 * Not a test: the numbers depend on the machine (the broker, the jobs and the load generator share its cores).
 */
public final class PipelineBench {
    private static final long PROGRESS_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final List<Topic> INPUTS = List.of(Topic.BEACONS, Topic.PAYMENTS);
    /** The input topics of the jobs the bench knows; another job is assumed to read both. */
    private static final Map<String, List<Topic>> JOB_INPUTS = Map.of(
            "revenue", List.of(Topic.PAYMENTS),
            "audience", List.of(Topic.BEACONS, Topic.PAYMENTS));

    private static final String USAGE = String.join("\n",
            "Usage: bench/pipeline [options]",
            "Throughput and end-to-end latency of the pipeline jobs on an embedded Kafka broker and Flink MiniCluster.",
            "  --events N               events produced for the throughput phase (default 5000000; 2M, 500k accepted)",
            "  --lives N                lives in the synthetic stream (default 1000)",
            "  --viewers N              concurrent player sessions per live in the throughput stream (default 10)",
            "  --jobs A,B               pipeline jobs to run together (default revenue,audience; missing ones are skipped)",
            "  --parallelism N          job parallelism (default STAGEPASS_PIPELINE_PARALLELISM or 2)",
            "  --checkpoint-interval D  checkpoint interval of the throughput phase and the first latency run",
            "                           (default STAGEPASS_CHECKPOINT_INTERVAL or 10s; 500ms, 1s, 1m accepted)",
            "  --latency-intervals L    checkpoint intervals to measure latency with, comma separated, in this order",
            "                           (default: the checkpoint interval, then 1s); 'none' skips the latency phase",
            "  --latency-rate N         events/s of the latency load (default 10000)",
            "  --latency-seconds N      seconds of latency load per interval (default 60; 0 skips the latency phase)",
            "  --profile                record the throughput phase with JFR and print where the time goes",
            "  --profile-file PATH      where the recording goes (default $TMPDIR/stagepass-pipeline-bench.jfr)",
            "  --timeout D              give up on the throughput phase after this long (default 30m)",
            "  --seed N                 random seed of the synthetic stream (default 42)",
            "  --help                   this text");

    private final Options options;
    private final Path dataDir;
    private final List<String> report = new ArrayList<>();

    private PipelineBench(Options options, Path dataDir) {
        this.options = options;
        this.dataDir = dataDir;
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (options.help) {
            System.out.println(USAGE);
            System.exit(0);
        }
        Path dataDir = Files.createTempDirectory("stagepass-pipeline-bench");
        Thread cleanup = new Thread(() -> deleteRecursively(dataDir), "bench-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        int status = 0;
        try {
            new PipelineBench(options, dataDir).run();
        } catch (Exception e) {
            System.out.flush();
            System.err.println("bench failed: " + e);
            e.printStackTrace();
            status = 1;
        } finally {
            deleteRecursively(dataDir);
        }
        System.exit(status);
    }

    private void run() throws Exception {
        PipelineConfig defaults = PipelineConfig.fromEnv(Env.system());
        System.out.printf("pipeline bench: %,d events, %d lives x %d viewers, jobs %s, parallelism %d, checkpoint interval %s%n",
                options.events, options.lives, options.viewers, String.join("+", options.jobs), options.parallelism,
                format(options.checkpointInterval));
        System.out.printf("  machine: %d cores, max heap %d MB; data in %s (deleted at the end)%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, dataDir);
        long startAll = System.nanoTime();
        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0)) {
            KafkaSettings settings = kafka.settings();
            System.out.printf("%nKafka broker on %s, %d topics created%n", settings.bootstrapServers(), kafka.createdTopics().size());

            Produced produced = produce(settings);
            Consumed baseline = baseline(settings, false);
            Consumed decoding = baseline(settings, true);

            List<PipelineJob> jobs = new ArrayList<>();
            for (String name : options.jobs) {
                PipelineJobs.byName(name).ifPresentOrElse(jobs::add, () -> System.out.printf(
                        "%nNOTE: job '%s' is not in PipelineJobs (yet): skipped; known jobs: %s%n", name,
                        PipelineJobs.all().stream().map(PipelineJob::name).collect(Collectors.joining(", "))));
            }
            if (jobs.isEmpty()) {
                throw new IllegalStateException("none of the jobs " + options.jobs + " exists");
            }
            PipelineConfig config = config(defaults, settings, options.checkpointInterval);
            List<LatencyRun> latencies = new ArrayList<>();
            JobsRun jobsRun;
            try (EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, jobs.size() * options.parallelism)) {
                jobsRun = throughput(flink, settings, jobs, config, produced);
                report(produced, baseline, decoding, jobsRun, jobs);
                if (options.latencySeconds > 0 && !options.latencyIntervals.isEmpty()) {
                    try (LatencyProbe probe = new LatencyProbe(settings)) {
                        Map<String, JobID> running = jobsRun.ids;
                        Duration current = options.checkpointInterval;
                        for (int run = 0; run < options.latencyIntervals.size(); run++) {
                            Duration interval = options.latencyIntervals.get(run);
                            if (!interval.equals(current)) {
                                running = restart(flink, jobs, running, config(defaults, settings, interval));
                                current = interval;
                            }
                            latencies.add(latency(settings, probe, interval, run));
                        }
                    }
                }
            }
            printReport(latencies, startAll);
        }
    }

    private static PipelineConfig config(PipelineConfig defaults, KafkaSettings kafka, Duration checkpointInterval) {
        return new PipelineConfig(kafka, checkpointInterval, defaults.parallelism(), defaults.s3(),
                defaults.lakeCheckpointInterval(), defaults.lakeCloseAfter());
    }

    // ---------------------------------------------------------------------------------------------------------
    // 1. The synthetic stream

    record Produced(long events, long beacons, long payments, long bytes, double seconds, Instant from, Instant to,
                    Map<TopicPartition, Long> endOffsets) {
        double rate() {
            return events / seconds;
        }

        long endOf(List<Topic> topics) {
            return endOffsets.entrySet().stream().filter(e -> topics.stream().anyMatch(t -> t.topicName().equals(e.getKey().topic())))
                    .mapToLong(Map.Entry::getValue).sum();
        }
    }

    private Produced produce(KafkaSettings kafka) throws Exception {
        // Beacons per second of event time: every session beats every 10 s. The stream ends ~10 minutes ago.
        double beaconsPerSecond = options.lives * (double) options.viewers / 10.0;
        long spanMillis = (long) (options.events / beaconsPerSecond * 1000 * 1.15);
        long base = (System.currentTimeMillis() - spanMillis - Duration.ofMinutes(10).toMillis()) / 1000 * 1000;
        Simulator sim = new Simulator(options.seed, options.lives, options.viewers, base, LongUnaryOperator.identity());
        Properties props = KafkaClients.durableProducer(kafka, "bench-producer");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024);
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 256L * 1024 * 1024);
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 60_000);
        System.out.printf("%n[1] producing %,d events into %s and %s (async, acks=all, lz4, keyed by live id)%n",
                options.events, Topic.BEACONS.topicName(), Topic.PAYMENTS.topicName());
        // Every partition must have its leader in place before the first send: an idempotent producer whose first
        // batch to a fresh partition fails (NOT_LEADER_OR_FOLLOWER) while the next one is appended never gets the
        // first one in (OUT_OF_ORDER_SEQUENCE_NUMBER until the delivery timeout). Listing offsets asks the leaders.
        endOffsets(kafka);
        AtomicLong failed = new AtomicLong();
        AtomicReference<Exception> firstError = new AtomicReference<>();
        Callback callback = (metadata, error) -> {
            if (error != null) {
                failed.incrementAndGet();
                firstError.compareAndSet(null, error);
            }
        };
        long bytes = 0;
        long start = System.nanoTime();
        long nextProgress = start + PROGRESS_NANOS;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props)) {
            for (long i = 0; i < options.events; i++) {
                Simulator.Event event = sim.next();
                bytes += event.value().length;
                producer.send(new ProducerRecord<>(event.topic(), event.key(), event.value()), callback);
                if ((i & 0x3FFF) == 0 && System.nanoTime() > nextProgress) {
                    nextProgress += PROGRESS_NANOS;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("  %5.0f s  produced %,d (%.0f%%), %,.0f events/s, event time %s%n",
                            seconds, i, 100.0 * i / options.events, i / seconds, Instant.ofEpochMilli(sim.now));
                }
            }
            producer.flush();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (failed.get() > 0) {
            throw new IllegalStateException(failed.get() + " sends failed", firstError.get());
        }
        Map<TopicPartition, Long> ends = endOffsets(kafka);
        long stored = ends.values().stream().mapToLong(Long::longValue).sum();
        Produced produced = new Produced(options.events, sim.beacons, sim.payments, bytes, seconds,
                Instant.ofEpochMilli(base), Instant.ofEpochMilli(sim.now), ends);
        System.out.printf("  produced %,d events (%,d beacons, %,d payments; %.1f MB of values) in %.1f s: %,.0f events/s%n",
                produced.events, produced.beacons, produced.payments, bytes / 1e6, seconds, produced.rate());
        System.out.printf("  event time %s .. %s (%.0f min); %,d records in the topics%n", produced.from, produced.to,
                (sim.now - base) / 60_000.0, stored);
        System.out.println("  beacons: " + sim.beaconMix());
        System.out.println("  payments: " + sim.paymentMix());
        if (stored != options.events) {
            throw new IllegalStateException("expected " + options.events + " records in the topics, found " + stored);
        }
        return produced;
    }

    private static Map<TopicPartition, Long> endOffsets(KafkaSettings kafka) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(plainReader(kafka, "bench-offsets"))) {
            List<TopicPartition> partitions = partitions(consumer, INPUTS);
            return consumer.endOffsets(partitions);
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> consumer, List<Topic> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic topic : topics) {
            consumer.partitionsFor(topic.topicName()).forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
        }
        return partitions;
    }

    private static Properties plainReader(KafkaSettings kafka, String clientId) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /**
     * Viewer sessions and payments of {@code lives} lives in event-time order. Each live has about {@code viewers}
     * concurrent player sessions: VIEW_START (or joined earlier: a first HEARTBEAT), a HEARTBEAT every 10 s, now and
     * then a PAUSE (and a HEARTBEAT or SEEK 10-60 s later) or a SEEK, then VIEW_END (15% just vanish), and a new
     * session takes its place within a minute; 15% watch the replay. Besides: anonymous PAGE_VIEWs (2%) and payment
     * facts (3%): mostly paid checkouts (6% of them delivered twice, same Stripe event), refunds, delayed payments
     * that succeed or fail later, expired checkouts.
     */
    static final class Simulator {
        static final long BEAT = 10_000;
        static final double PAYMENT_SHARE = 0.027; // duplicates and delayed outcomes come on top: ~3% in all
        static final double PAGE_VIEW_SHARE = 0.02;

        record Event(String topic, String key, byte[] value, boolean payment) {
        }

        private abstract static class Scheduled {
            long at;
            long seq;
        }

        private static final class Session extends Scheduled {
            int live;
            String id;
            String ticket;
            ViewMode mode;
            long position;
            long endAt;
            boolean vanishes;
            int state; // 0 new, 1 playing, 2 paused
        }

        private static final class Deferred extends Scheduled {
            Event event;
        }

        private record Ticket(String id, String tier, long amount) {
        }

        private final SplittableRandom random;
        private final String[] lives;
        private final String[] creators;
        private final List<List<Ticket>> tickets = new ArrayList<>();
        private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(
                Comparator.comparingLong((Scheduled s) -> s.at).thenComparingLong(s -> s.seq));
        private final LongUnaryOperator stamp;
        private final EventCodec<Beacon> beaconCodec = EventCodec.of(Beacon.class);
        private final EventCodec<PaymentFact> paymentCodec = EventCodec.of(PaymentFact.class);
        private final Map<BeaconType, Long> beaconTypes = new EnumMap<>(BeaconType.class);
        private final Map<String, Long> paymentTypes = new LinkedHashMap<>();
        private long seq;
        private long ids;
        long now;
        long beacons;
        long payments;

        Simulator(long seed, int liveCount, int viewers, long base, LongUnaryOperator stamp) {
            this.random = new SplittableRandom(seed);
            this.stamp = stamp;
            this.now = base;
            lives = new String[liveCount];
            creators = new String[liveCount];
            for (int i = 0; i < liveCount; i++) {
                lives[i] = String.format("live_bench%05d_%08x", i, random.nextInt());
                creators[i] = "creator_bench" + (i % Math.max(1, liveCount / 4));
                tickets.add(new ArrayList<>());
                for (int v = 0; v < viewers; v++) {
                    Session session = newSession(i, base + random.nextLong(BEAT));
                    if (random.nextBoolean()) { // joined before the stream starts: its first beacon is a heartbeat
                        session.state = 1;
                        session.position = random.nextLong(Duration.ofMinutes(20).toMillis());
                        session.endAt = session.at + random.nextLong(Duration.ofMinutes(25).toMillis());
                    }
                    schedule(session);
                }
            }
        }

        private Session newSession(int live, long at) {
            Session session = new Session();
            session.live = live;
            session.id = "ses_" + Long.toHexString(random.nextLong()) + "_" + ids++;
            List<Ticket> bought = tickets.get(live);
            double r = random.nextDouble();
            session.ticket = r < 0.05 ? null : !bought.isEmpty() && r < 0.95 ? bought.get(random.nextInt(bought.size())).id
                    : "cs_" + Long.toHexString(random.nextLong());
            session.mode = random.nextDouble() < 0.15 ? ViewMode.REPLAY : ViewMode.LIVE;
            session.position = session.mode == ViewMode.REPLAY ? random.nextLong(Duration.ofMinutes(60).toMillis()) : 0;
            session.at = at;
            session.endAt = at + Duration.ofMinutes(2).toMillis() + random.nextLong(Duration.ofMinutes(28).toMillis());
            session.vanishes = random.nextDouble() < 0.15;
            return session;
        }

        private void schedule(Scheduled scheduled) {
            scheduled.seq = seq++;
            queue.add(scheduled);
        }

        Event next() {
            double r = random.nextDouble();
            if (r < PAYMENT_SHARE) {
                return payment();
            }
            if (r < PAYMENT_SHARE + PAGE_VIEW_SHARE) {
                String session = "ses_page_" + Long.toHexString(random.nextLong());
                return beacon(random.nextInt(lives.length), session, null, BeaconType.PAGE_VIEW, ViewMode.PAGE, 0, now);
            }
            while (true) {
                Scheduled next = queue.poll();
                now = Math.max(now, next.at);
                if (next instanceof Deferred deferred) {
                    payments++;
                    return deferred.event;
                }
                Event event = step((Session) next);
                if (event != null) {
                    return event;
                }
            }
        }

        private long beat() {
            return BEAT - 250 + random.nextLong(500);
        }

        private Event step(Session s) {
            long at = s.at;
            BeaconType type;
            switch (s.state) {
                case 0 -> {
                    type = BeaconType.VIEW_START;
                    s.state = 1;
                    s.at = at + beat();
                }
                case 2 -> {
                    type = random.nextBoolean() ? BeaconType.HEARTBEAT : BeaconType.SEEK;
                    s.state = 1;
                    s.at = at + beat();
                }
                default -> {
                    if (at >= s.endAt) {
                        schedule(newSession(s.live, at + random.nextLong(60_000)));
                        return s.vanishes ? null : beacon(s.live, s.id, s.ticket, BeaconType.VIEW_END, s.mode, s.position, at);
                    }
                    double r = random.nextDouble();
                    if (r < 0.015) {
                        type = BeaconType.PAUSE;
                        s.state = 2;
                        s.at = at + 10_000 + random.nextLong(50_000);
                    } else if (r < 0.025) {
                        type = BeaconType.SEEK;
                        s.position = Math.max(0, s.position + random.nextLong(-120_000, 300_000));
                        s.at = at + beat();
                    } else {
                        type = BeaconType.HEARTBEAT;
                        s.position += BEAT;
                        s.at = at + beat();
                    }
                }
            }
            schedule(s);
            return beacon(s.live, s.id, s.ticket, type, s.mode, s.position, at);
        }

        private Event beacon(int live, String session, String ticket, BeaconType type, ViewMode mode, long position, long at) {
            long time = stamp.applyAsLong(at);
            Beacon beacon = SampleEvents.beacon(lives[live], session).setType(type).setTicketId(ticket).setMode(mode)
                    .setPositionMillis(position).setOccurredAt(Instant.ofEpochMilli(time))
                    .setClientTime(Instant.ofEpochMilli(time - 150)).setReceivedAt(Instant.ofEpochMilli(time + 40)).build();
            beacons++;
            beaconTypes.merge(type, 1L, Long::sum);
            return new Event(Topic.BEACONS.topicName(), lives[live], beaconCodec.encode(beacon), false);
        }

        private Event payment() {
            int live = random.nextInt(lives.length);
            List<Ticket> bought = tickets.get(live);
            double r = random.nextDouble();
            Ticket ticket = new Ticket("cs_" + Long.toHexString(random.nextLong()), random.nextDouble() < 0.2 ? "vip" : "standard", 0);
            ticket = new Ticket(ticket.id, ticket.tier, ticket.tier.equals("vip") ? 4000 : SampleEvents.TICKET_PRICE_MINOR);
            PaymentFact.Builder fact = SampleEvents.payment(lives[live], ticket.id).setCreatorId(creators[live])
                    .setTier(ticket.tier).setAmountMinor(ticket.amount).setFeeMinor(25 + ticket.amount * 3 / 100)
                    .setNetMinor(ticket.amount - 25 - ticket.amount * 3 / 100).setChargeId("ch_" + ticket.id.substring(3))
                    .setOccurredAt(Instant.ofEpochMilli(stamp.applyAsLong(now)));
            String kind;
            if (r < 0.88 || (r >= 0.92 && r < 0.98 && bought.isEmpty())) {
                kind = "paid checkout";
                remember(bought, ticket);
                Event event = encode(fact.build());
                if (random.nextDouble() < 0.06) { // Stripe delivers it again: the very same fact
                    Deferred duplicate = new Deferred();
                    duplicate.at = now + 1_000 + random.nextLong(19_000);
                    duplicate.event = event;
                    schedule(duplicate);
                    paymentTypes.merge("duplicate of a paid checkout", 1L, Long::sum);
                }
                paymentTypes.merge(kind, 1L, Long::sum);
                payments++;
                return event;
            } else if (r < 0.92) {
                kind = "unpaid checkout (delayed method)";
                fact.setPaid(false).setFeeMinor(null).setNetMinor(null);
                boolean succeeds = random.nextDouble() < 0.85;
                long later = now + 30_000 + random.nextLong(270_000);
                PaymentFact outcome = SampleEvents.payment(lives[live], ticket.id).setCreatorId(creators[live])
                        .setTier(ticket.tier).setAmountMinor(ticket.amount).setPaid(succeeds)
                        .setType(succeeds ? PaymentEventType.ASYNC_PAYMENT_SUCCEEDED : PaymentEventType.ASYNC_PAYMENT_FAILED)
                        .setOccurredAt(Instant.ofEpochMilli(stamp.applyAsLong(later))).build();
                Deferred deferred = new Deferred();
                deferred.at = later;
                deferred.event = encode(outcome);
                schedule(deferred);
                paymentTypes.merge(succeeds ? "async payment succeeded" : "async payment failed", 1L, Long::sum);
                if (succeeds) {
                    remember(bought, ticket);
                }
            } else if (r < 0.98) {
                kind = "refund";
                Ticket refunded = bought.get(random.nextInt(bought.size()));
                fact.setType(PaymentEventType.CHARGE_REFUNDED).setTicketId(refunded.id).setTier(refunded.tier)
                        .setAmountMinor(refunded.amount).setRefundedTotalMinor(refunded.amount).setFullyRefunded(true)
                        .setPaid(true).setFeeMinor(null).setNetMinor(null).setChargeId("ch_" + refunded.id.substring(3));
            } else {
                kind = "expired checkout";
                fact.setType(PaymentEventType.CHECKOUT_EXPIRED).setPaid(false).setFeeMinor(null).setNetMinor(null);
            }
            paymentTypes.merge(kind, 1L, Long::sum);
            payments++;
            return encode(fact.build());
        }

        private void remember(List<Ticket> bought, Ticket ticket) {
            if (bought.size() < 256) {
                bought.add(ticket);
            } else {
                bought.set(random.nextInt(bought.size()), ticket);
            }
        }

        private Event encode(PaymentFact fact) {
            return new Event(Topic.PAYMENTS.topicName(), fact.getLiveId(), paymentCodec.encode(fact), true);
        }

        String beaconMix() {
            return beaconTypes.entrySet().stream().map(e -> String.format("%s %.1f%%", e.getKey(), 100.0 * e.getValue() / beacons))
                    .collect(Collectors.joining(", "));
        }

        String paymentMix() {
            return paymentTypes.entrySet().stream().map(e -> String.format("%s %,d", e.getKey(), e.getValue()))
                    .collect(Collectors.joining(", "));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 2. Baseline: a plain consumer

    record Consumed(long records, long bytes, double seconds) {
        double rate() {
            return records / seconds;
        }
    }

    private Consumed baseline(KafkaSettings kafka, boolean decode) {
        String what = decode ? "plain consumer + Avro decode of every value (for information)"
                : "plain KafkaConsumer<byte[],byte[]>, read_committed, summing value lengths";
        System.out.printf("%n[%s] baseline: %s%n", decode ? "2'" : "2", what);
        EventCodec<Beacon> beacons = EventCodec.of(Beacon.class);
        EventCodec<PaymentFact> payments = EventCodec.of(PaymentFact.class);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(plainReader(kafka, "bench-baseline"))) {
            List<TopicPartition> partitions = partitions(consumer, INPUTS);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            Set<TopicPartition> open = new HashSet<>(partitions);
            long records = 0;
            long bytes = 0;
            long touched = 0;
            long start = System.nanoTime();
            long nextProgress = start + PROGRESS_NANOS;
            while (!open.isEmpty()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    records++;
                    bytes += record.value().length;
                    if (decode) {
                        touched += record.topic().equals(Topic.BEACONS.topicName())
                                ? beacons.decode(record.value()).getPositionMillis()
                                : payments.decode(record.value()).getAmountMinor();
                    }
                }
                open.removeIf(partition -> consumer.position(partition) >= ends.get(partition));
                if (System.nanoTime() > nextProgress) {
                    nextProgress += PROGRESS_NANOS;
                    double seconds = (System.nanoTime() - start) / 1e9;
                    System.out.printf("  %5.0f s  read %,d, %,.0f events/s%n", seconds, records, records / seconds);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            Consumed consumed = new Consumed(records, bytes, seconds);
            System.out.printf("  read %,d records (%.1f MB of values%s) in %.2f s: %,.0f events/s%n", records, bytes / 1e6,
                    decode ? ", checksum " + (touched & 0xFFFF) : "", seconds, consumed.rate());
            return consumed;
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // 3. The jobs

    static final class JobsRun {
        final Map<String, JobID> ids = new LinkedHashMap<>();
        final Map<String, Long> expected = new LinkedHashMap<>();
        final Map<String, Double> consumedAt = new LinkedHashMap<>();
        final Map<String, Double> committedAt = new LinkedHashMap<>();
        long totalExpected;
        double firstRecordAt = Double.NaN;
        double allConsumedAt = Double.NaN;
        double allCommittedAt = Double.NaN;
        boolean attributed = true;
        final Set<String> clients = new TreeSet<>();
        final List<String> incidents = new ArrayList<>();
        Path profile;
        Map<String, String> restCheck = new LinkedHashMap<>();
    }

    private JobsRun throughput(EmbeddedFlink flink, KafkaSettings kafka, List<PipelineJob> jobs, PipelineConfig config,
                               Produced produced) throws Exception {
        JobsRun run = new JobsRun();
        System.out.printf("%n[3] jobs %s on the Flink MiniCluster (parallelism %d, checkpoint interval %s), all from the beginning%n",
                jobs.stream().map(PipelineJob::name).collect(Collectors.joining(" + ")), config.parallelism(),
                format(config.checkpointInterval()));
        for (PipelineJob job : jobs) {
            List<Topic> inputs = inputs(job.name());
            run.expected.put(job.name(), produced.endOf(inputs));
            run.totalExpected += produced.endOf(inputs);
            System.out.printf("  %s reads %s: %,d records%n", job.name(),
                    inputs.stream().map(Topic::topicName).collect(Collectors.joining(" + ")), produced.endOf(inputs));
        }
        Recording recording = null;
        if (options.profile) {
            // JFR's "default" settings with CPU samples every 10 ms: the "profile" settings (allocation and
            // more) slowed the jobs down by about half on 2 cores.
            recording = new Recording(Configuration.getConfiguration("default"));
            recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
            recording.setName("stagepass-pipeline-bench");
            recording.setToDisk(true);
            recording.start();
            System.out.println("  JFR recording started (default settings, execution samples every 10 ms)");
        }
        long start = System.nanoTime();
        for (PipelineJob job : jobs) {
            run.ids.put(job.name(), flink.submit(graph(job, config)));
        }
        double submitted = (System.nanoTime() - start) / 1e9;
        System.out.printf("  submitted in %.2f s: %s%n", submitted, run.ids);
        long deadline = start + options.timeout.toNanos();
        long nextProgress = start + PROGRESS_NANOS;
        long nextCommitCheck = start;
        long lastTotal = 0;
        long lastProgressNanos = start;
        Map<String, JobStatus> statuses = new LinkedHashMap<>();
        try (Admin admin = KafkaClients.admin(kafka)) {
            while (true) {
                long now = System.nanoTime();
                double elapsed = (now - start) / 1e9;
                Map<String, Long> consumed = consumedByJob(run, jobs);
                long total = consumed.values().stream().mapToLong(Long::longValue).sum();
                if (total > 0 && Double.isNaN(run.firstRecordAt)) {
                    run.firstRecordAt = elapsed;
                }
                for (PipelineJob job : jobs) {
                    String name = job.name();
                    if (!run.consumedAt.containsKey(name) && consumed.getOrDefault(name, 0L) >= run.expected.get(name)) {
                        run.consumedAt.put(name, elapsed);
                        System.out.printf("  %5.1f s  %s: all %,d records consumed%n", elapsed, name, run.expected.get(name));
                    }
                }
                if (Double.isNaN(run.allConsumedAt) && total >= run.totalExpected) {
                    run.allConsumedAt = elapsed;
                    if (recording != null) {
                        recording.stop();
                        run.profile = options.profileFile;
                        recording.dump(run.profile);
                        recording.close();
                        recording = null;
                    }
                }
                if (now >= nextCommitCheck) {
                    nextCommitCheck = now + TimeUnit.MILLISECONDS.toNanos(500);
                    for (PipelineJob job : jobs) {
                        String name = job.name();
                        if (!run.committedAt.containsKey(name) && committedToEnd(admin, PipelineJob.flinkName(name), inputs(name), produced)) {
                            run.committedAt.put(name, elapsed);
                            System.out.printf("  %5.1f s  %s: committed offsets (group stagepass-%s) reached the end%n", elapsed, name, name);
                        }
                        JobStatus status = flink.cluster().getJobStatus(run.ids.get(name)).get(10, TimeUnit.SECONDS);
                        JobStatus before = statuses.put(name, status);
                        if (status != JobStatus.RUNNING && status != JobStatus.CREATED && status != JobStatus.INITIALIZING) {
                            String incident = String.format("%.1f s: job %s is %s", elapsed, name, status);
                            if (before != status) {
                                run.incidents.add(incident);
                                System.out.println("  WARNING " + incident);
                            }
                        }
                    }
                    if (run.committedAt.size() == jobs.size()) {
                        run.allCommittedAt = elapsed;
                        break;
                    }
                }
                if (now >= nextProgress) {
                    double windowRate = (total - lastTotal) / ((now - lastProgressNanos) / 1e9);
                    lastTotal = total;
                    lastProgressNanos = now;
                    nextProgress += PROGRESS_NANOS;
                    System.out.printf("  %5.0f s  consumed %s; %,.0f records/s (last 5 s %,.0f)%s%n", elapsed,
                            jobs.stream().map(job -> String.format("%s %.1f%%", job.name(),
                                    100.0 * consumed.getOrDefault(job.name(), 0L) / run.expected.get(job.name())))
                                    .collect(Collectors.joining(", ")),
                            total / elapsed, windowRate, statuses.values().stream().allMatch(s -> s == JobStatus.RUNNING) ? "" : " " + statuses);
                }
                if (now > deadline) {
                    run.incidents.add("timed out after " + format(options.timeout));
                    System.out.println("  WARNING: timed out after " + format(options.timeout));
                    break;
                }
                if (!Double.isNaN(run.allConsumedAt)
                        && elapsed - run.allConsumedAt > 3 * config.checkpointInterval().toSeconds() + 60) {
                    run.incidents.add("offsets not committed within 3 checkpoint intervals + 60 s of consuming everything");
                    break;
                }
                sleep(200);
            }
        } finally {
            if (recording != null) {
                recording.stop();
                run.profile = options.profileFile;
                recording.dump(run.profile);
                recording.close();
            }
        }
        if (!run.attributed) {
            run.incidents.add("source consumers could not be told apart by client id " + run.clients
                    + ": per-job times are the time all jobs were done");
        }
        System.out.println("  source consumers seen (client ids): " + run.clients);
        restCheck(flink, run);
        return run;
    }

    private static List<Topic> inputs(String job) {
        return JOB_INPUTS.getOrDefault(job, INPUTS);
    }

    private static StreamGraph graph(PipelineJob job, PipelineConfig config) {
        return PipelineJobs.streamGraph(StreamExecutionEnvironment.getExecutionEnvironment(), job, config);
    }

    private static final ObjectName FETCH_METRICS = objectName("kafka.consumer:type=consumer-fetch-manager-metrics,client-id=*,topic=*");

    /**
     * Records the jobs' Kafka consumers have handed to their Flink source readers, from the consumers' own metrics
     * ({@code records-consumed-total} per client and topic, JMX). Consumers of the bench itself are left out.
     */
    private static Map<String, Long> consumedByJob(JobsRun run, List<PipelineJob> jobs) {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        // Kafka 4 registers each per-topic metric twice, under the topic name and under the name with '.' -> '_'
        // (the deprecated form): one count per client and topic.
        Map<String, Long> byClientTopic = new HashMap<>();
        for (ObjectName name : server.queryNames(FETCH_METRICS, null)) {
            String topic = name.getKeyProperty("topic");
            if (topic == null || name.getKeyProperty("partition") != null) {
                continue;
            }
            String client = ObjectName.unquote(quoted(name.getKeyProperty("client-id")));
            if (client.startsWith("bench-")) {
                continue;
            }
            try {
                long records = ((Number) server.getAttribute(name, "records-consumed-total")).longValue();
                byClientTopic.merge(client + "|" + topic.replace('.', '_'), records, Math::max);
            } catch (Exception e) {
                // the consumer closed in between
            }
        }
        Map<String, Long> byJob = new HashMap<>();
        long unattributed = 0;
        for (Map.Entry<String, Long> entry : byClientTopic.entrySet()) {
            String client = entry.getKey().substring(0, entry.getKey().indexOf('|'));
            run.clients.add(client);
            String job = jobs.stream().map(PipelineJob::name).filter(n -> client.contains(PipelineJob.flinkName(n))).findFirst().orElse(null);
            if (job == null) {
                unattributed += entry.getValue();
            } else {
                byJob.merge(job, entry.getValue(), Long::sum);
            }
        }
        if (unattributed > 0) {
            // Cannot tell whose consumer it is: each job gets its share of the total, and is done when everything is.
            run.attributed = false;
            long total = unattributed + byJob.values().stream().mapToLong(Long::longValue).sum();
            Map<String, Long> shares = new HashMap<>();
            for (PipelineJob job : jobs) {
                long expected = run.expected.get(job.name());
                shares.put(job.name(), total >= run.totalExpected ? expected
                        : Math.min(expected - 1, (long) ((double) total * expected / run.totalExpected)));
            }
            return shares;
        }
        return byJob;
    }

    private static String quoted(String value) {
        return value.startsWith("\"") ? value : ObjectName.quote(value);
    }

    private static boolean committedToEnd(Admin admin, String group, List<Topic> topics, Produced produced) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
        for (Map.Entry<TopicPartition, Long> end : produced.endOffsets.entrySet()) {
            if (topics.stream().noneMatch(t -> t.topicName().equals(end.getKey().topic()))) {
                continue;
            }
            OffsetAndMetadata offset = committed.get(end.getKey());
            if (end.getValue() > 0 && (offset == null || offset.offset() < end.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** Flink's own per-vertex counts from the REST API (refreshed every 10 s), to see every operator got everything. */
    private static void restCheck(EmbeddedFlink flink, JobsRun run) {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        // A request makes the metric fetcher refresh (at most every 10 s) in the background: ask, wait, ask again.
        for (JobID id : run.ids.values()) {
            try {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + flink.restPort() + "/jobs/" + id)).build(),
                        HttpResponse.BodyHandlers.discarding());
            } catch (Exception e) {
                // the second request reports it
            }
        }
        sleep(11_000);
        for (Map.Entry<String, JobID> job : run.ids.entrySet()) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + flink.restPort() + "/jobs/" + job.getValue())).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode root = json.readTree(response.body());
                List<String> vertices = new ArrayList<>();
                for (JsonNode vertex : root.path("vertices")) {
                    JsonNode metrics = vertex.path("metrics");
                    vertices.add(String.format("'%s' in %,d out %,d", abbreviate(vertex.path("name").asText(), 60),
                            metrics.path("read-records").asLong(), metrics.path("write-records").asLong()));
                }
                run.restCheck.put(job.getKey(), String.join("; ", vertices));
                System.out.printf("  REST %s (%s): %s%n", job.getKey(), root.path("state").asText(), String.join("; ", vertices));
            } catch (Exception e) {
                System.out.println("  REST check of " + job.getKey() + " failed: " + e);
            }
        }
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }

    /** Stops the jobs with a savepoint and resubmits them, restored from it, with another configuration. */
    private Map<String, JobID> restart(EmbeddedFlink flink, List<PipelineJob> jobs, Map<String, JobID> running,
                                       PipelineConfig config) throws Exception {
        System.out.printf("%n  restarting the jobs with checkpoint interval %s (stop with savepoint, resume from it)%n",
                format(config.checkpointInterval()));
        Map<String, JobID> restarted = new LinkedHashMap<>();
        Path savepoints = dataDir.resolve("savepoints").toAbsolutePath();
        Files.createDirectories(savepoints);
        for (PipelineJob job : jobs) {
            long start = System.nanoTime();
            String savepoint = flink.cluster().stopWithSavepoint(running.get(job.name()), savepoints.toUri().toString(),
                    false, SavepointFormatType.CANONICAL).get(5, TimeUnit.MINUTES);
            flink.cluster().requestJobResult(running.get(job.name())).get(2, TimeUnit.MINUTES);
            StreamGraph graph = graph(job, config);
            graph.setSavepointRestoreSettings(SavepointRestoreSettings.forPath(savepoint, false));
            restarted.put(job.name(), flink.submit(graph));
            System.out.printf("  %s: savepoint and resubmission in %.1f s%n", job.name(), (System.nanoTime() - start) / 1e9);
        }
        return restarted;
    }

    // ---------------------------------------------------------------------------------------------------------
    // 4. Latency

    record LatencyRun(Duration interval, Latencies revenue, Latencies audience, long probes, long missing, double rate,
                      double readyAfter) {
    }

    /**
     * Reads the metrics topics as a dashboard would (read_committed) and times the first revenue TOTAL of each probe
     * live; and how old each audience CONCURRENCY sample is when it becomes visible.
     */
    static final class LatencyProbe implements AutoCloseable {
        final Map<String, Long> sentNanos = new ConcurrentHashMap<>();
        volatile Latencies revenue = new Latencies();
        volatile Latencies audience = new Latencies();
        volatile long audienceFrom = Long.MAX_VALUE;
        volatile long audienceTo = Long.MAX_VALUE;
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;
        private final AtomicReference<Exception> error = new AtomicReference<>();

        LatencyProbe(KafkaSettings kafka) throws InterruptedException {
            AtomicBoolean positioned = new AtomicBoolean();
            thread = new Thread(() -> {
                EventCodec<RevenueMetric> revenueCodec = EventCodec.of(RevenueMetric.class);
                EventCodec<AudienceMetric> audienceCodec = EventCodec.of(AudienceMetric.class);
                try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(plainReader(kafka, "bench-latency"))) {
                    List<TopicPartition> partitions = partitions(consumer, List.of(Topic.REVENUE_METRICS, Topic.AUDIENCE_METRICS));
                    consumer.assign(partitions);
                    consumer.seekToEnd(partitions);
                    partitions.forEach(consumer::position);
                    positioned.set(true);
                    while (running.get()) {
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                            long nanos = System.nanoTime();
                            long wall = System.currentTimeMillis();
                            if (record.topic().equals(Topic.REVENUE_METRICS.topicName())) {
                                RevenueMetric metric = revenueCodec.decode(record.value());
                                if (metric.getType() == RevenueMetricType.TOTAL && metric.getTier() == null) {
                                    Long sent = sentNanos.remove(metric.getLiveId());
                                    if (sent != null) {
                                        revenue.add((nanos - sent) / 1000);
                                    }
                                }
                            } else {
                                AudienceMetric metric = audienceCodec.decode(record.value());
                                long at = metric.getAt().toEpochMilli();
                                if (metric.getType() == AudienceMetricType.CONCURRENCY && metric.getMode() == ViewMode.LIVE
                                        && at >= audienceFrom && at <= audienceTo) {
                                    audience.add((wall - at) * 1000);
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    error.set(e);
                    positioned.set(true);
                }
            }, "bench-latency-probe");
            thread.setDaemon(true);
            thread.start();
            while (!positioned.get()) {
                Thread.sleep(20);
            }
            if (error.get() != null) {
                throw new IllegalStateException("latency consumer failed", error.get());
            }
        }

        @Override
        public void close() throws InterruptedException {
            running.set(false);
            thread.join(10_000);
        }
    }

    private LatencyRun latency(KafkaSettings kafka, LatencyProbe probe, Duration interval, int run) throws Exception {
        int rate = options.latencyRate;
        // Enough sessions for the rate to come from heartbeats every 10 s of (real) time.
        int viewers = Math.max(1, (int) Math.round(rate * 0.95 * 10 / options.lives));
        System.out.printf("%n[4] latency with checkpoint interval %s: %,d events/s for %d s, current event times, %d viewers per live%n",
                format(interval), rate, options.latencySeconds, viewers);
        System.out.println("  on the same topics after the throughput phase (warm jobs holding its state); every payment is a probe:"
                + " a paid checkout for a live of its own,");
        System.out.println("  latency = its send -> the first revenue TOTAL of that live visible to a read_committed consumer"
                + " (audience metrics only come out on 10 s event-time boundaries, so their age is shown for information)");
        Simulator sim = new Simulator(options.seed + 1 + run, options.lives, viewers, System.currentTimeMillis(),
                t -> System.currentTimeMillis());
        EventCodec<PaymentFact> payments = EventCodec.of(PaymentFact.class);
        long[] probeCount = {0};
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(KafkaClients.durableProducer(kafka, "bench-latency-producer"))) {
            // Ready: a canary payment's total is visible (the restarted jobs are running and have committed a checkpoint).
            long readyStart = System.nanoTime();
            String canary = String.format("live_probe%d_canary", run);
            probe.sentNanos.put(canary, System.nanoTime());
            producer.send(new ProducerRecord<>(Topic.PAYMENTS.topicName(), canary, payments.encode(probePayment(canary))));
            long readyDeadline = readyStart + interval.multipliedBy(3).plusSeconds(120).toNanos();
            while (probe.sentNanos.containsKey(canary) && System.nanoTime() < readyDeadline) {
                sleep(20);
            }
            if (probe.sentNanos.remove(canary) != null) {
                throw new IllegalStateException("canary payment not visible in " + Topic.REVENUE_METRICS.topicName()
                        + " within " + (readyDeadline - readyStart) / 1_000_000_000 + " s: the jobs do not run");
            }
            double readyAfter = (System.nanoTime() - readyStart) / 1e9;
            System.out.printf("  pipeline ready: canary total visible after %.1f s; 5 s warm-up%n", readyAfter);
            Runnable sendOne = () -> {
                Simulator.Event event = sim.next();
                if (event.payment()) {
                    String live = String.format("live_probe%d_%07d", run, probeCount[0]++);
                    probe.sentNanos.put(live, System.nanoTime());
                    producer.send(new ProducerRecord<>(Topic.PAYMENTS.topicName(), live, payments.encode(probePayment(live))));
                } else {
                    producer.send(new ProducerRecord<>(event.topic(), event.key(), event.value()));
                }
            };
            pace(rate, 5, sendOne, null); // warm-up: not measured
            sleep(interval.toMillis() + 2000); // the warm-up's probes have come through
            probe.sentNanos.clear();
            Latencies revenue = new Latencies();
            Latencies audience = new Latencies();
            probe.revenue = revenue;
            probe.audience = audience;
            long measureFrom = System.currentTimeMillis();
            // Samples of the boundaries in the measurement that the watermark (5 s behind the beacons) passes in it.
            probe.audienceFrom = measureFrom;
            probe.audienceTo = measureFrom + options.latencySeconds * 1000L - 8_000;
            long probesBefore = probeCount[0];
            double achieved = pace(rate, options.latencySeconds, sendOne, revenue);
            producer.flush();
            long probes = probeCount[0] - probesBefore;
            long drainStart = System.nanoTime();
            long drainDeadline = drainStart + interval.multipliedBy(3).plusSeconds(20).toNanos();
            long audienceDrained = drainStart + interval.plusSeconds(3).toNanos(); // the last samples' checkpoint
            while ((!probe.sentNanos.isEmpty() || System.nanoTime() < audienceDrained) && System.nanoTime() < drainDeadline) {
                sleep(50);
            }
            long missing = probe.sentNanos.size();
            probe.sentNanos.clear();
            probe.revenue = new Latencies();
            probe.audience = new Latencies();
            LatencyRun result = new LatencyRun(interval, revenue, audience, probes, missing, achieved, readyAfter);
            System.out.printf("  sent %,.0f events/s; probes %,d, seen %,d, missing %,d%n", achieved, probes, revenue.count(), missing);
            System.out.printf("  payment -> revenue TOTAL visible: %s, max %.0f ms%n", revenue.summary(), revenue.percentileMillis(100));
            System.out.printf("  audience CONCURRENCY sample age when visible: %s%n", audience.summary());
            return result;
        }
    }

    private static PaymentFact probePayment(String liveId) {
        return SampleEvents.payment(liveId, "cs_" + liveId).setCreatorId("creator_probe")
                .setOccurredAt(Instant.ofEpochMilli(System.currentTimeMillis())).build();
    }

    /** Calls {@code send} {@code rate} times a second for {@code seconds}; returns the rate achieved. */
    private static double pace(int rate, int seconds, Runnable send, Latencies seen) {
        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(seconds);
        long nextProgress = start + PROGRESS_NANOS;
        long sent = 0;
        long now;
        while ((now = System.nanoTime()) < end) {
            long due = (long) ((now - start) / 1e9 * rate);
            while (sent < due) {
                send.run();
                sent++;
            }
            if (seen != null && now > nextProgress) {
                nextProgress += PROGRESS_NANOS;
                System.out.printf("  %5.0f s  sent %,d, probe totals seen %,d, p50 so far %.0f ms%n",
                        (now - start) / 1e9, sent, seen.count(), seen.percentileMillis(50));
            }
            LockSupport.parkNanos(1_000_000);
        }
        return sent / ((System.nanoTime() - start) / 1e9);
    }

    // ---------------------------------------------------------------------------------------------------------
    // Report

    private void report(Produced produced, Consumed baseline, Consumed decoding, JobsRun run, List<PipelineJob> jobs) {
        double jobsSeconds = run.allConsumedAt;
        double jobsRate = produced.events / jobsSeconds;
        double ratio = jobsRate / baseline.rate();
        report.add(String.format("produce (1 producer, acks=all, lz4)       %,10.0f events/s  (%,d events, %.1f s)",
                produced.rate(), produced.events, produced.seconds));
        report.add(String.format("(a)  baseline plain consumer              %,10.0f events/s  (%.2f s)", baseline.rate(), baseline.seconds));
        report.add(String.format("(a') plain consumer + Avro decode (info)  %,10.0f events/s  (%.2f s)", decoding.rate(), decoding.seconds));
        if (Double.isNaN(jobsSeconds)) {
            report.add("(b)  jobs did not consume everything: " + run.incidents);
            return;
        }
        report.add(String.format("(b)  jobs %s concurrently          %,10.0f events/s  (%,d events read by all jobs %.1f s after submission)",
                jobs.stream().map(PipelineJob::name).collect(Collectors.joining("+")), jobsRate, produced.events, jobsSeconds));
        report.add(String.format("       measured by: the sources' Kafka consumers' records-consumed-total (JMX, every 200 ms); first record after %.1f s"
                + " (from then on: %,.0f events/s)", run.firstRecordAt, produced.events / (jobsSeconds - run.firstRecordAt)));
        run.consumedAt.forEach((job, at) -> report.add(String.format("       %-9s %,10d records consumed after %6.1f s (%,.0f records/s); offsets committed after %s",
                job, run.expected.get(job), at, run.expected.get(job) / at,
                run.committedAt.containsKey(job) ? String.format("%.1f s", run.committedAt.get(job)) : "-")));
        if (!Double.isNaN(run.allCommittedAt)) {
            report.add(String.format("       by committed offsets (checkpoint-granular): all done after %.1f s -> %,.0f events/s",
                    run.allCommittedAt, produced.events / run.allCommittedAt));
        }
        report.add(String.format("ratio (b)/(a) = %.3f   goal >= 0.5: %s;   goal >= 100k events/s: %s   (b)/(a') = %.3f",
                ratio, ratio >= 0.5 ? "met" : "NOT met", jobsRate >= 100_000 ? "met" : "NOT met", jobsRate / decoding.rate()));
        if (!run.incidents.isEmpty()) {
            report.add("incidents: " + run.incidents);
        }
        System.out.println();
        report.forEach(line -> System.out.println("  " + line));
        if (run.profile != null) {
            System.out.printf("%n  profile of phase (b) written to %s%n", run.profile);
            try {
                summarizeProfile(run.profile);
            } catch (IOException e) {
                System.out.println("  cannot read the recording: " + e);
            }
        }
    }

    private void printReport(List<LatencyRun> latencies, long startAll) {
        for (LatencyRun run : latencies) {
            report.add(String.format("latency, checkpoint interval %-5s payment -> revenue TOTAL visible: p50 %,.0f ms, p99 %,.0f ms, max %,.0f ms"
                            + " (n=%,d, missing %d, %,.0f events/s)   goal p99 <= 2 s: %s",
                    format(run.interval), run.revenue.percentileMillis(50), run.revenue.percentileMillis(99),
                    run.revenue.percentileMillis(100), run.revenue.count(), run.missing, run.rate,
                    run.missing == 0 && run.revenue.percentileMillis(99) <= 2000 ? "met" : "NOT met"));
            report.add(String.format("         audience CONCURRENCY sample age when visible (info): p50 %,.0f ms, p99 %,.0f ms (n=%,d)",
                    run.audience.percentileMillis(50), run.audience.percentileMillis(99), run.audience.count()));
        }
        System.out.printf("%n==== pipeline bench report (%.0f s in all) ====%n", (System.nanoTime() - startAll) / 1e9);
        report.forEach(System.out::println);
    }

    /**
     * Where the CPU went during phase (b): jdk.ExecutionSample events of the recording (what {@code jfr print
     * --events jdk.ExecutionSample} shows), by thread, by top frame, and by component anywhere on the stack.
     */
    private static void summarizeProfile(Path file) throws IOException {
        Map<String, Long> threads = new HashMap<>();
        Map<String, Long> methods = new HashMap<>();
        Map<String, Long> components = new LinkedHashMap<>();
        COMPONENTS.keySet().forEach(k -> components.put(k, 0L));
        long total = 0;
        try (RecordingFile recording = new RecordingFile(file)) {
            while (recording.hasMoreEvents()) {
                RecordedEvent event = recording.readEvent();
                if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                    continue;
                }
                total++;
                RecordedThread thread = event.getThread("sampledThread");
                threads.merge(threadGroup(thread == null ? "?" : thread.getJavaName()), 1L, Long::sum);
                RecordedStackTrace stack = event.getStackTrace();
                if (stack == null || stack.getFrames().isEmpty()) {
                    continue;
                }
                RecordedFrame top = stack.getFrames().get(0);
                methods.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1L, Long::sum);
                Set<String> hit = new HashSet<>();
                for (RecordedFrame frame : stack.getFrames()) {
                    String type = frame.getMethod().getType().getName();
                    COMPONENTS.forEach((component, prefixes) -> {
                        if (prefixes.stream().anyMatch(type::startsWith)) {
                            hit.add(component);
                        }
                    });
                }
                hit.forEach(component -> components.merge(component, 1L, Long::sum));
            }
        }
        long samples = total;
        System.out.printf("  %,d execution samples (Java threads on CPU, every 10-20 ms)%n", samples);
        System.out.println("  by thread (normalized name):");
        top(threads, 12).forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
        System.out.println("  by top frame (self time):");
        top(methods, 20).forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
        System.out.println("  by component anywhere on the stack (inclusive; overlaps):");
        components.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> System.out.printf("    %5.1f%%  %s%n", 100.0 * e.getValue() / samples, e.getKey()));
        System.out.printf("  (more: jfr print --events jdk.ExecutionSample %s)%n", file);
    }

    private static final Map<String, List<String>> COMPONENTS = new LinkedHashMap<>();

    static {
        COMPONENTS.put("Avro decode/encode (org.apache.avro)", List.of("org.apache.avro."));
        COMPONENTS.put("Kryo (generic type serialization)", List.of("com.esotericsoftware.kryo."));
        COMPONENTS.put("Flink type serializers (typeutils)", List.of("org.apache.flink.api.common.typeutils.", "org.apache.flink.api.java.typeutils.",
                "org.apache.flink.formats.avro."));
        COMPONENTS.put("Flink keyed state (heap backend, TTL)", List.of("org.apache.flink.runtime.state.", "org.apache.flink.runtime.state.heap.",
                "org.apache.flink.runtime.state.ttl."));
        COMPONENTS.put("Flink timers", List.of("org.apache.flink.streaming.api.operators.InternalTimerServiceImpl",
                "org.apache.flink.streaming.api.operators.HeapInternalTimerService"));
        COMPONENTS.put("Flink network (record serialization, buffers)", List.of("org.apache.flink.runtime.io.network.",
                "org.apache.flink.streaming.runtime.io.RecordWriterOutput", "org.apache.flink.streaming.runtime.streamrecord.StreamElementSerializer"));
        COMPONENTS.put("Flink Kafka connector", List.of("org.apache.flink.connector.kafka."));
        COMPONENTS.put("Kafka client (consumer fetch, producer)", List.of("org.apache.kafka.clients."));
        COMPONENTS.put("Kafka broker (request handling, log)", List.of("kafka.server.", "kafka.network.", "org.apache.kafka.storage.",
                "kafka.log.", "org.apache.kafka.server.", "org.apache.kafka.network."));
        COMPONENTS.put("compression (lz4/zstd/checksums)", List.of("net.jpountz.", "com.github.luben.", "org.apache.kafka.common.compress.",
                "java.util.zip.", "org.apache.kafka.common.utils.Crc32C"));
        COMPONENTS.put("audience job code", List.of("io.stagepass.pipeline.audience."));
        COMPONENTS.put("revenue job code", List.of("io.stagepass.pipeline.revenue."));
        COMPONENTS.put("stagepass decode/dead-letter path", List.of("io.stagepass.pipeline.kafka.", "io.stagepass.events.EventCodec"));
        COMPONENTS.put("checkpointing / snapshots", List.of("org.apache.flink.runtime.checkpoint.", "org.apache.flink.runtime.state.SnapshotStrategyRunner",
                "org.apache.flink.runtime.state.heap.HeapSnapshotStrategy"));
        COMPONENTS.put("logging", List.of("org.apache.logging.", "org.slf4j."));
    }

    private static String threadGroup(String name) {
        return name.replaceAll(" \\(\\d+/\\d+\\)(#\\d+)?", " (n/N)")
                .replaceAll("-\\d+$", "-N")
                .replaceAll("\\d+$", "N")
                .replaceAll("producer-\\d+", "producer-N")
                .replaceAll("-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "-<uuid>");
    }

    private static List<Map.Entry<String, Long>> top(Map<String, Long> counts, int n) {
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(n).toList();
    }

    // ---------------------------------------------------------------------------------------------------------
    // Options and helpers

    static final class Options {
        long events = 5_000_000;
        int lives = 1000;
        int viewers = 10;
        List<String> jobs = List.of("revenue", "audience");
        int parallelism;
        Duration checkpointInterval;
        List<Duration> latencyIntervals;
        int latencyRate = 10_000;
        int latencySeconds = 60;
        boolean profile;
        Path profileFile = Path.of(System.getProperty("java.io.tmpdir"), "stagepass-pipeline-bench.jfr");
        Duration timeout = Duration.ofMinutes(30);
        long seed = 42;
        boolean help;

        static Options parse(String[] args) {
            PipelineConfig defaults = PipelineConfig.fromEnv(Env.system());
            Options o = new Options();
            o.parallelism = defaults.parallelism();
            o.checkpointInterval = defaults.checkpointInterval();
            String intervals = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    o.help = true;
                    continue;
                }
                if (arg.equals("--profile")) {
                    o.profile = true;
                    continue;
                }
                if (!arg.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("unknown or incomplete option: " + arg);
                }
                String value = args[++i];
                try {
                    switch (arg) {
                        case "--events" -> o.events = count(value);
                        case "--lives" -> o.lives = (int) count(value);
                        case "--viewers" -> o.viewers = (int) count(value);
                        case "--jobs" -> o.jobs = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
                        case "--parallelism" -> o.parallelism = (int) count(value);
                        case "--checkpoint-interval" -> o.checkpointInterval = duration(value);
                        case "--latency-intervals" -> intervals = value;
                        case "--latency-rate" -> o.latencyRate = (int) count(value);
                        case "--latency-seconds" -> o.latencySeconds = (int) count(value);
                        case "--profile-file" -> o.profileFile = Path.of(value).toAbsolutePath();
                        case "--timeout" -> o.timeout = duration(value);
                        case "--seed" -> o.seed = Long.parseLong(value);
                        default -> throw new IllegalArgumentException("unknown option: " + arg);
                    }
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad value for " + arg + ": " + value);
                }
            }
            if (o.events < 1 || o.lives < 1 || o.viewers < 1 || o.parallelism < 1 || o.latencyRate < 1 || o.latencySeconds < 0) {
                throw new IllegalArgumentException("counts must be positive");
            }
            if (intervals == null) {
                o.latencyIntervals = o.checkpointInterval.equals(Duration.ofSeconds(1))
                        ? List.of(o.checkpointInterval) : List.of(o.checkpointInterval, Duration.ofSeconds(1));
            } else if (intervals.equals("none")) {
                o.latencyIntervals = List.of();
            } else {
                o.latencyIntervals = Arrays.stream(intervals.split(",")).map(String::trim).map(Options::duration).toList();
            }
            return o;
        }

        static long count(String value) {
            String v = value.replace("_", "").trim().toLowerCase(Locale.ROOT);
            long factor = 1;
            if (v.endsWith("k")) {
                factor = 1_000;
            } else if (v.endsWith("m")) {
                factor = 1_000_000;
            }
            if (factor > 1) {
                v = v.substring(0, v.length() - 1);
            }
            return Math.round(Double.parseDouble(v) * factor);
        }

        static Duration duration(String value) {
            Duration d = Env.of(Map.of("DURATION", value)).duration("DURATION", null);
            if (d.toMillis() < 100) {
                throw new IllegalArgumentException("duration too short: " + value);
            }
            return d;
        }
    }

    private static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 60_000 == 0 && ms >= 60_000) {
            return ms / 60_000 + "m";
        }
        return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
    }

    private static ObjectName objectName(String name) {
        try {
            return new ObjectName(name);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException | RuntimeException e) {
            // best effort
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
