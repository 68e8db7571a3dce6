package io.stagepass.pipeline.audience;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.embedded.EmbeddedFlink;
import io.stagepass.embedded.EmbeddedKafka;
import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.DeadLetter;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJobs;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audience job on the MiniCluster at parallelism 2 against a real broker: a scripted audience of three lives
 * (live and replay sessions with heartbeats, pauses, anonymous viewers, page visitors, payments with a Stripe
 * duplicate, and a poison record), in the past and a few seconds out of order. Every concurrency sample and the
 * final totals must equal a ground truth computed here from the script, by brute force over the definitions.
 */
class AudienceJobIT {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final List<String> LIVES = List.of("live_a", "live_b", "live_c");
    private static final long HEARTBEAT_MILLIS = 10_000;
    private static final long STALE_MILLIS = 30_000;
    private static final long SAMPLE_MILLIS = 10_000;
    /** Publication order is event time plus up to this: under the job's 5 s, and under any gap within a session. */
    private static final long MAX_DISORDER_MILLIS = 4_000;
    /** A beacon on every partition this long after the script moves every partition's watermark past its end. */
    private static final Duration SENTINEL_AFTER = Duration.ofHours(1);

    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @TempDir
    Path dataDir;

    /** One scripted player session, and the watch time it played (from the script, not from beacon gaps). */
    record Session(String live, ViewMode mode, String ticket, List<Beacon> beacons, long playedMillis) {}

    /** An event to publish, at its event time plus a random delay. */
    record Outgoing(long order, Topic topic, String key, SpecificRecord event) {}

    @Test
    void everySampleAndTheFinalTotalsEqualAGroundTruthComputedFromTheScript() throws Exception {
        Random random = new Random(11);
        List<Session> sessions = new ArrayList<>();
        List<Beacon> pageViews = new ArrayList<>();
        List<PaymentFact> payments = new ArrayList<>();
        for (int l = 0; l < LIVES.size(); l++) {
            String live = LIVES.get(l);
            for (int i = 0; i < 12 + 6 * l; i++) {
                sessions.add(session(live, ViewMode.LIVE, i, random));
            }
            for (int i = 0; i < 6; i++) {
                sessions.add(session(live, ViewMode.REPLAY, i, random));
            }
            pageViews.addAll(pageViews(live, random));
            payments.addAll(payments(live, random));
        }
        Map<String, String> truth = groundTruthTotals(sessions, pageViews, payments);
        Map<String, Long> truthSamples = groundTruthSamples(sessions);

        List<Outgoing> outgoing = new ArrayList<>();
        sessions.stream()
                .flatMap(s -> s.beacons().stream())
                .forEach(b -> outgoing.add(out(Topic.BEACONS, b.getLiveId(), b, b.getOccurredAt(), random)));
        pageViews.forEach(b -> outgoing.add(out(Topic.BEACONS, b.getLiveId(), b, b.getOccurredAt(), random)));
        payments.forEach(p -> outgoing.add(out(Topic.PAYMENTS, p.getLiveId(), p, p.getOccurredAt(), random)));
        outgoing.sort(Comparator.comparingLong(Outgoing::order));

        try (EmbeddedKafka kafka = EmbeddedKafka.start(dataDir.resolve("kafka"), 0);
                EmbeddedFlink flink = EmbeddedFlink.start(dataDir.resolve("flink"), 0, 2)) {
            publish(kafka, outgoing);
            flink.submit(PipelineJobs.streamGraph(
                    StreamExecutionEnvironment.getExecutionEnvironment(),
                    new AudienceJob(),
                    new PipelineConfig(kafka.settings(), Duration.ofMillis(300), 2)));

            List<AudienceMetric> metrics = Await.until(
                            DEADLINE,
                            Duration.ofSeconds(1),
                            () -> read(kafka),
                            read -> totals(read).equals(truth) && samples(read).equals(truthSamples))
                    .value();
            Map<String, String> totals = totals(metrics);
            Map<String, Long> samples = samples(metrics);
            assertThat(totals).isEqualTo(truth);
            assertThat(samples).isEqualTo(truthSamples);
            try (TopicReader reader = new TopicReader(kafka.settings())) {
                List<ConsumerRecord<String, byte[]>> letters =
                        reader.readFrom(Topic.DEAD_LETTERS, Map.of(), Duration.ofSeconds(30));
                assertThat(letters).hasSize(1);
                DeadLetter letter =
                        EventCodec.of(DeadLetter.class).decode(letters.get(0).value());
                assertThat(letter.getSourceTopic()).isEqualTo(Topic.BEACONS.topicName());
                assertThat(letter.getDetectedBy()).isEqualTo("pipeline/audience");
            }
        }
    }

