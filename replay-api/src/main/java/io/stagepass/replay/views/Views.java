package io.stagepass.replay.views;

import io.stagepass.events.Analyst;
import io.stagepass.events.AudienceMetric;
import io.stagepass.events.Creator;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.MalformedEventException;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.TicketLedger;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay API's views, rebuilt at start from the topics and kept current as facts arrive: creators, analysts and
 * their key hashes, lives, their stored segments, their replays, their audience as the audience job publishes it, and every
 * ticket and the revenue folded from the payment facts through the contract's {@link TicketLedger} and
 * {@link io.stagepass.events.RevenueDelta}. Reading payments itself (not waiting for the entitlements and revenue jobs'
 * checkpoints) is what makes a refund stop playback, and a sale show on a dashboard, within a second of Stripe's
 * webhook. {@link #ready()} says when everything the topics held at start is in; listeners hear of every change.
 */
public final class Views implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Views.class);
    private static final List<Topic> TOPICS = List.of(
            Topic.CREATORS,
            Topic.LIVES,
            Topic.SEGMENTS,
            Topic.REPLAYS,
            Topic.PAYMENTS,
            Topic.AUDIENCE_METRICS,
            Topic.ANALYSTS);

    /** What changed for a live: what a dashboard listening to it reloads. */
    public enum Change {
        LIVE,
        REPLAY,
        REVENUE,
        AUDIENCE,
        TICKETS
    }

    /** Hears of each change to a live, on the views' thread: it must return quickly. */
    public interface Listener {
        void changed(String liveId, Change change);
    }

    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration APPLIED_POLL = Duration.ofMillis(5);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec<Live> lives = EventCodec.of(Live.class);
    private final EventCodec<SegmentStored> segments = EventCodec.of(SegmentStored.class);
    private final EventCodec<ReplayStatus> replays = EventCodec.of(ReplayStatus.class);
    private final EventCodec<PaymentFact> payments = EventCodec.of(PaymentFact.class);
    private final EventCodec<Creator> creators = EventCodec.of(Creator.class);
    private final EventCodec<AudienceMetric> audienceMetrics = EventCodec.of(AudienceMetric.class);
    private final Map<String, Creator> creatorById = new ConcurrentHashMap<>();
    private final Map<String, String> creatorByKeyHash = new ConcurrentHashMap<>();
    private final EventCodec<Analyst> analysts = EventCodec.of(Analyst.class);
    private final Map<String, Analyst> analystById = new ConcurrentHashMap<>();
    private final Map<String, String> analystByKeyHash = new ConcurrentHashMap<>();
    private final Map<String, LiveRevenue> revenue = new ConcurrentHashMap<>();
    private final Map<String, LiveAudience> audience = new ConcurrentHashMap<>();
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, Live> liveById = new ConcurrentHashMap<>();
    private final Map<String, LiveMedia> media = new ConcurrentHashMap<>();
    private final Map<String, ReplayStatus> latestReplay = new ConcurrentHashMap<>();
    private final Map<String, ReplayStatus> readyReplay = new ConcurrentHashMap<>();
    private final Map<String, TicketLedger> tickets = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong lag = new AtomicLong(-1);
    private final AtomicLong applied = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;

    public Views(KafkaSettings kafka) {
        this.consumer = KafkaClients.assignedReader(kafka);
        this.thread = new Thread(this::run, "replay-api-views");
        thread.setDaemon(true);
    }

    public Views start() {
        thread.start();
        return this;
    }

    /** Whether the views hold everything the topics held when the API started. */
    public boolean ready() {
        return caughtUp.getCount() == 0;
    }

    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records on the topics not applied yet (measured every few seconds; -1 before the first measure). */
    public long lag() {
        return lag.get();
    }

    public long appliedCount() {
        return applied.get();
    }

    public Optional<Live> live(String liveId) {
        return Optional.ofNullable(liveById.get(liveId));
    }

    public LiveMedia media(String liveId) {
        return media.computeIfAbsent(liveId, id -> new LiveMedia());
    }

    /** The latest status of the live's replay (packaging, ready, expired...). */
    public Optional<ReplayStatus> latestReplay(String liveId) {
        return Optional.ofNullable(latestReplay.get(liveId));
    }

    /** The READY version viewers are served, if the views saw it. */
    public Optional<ReplayStatus> readyReplay(String liveId) {
        return Optional.ofNullable(readyReplay.get(liveId));
    }

    public Optional<Creator> creator(String creatorId) {
        return Optional.ofNullable(creatorById.get(creatorId));
    }

    /** The creator whose current API key has this SHA-256; a rotated key finds nobody. */
    /** The analyst whose current key has this hash (none once revoked). */
    public Optional<Analyst> analystByKeyHash(String keyHash) {
        return Optional.ofNullable(analystByKeyHash.get(keyHash)).map(analystById::get);
    }

    public Optional<Creator> creatorByKeyHash(String keyHash) {
        return Optional.ofNullable(creatorByKeyHash.get(keyHash)).map(creatorById::get);
    }

    /** Every live of a creator, newest scheduled start first (then newest id). */
    public List<Live> livesOf(String creatorId) {
        return liveById.values().stream()
                .filter(live -> live.getCreatorId().equals(creatorId))
                .sorted(LIVES_NEWEST_FIRST)
                .toList();
    }

    public LiveRevenue revenue(String liveId) {
        return revenue.computeIfAbsent(liveId, id -> new LiveRevenue());
    }

    public LiveAudience audience(String liveId) {
        return audience.computeIfAbsent(liveId, id -> new LiveAudience());
    }

    public void listen(Listener listener) {
        listeners.add(listener);
    }

    public void unlisten(Listener listener) {
        listeners.remove(listener);
    }

    /**
     * Waits until the views have applied the record at {@code written} (a write of this API: read your own writes), so
     * that the answer to a request that changed something already shows the change.
     */
    public boolean awaitApplied(RecordMetadata written, Duration timeout) throws InterruptedException {
        TopicPartition partition = new TopicPartition(written.topic(), written.partition());
        try {
            return Await.until(
                            timeout,
                            APPLIED_POLL,
                            () -> positions.getOrDefault(partition, -1L) > written.offset(),
                            Boolean.TRUE::equals)
                    .met();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // the probe reads a map: it does not throw
        }
    }

    public Optional<TicketLedger> ticket(String liveId, String ticketId) {
        return Optional.ofNullable(tickets.get(liveId + "/" + ticketId));
    }

    private void run() {
        try {
            while (running) {
                try {
                    follow();
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("replay API views interrupted, reloading in {} s: {}", RETRY.toSeconds(), e.toString());
                    Thread.sleep(RETRY.toMillis());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            consumer.close();
        }
    }

    private void follow() {
        List<TopicPartition> partitions = new ArrayList<>();
        TOPICS.forEach(topic -> partitions.addAll(KafkaClients.partitions(consumer, topic)));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> start = consumer.endOffsets(partitions);
        long nextLag = 0;
        while (running) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                apply(record);
                positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            if (caughtUp.getCount() > 0
                    && start.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                caughtUp.countDown();
                LOG.info(
                        "replay API views loaded: {} lives, {} tickets, {} replays",
                        liveById.size(),
                        tickets.size(),
                        readyReplay.size());
            }
            if (System.nanoTime() - nextLag > 0) {
                nextLag = System.nanoTime() + LAG_EVERY.toNanos();
                long behind = 0;
                for (Map.Entry<TopicPartition, Long> end :
                        consumer.endOffsets(partitions).entrySet()) {
                    behind += Math.max(0, end.getValue() - consumer.position(end.getKey()));
                }
                lag.set(behind);
            }
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.value() == null) {
            return;
        }
        try {
            switch (Topic.byName(record.topic()).orElseThrow()) {
                case CREATORS -> {
                    Creator creator = creators.decode(record.value());
                    Creator previous = creatorById.put(creator.getCreatorId(), creator);
                    if (previous != null && previous.getApiKeySha256() != null) {
                        creatorByKeyHash.remove(previous.getApiKeySha256(), previous.getCreatorId());
                    }
                    if (creator.getApiKeySha256() != null) {
                        creatorByKeyHash.put(creator.getApiKeySha256(), creator.getCreatorId());
                    }
                }
                case ANALYSTS -> {
                    Analyst analyst = analysts.decode(record.value());
                    Analyst previous = analystById.put(analyst.getAnalystId(), analyst);
                    if (previous != null && previous.getApiKeySha256() != null) {
                        analystByKeyHash.remove(previous.getApiKeySha256(), previous.getAnalystId());
                    }
                    if (analyst.getApiKeySha256() != null) {
                        analystByKeyHash.put(analyst.getApiKeySha256(), analyst.getAnalystId());
                    }
                }
                case LIVES -> {
                    Live live = lives.decode(record.value());
                    liveById.put(live.getLiveId(), live);
                    notify(live.getLiveId(), Change.LIVE);
                }
                case AUDIENCE_METRICS -> {
                    AudienceMetric metric = audienceMetrics.decode(record.value());
                    audience(metric.getLiveId()).add(metric);
                    notify(metric.getLiveId(), Change.AUDIENCE);
                }
                case SEGMENTS -> {
                    SegmentStored segment = segments.decode(record.value());
                    media(segment.getLiveId()).add(segment);
                }
                case REPLAYS -> {
                    ReplayStatus status = replays.decode(record.value());
                    latestReplay.put(status.getLiveId(), status);
                    if (status.getType() == ReplayEventType.READY) {
                        readyReplay.put(status.getLiveId(), status);
                    } else if (status.getType() == ReplayEventType.EXPIRED) {
                        readyReplay.remove(status.getLiveId());
                    }
                    notify(status.getLiveId(), Change.REPLAY);
                }
                case PAYMENTS -> {
                    PaymentFact fact = payments.decode(record.value());
                    tickets.merge(
                            fact.getLiveId() + "/" + fact.getTicketId(),
                            TicketLedger.empty().apply(fact),
                            (ledger, ignored) -> ledger.apply(fact));
                    notify(fact.getLiveId(), Change.TICKETS);
                    if (revenue(fact.getLiveId()).add(fact)) {
                        notify(fact.getLiveId(), Change.REVENUE);
                    }
                }
                default -> {}
            }
            applied.incrementAndGet();
        } catch (MalformedEventException e) {
            LOG.warn(
                    "skipping unreadable record {}-{}@{}: {}",
                    record.topic(),
                    record.partition(),
                    record.offset(),
                    e.getMessage());
        }
    }

    private void notify(String liveId, Change change) {
        if (!ready()) {
            return; // loading: nobody can have seen the earlier state yet
        }
        for (Listener listener : listeners) {
            try {
                listener.changed(liveId, change);
            } catch (RuntimeException e) {
                LOG.warn("a views listener failed on {} of {}: {}", change, liveId, e.toString());
            }
        }
    }

    private static final Comparator<Live> LIVES_NEWEST_FIRST = Comparator.comparing(
                    (Live live) -> live.getScheduledStart() == null ? Instant.MIN : live.getScheduledStart())
            .thenComparing(Live::getLiveId)
            .reversed();

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
