package io.stagepass.replay.views;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replay API's views, rebuilt at start from the topics and kept current as facts arrive: lives, their stored
 * segments, their replays, and every ticket folded from the payment facts through the contract's {@link TicketLedger}.
 * Reading payments itself (not waiting for the entitlements job's checkpoints) is what makes a refund stop playback
 * within a second or two of Stripe's webhook. {@link #ready()} says when everything the topics held at start is in.
 */
public final class PlaybackViews implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PlaybackViews.class);
    private static final List<Topic> TOPICS = List.of(Topic.LIVES, Topic.SEGMENTS, Topic.REPLAYS, Topic.PAYMENTS);
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec<Live> lives = EventCodec.of(Live.class);
    private final EventCodec<SegmentStored> segments = EventCodec.of(SegmentStored.class);
    private final EventCodec<ReplayStatus> replays = EventCodec.of(ReplayStatus.class);
    private final EventCodec<PaymentFact> payments = EventCodec.of(PaymentFact.class);
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

    public PlaybackViews(KafkaSettings kafka) {
        this.consumer = KafkaClients.assignedReader(kafka);
        this.thread = new Thread(this::run, "replay-api-views");
        thread.setDaemon(true);
    }

    public PlaybackViews start() {
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
                case LIVES -> {
                    Live live = lives.decode(record.value());
                    liveById.put(live.getLiveId(), live);
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
                }
                case PAYMENTS -> {
                    PaymentFact fact = payments.decode(record.value());
                    tickets.merge(
                            fact.getLiveId() + "/" + fact.getTicketId(),
                            TicketLedger.empty().apply(fact),
                            (ledger, ignored) -> ledger.apply(fact));
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

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(10_000);
    }
}