    /**
     * VIEW_START, heartbeats every 10 s, maybe one pause of 5-20 s, then a VIEW_END or silence. Consecutive beacons
     * of a session are at least 5 s apart, so the publication disorder never swaps them.
     */
    private static Session session(String live, ViewMode mode, int index, Random random) {
        String sessionId = live + "-" + mode + "-" + index;
        String ticket = random.nextInt(5) == 0 ? null : "cs_" + live + "_" + random.nextInt(10);
        long start = T0.toEpochMilli() + random.nextInt(240_000);
        long position = mode == ViewMode.REPLAY ? random.nextInt(120_000) : 0;
        List<Beacon> beacons = new ArrayList<>();
        long t = start;
        long playingSince = start;
        long played = 0;
        beacons.add(beacon(live, sessionId, ticket, mode, BeaconType.VIEW_START, t, position));
        int heartbeats = 2 + random.nextInt(18);
        int pauseAt = random.nextInt(3) == 0 ? random.nextInt(heartbeats) : -1;
        for (int k = 0; k < heartbeats; k++) {
            if (k == pauseAt) {
                long pause = t + 5_000 + random.nextInt(3_000);
                beacons.add(beacon(live, sessionId, ticket, mode, BeaconType.PAUSE, pause, position + pause - start));
                played += pause - playingSince;
                t = pause + 5_000 + random.nextInt(15_000);
                playingSince = t;
            } else {
                t += HEARTBEAT_MILLIS;
            }
            beacons.add(beacon(live, sessionId, ticket, mode, BeaconType.HEARTBEAT, t, position + t - start));
        }
        if (random.nextInt(5) < 3) {
            long end = t + 5_000 + random.nextInt(3_000);
            beacons.add(beacon(live, sessionId, ticket, mode, BeaconType.VIEW_END, end, position + end - start));
            played += end - playingSince;
        } else {
            played += t - playingSince;
        }
        return new Session(live, mode, ticket, beacons, played);
    }

    /** Twelve page visitors, some loading the page twice. */
    private static List<Beacon> pageViews(String live, Random random) {
        List<Beacon> views = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            long at = T0.toEpochMilli() + random.nextInt(240_000);
            views.add(beacon(live, live + "-page-" + i, null, ViewMode.PAGE, BeaconType.PAGE_VIEW, at, 0));
            if (i % 4 == 0) {
                views.add(beacon(live, live + "-page-" + i, null, ViewMode.PAGE, BeaconType.PAGE_VIEW, at + 20_000, 0));
            }
        }
        return views;
    }

    /** Five paid checkouts (one delivered twice), a delayed payment that succeeds and one that fails. */
    private static List<PaymentFact> payments(String live, Random random) {
        List<PaymentFact> facts = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            facts.add(payment(live, "cs_" + live + "_" + i, PaymentEventType.CHECKOUT_COMPLETED, random)
                    .build());
        }
        facts.add(facts.get(0)); // Stripe's duplicate
        facts.add(payment(live, "cs_" + live + "_delayed", PaymentEventType.CHECKOUT_COMPLETED, random)
                .setPaid(false)
                .build());
        facts.add(payment(live, "cs_" + live + "_delayed", PaymentEventType.ASYNC_PAYMENT_SUCCEEDED, random)
                .build());
        facts.add(payment(live, "cs_" + live + "_failed", PaymentEventType.CHECKOUT_COMPLETED, random)
                .setPaid(false)
                .build());
        facts.add(payment(live, "cs_" + live + "_failed", PaymentEventType.ASYNC_PAYMENT_FAILED, random)
                .build());
        return facts;
    }

    /** The final TOTAL per live and mode, described, from the script. */
    private static Map<String, String> groundTruthTotals(
            List<Session> sessions, List<Beacon> pageViews, List<PaymentFact> payments) {
        Map<String, String> truth = new TreeMap<>();
        Map<String, Long> samples = groundTruthSamples(sessions);
        for (String live : LIVES) {
            for (ViewMode mode : List.of(ViewMode.LIVE, ViewMode.REPLAY)) {
                List<Session> of = sessions.stream()
                        .filter(s -> s.live().equals(live) && s.mode() == mode)
                        .toList();
                long peak = 0;
                String peakAt = null;
                for (Map.Entry<String, Long> sample : samples.entrySet()) { // in time order: the first at the peak wins
                    if (sample.getKey().startsWith(live + "/" + mode + "/") && sample.getValue() > peak) {
                        peak = sample.getValue();
                        peakAt = sample.getKey().substring(sample.getKey().lastIndexOf('/') + 1);
                    }
                }
                long watch = of.stream().mapToLong(Session::playedMillis).sum();
                truth.put(
                        live + "/" + mode,
                        describe(
                                peak,
                                peakAt,
                                of.size(),
                                of.stream()
                                        .map(Session::ticket)
                                        .filter(Objects::nonNull)
                                        .distinct()
                                        .count(),
                                of.stream().filter(s -> s.ticket() == null).count(),
                                watch,
                                watch / of.size()));
            }
            long visitors = pageViews.stream()
                    .filter(b -> b.getLiveId().equals(live))
                    .map(Beacon::getSessionId)
                    .distinct()
                    .count();
            Set<String> buyers = new HashSet<>();
            for (PaymentFact fact : payments) {
                if (fact.getLiveId().equals(live)
                        && (fact.getType() == PaymentEventType.ASYNC_PAYMENT_SUCCEEDED
                                || fact.getType() == PaymentEventType.CHECKOUT_COMPLETED && fact.getPaid())) {
                    buyers.add(fact.getTicketId());
                }
            }
            truth.put(live + "/PAGE", "visitors=" + visitors + " buyers=" + buyers.size());
        }
        return truth;
    }

    /**
     * Every non-zero concurrency sample, straight from the definition: at boundary t, the sessions with a beacon
     * other than VIEW_END at h ≤ t &lt; h + 30 s and no VIEW_END at or before t. Keyed live/mode/at, in time order.
     */
    private static Map<String, Long> groundTruthSamples(List<Session> sessions) {
        Map<String, Long> samples = new TreeMap<>();
        long end = T0.plus(Duration.ofMinutes(15)).toEpochMilli();
        for (long t = T0.toEpochMilli(); t <= end; t += SAMPLE_MILLIS) {
            for (Session session : sessions) {
                if (watchingAt(session, t)) {
                    samples.merge(session.live() + "/" + session.mode() + "/" + Instant.ofEpochMilli(t), 1L, Long::sum);
                }
            }
        }
        return samples;
    }

    private static boolean watchingAt(Session session, long t) {
        boolean ended = false;
        boolean recent = false;
        for (Beacon beacon : session.beacons()) {
            long h = beacon.getOccurredAt().toEpochMilli();
            if (beacon.getType() == BeaconType.VIEW_END) {
                ended |= h <= t;
            } else {
                recent |= h <= t && t < h + STALE_MILLIS;
            }
        }
        return recent && !ended;
    }

    private static String describe(
            long peak, Object peakAt, long views, long uniques, long anonymous, long watch, Long average) {
        return "peak=" + peak + " at=" + peakAt + " views=" + views + " uniques=" + uniques + " anonymous=" + anonymous
                + " watch=" + watch + " average=" + average;
    }

    /**
     * The script in its publication order; then the poison record, and a sentinel page view an hour later on every
     * beacon partition. Payment partitions fall idle, so they do not hold the watermark back.
     */
    private static void publish(EmbeddedKafka kafka, List<Outgoing> outgoing) throws Exception {
        try (EventPublisher publisher = new EventPublisher(kafka.settings(), "test");
                KafkaProducer<String, byte[]> raw =
                        new KafkaProducer<>(KafkaClients.durableProducer(kafka.settings(), "raw"))) {
            for (Outgoing event : outgoing) {
                publisher.publish(event.topic(), event.key(), event.event());
            }
            publisher.flush();
            raw.send(new ProducerRecord<>(
                            Topic.BEACONS.topicName(), "live_a", "not a beacon".getBytes(StandardCharsets.UTF_8)))
                    .get(30, TimeUnit.SECONDS);
            EventCodec<Beacon> codec = EventCodec.of(Beacon.class);
            long sentinelAt = T0.plus(SENTINEL_AFTER).toEpochMilli();
            for (int partition = 0; partition < Topic.BEACONS.partitions(); partition++) {
                Beacon sentinel = beacon(
                        "sentinel", "sentinel-" + partition, null, ViewMode.PAGE, BeaconType.PAGE_VIEW, sentinelAt, 0);
                raw.send(
                        new ProducerRecord<>(Topic.BEACONS.topicName(), partition, "sentinel", codec.encode(sentinel)));
            }
            raw.flush();
        }
    }

    private static List<AudienceMetric> read(EmbeddedKafka kafka) {
        EventCodec<AudienceMetric> codec = EventCodec.of(AudienceMetric.class);
        try (TopicReader reader = new TopicReader(kafka.settings())) {
            return reader.readFrom(Topic.AUDIENCE_METRICS, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(record -> {
                        AudienceMetric metric = codec.decode(record.value());
                        assertThat(record.key()).isEqualTo(AudienceRecords.key(metric));
                        return metric;
                    })
                    .filter(metric -> LIVES.contains(metric.getLiveId()))
                    .toList();
        }
    }

    /** The latest TOTAL per live and mode, described like the ground truth. */
    private static Map<String, String> totals(List<AudienceMetric> metrics) {
        Map<String, String> totals = new TreeMap<>();
        for (AudienceMetric m : metrics) {
            if (m.getType() == AudienceMetricType.TOTAL) {
                totals.put(
                        m.getLiveId() + "/" + m.getMode(),
                        m.getMode() == ViewMode.PAGE
                                ? "visitors=" + m.getPageVisitors() + " buyers=" + m.getBuyers()
                                : describe(
                                        m.getPeakConcurrentViewers(),
                                        m.getPeakAt(),
                                        m.getViews(),
                                        m.getUniqueViewers(),
                                        m.getUniqueAnonymousSessions(),
                                        m.getWatchTimeMillis(),
                                        m.getAverageWatchTimeMillis()));
            }
        }
        return totals;
    }

    /** The non-zero CONCURRENCY samples, keyed live/mode/at. */
    private static Map<String, Long> samples(List<AudienceMetric> metrics) {
        Map<String, Long> samples = new TreeMap<>();
        for (AudienceMetric m : metrics) {
            if (m.getType() == AudienceMetricType.CONCURRENCY && m.getConcurrentViewers() > 0) {
                samples.put(m.getLiveId() + "/" + m.getMode() + "/" + m.getAt(), m.getConcurrentViewers());
            }
        }
        return samples;
    }

    private static Outgoing out(Topic topic, String key, SpecificRecord event, Instant at, Random random) {
        return new Outgoing(at.toEpochMilli() + random.nextInt((int) MAX_DISORDER_MILLIS), topic, key, event);
    }

    private static Beacon beacon(
            String live, String session, String ticket, ViewMode mode, BeaconType type, long at, long position) {
        Instant time = Instant.ofEpochMilli(at);
        return SampleEvents.beacon(live, session)
                .setTicketId(ticket)
                .setMode(mode)
                .setType(type)
                .setPositionMillis(position)
                .setOccurredAt(time)
                .setClientTime(time)
                .setReceivedAt(time)
                .build();
    }

    private static PaymentFact.Builder payment(String live, String ticket, PaymentEventType type, Random random) {
        return SampleEvents.payment(live, ticket).setType(type).setOccurredAt(T0.plusMillis(random.nextInt(300_000)));
    }
}
