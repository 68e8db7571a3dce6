package io.stagepass.ingest.lives;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.MalformedEventException;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingest's view of the lives catalog, rebuilt from the compacted lives topic at start and kept current: which
 * live a stream key belongs to (by its SHA-256; keys are never stored) and each live's latest state.
 */
public final class LiveCatalog implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LiveCatalog.class);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final KafkaConsumer<String, byte[]> consumer;
    private final EventCodec<Live> codec = EventCodec.of(Live.class);
    private final Map<String, Live> byId = new ConcurrentHashMap<>();
    private final Map<String, String> liveIdByKeyHash = new ConcurrentHashMap<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean started;

    public LiveCatalog(KafkaSettings kafka) {
        this.consumer = KafkaClients.assignedReader(kafka);
        this.thread = new Thread(this::run, "ingest-live-catalog");
        thread.setDaemon(true);
    }

    public LiveCatalog start() {
        started = true;
        thread.start();
        return this;
    }

    /** Waits until the view holds everything the topic had at start; false when that took longer than {@code timeout}. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The live a stream key was issued for, unless the key was revoked. */
    public Optional<Live> byStreamKey(String streamKey) {
        return Optional.ofNullable(liveIdByKeyHash.get(StreamKeys.sha256(streamKey)))
                .map(byId::get)
                .filter(live -> !live.getStreamKeyRevoked());
    }

    public Optional<Live> byId(String liveId) {
        return Optional.ofNullable(byId.get(liveId));
    }

    void apply(Live live) {
        Live previous = byId.put(live.getLiveId(), live);
        if (previous != null
                && previous.getStreamKeySha256() != null
                && !previous.getStreamKeySha256().equals(live.getStreamKeySha256())) {
            liveIdByKeyHash.remove(previous.getStreamKeySha256());
        }
        if (live.getStreamKeySha256() != null) {
            liveIdByKeyHash.put(live.getStreamKeySha256(), live.getLiveId());
        }
    }

    /** Reads the topic from the start, then follows it; on an error it waits and starts over (a view is rebuildable). */
    private void run() {
        try {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    follow();
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("live catalog view interrupted, reloading in {} s: {}", RETRY.toSeconds(), e.toString());
                    try {
                        Thread.sleep(RETRY.toMillis());
                    } catch (InterruptedException interrupted) {
                        return;
                    }
                }
            }
        } finally {
            consumer.close();
        }
    }

    private void follow() {
        List<TopicPartition> partitions = KafkaClients.partitions(consumer, Topic.LIVES);
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (true) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.value() == null) {
                    remove(record.key()); // a tombstone: the live is gone
                    continue;
                }
                try {
                    apply(codec.decode(record.value()));
                } catch (MalformedEventException e) {
                    LOG.warn(
                            "skipping unreadable live record at {}-{}@{}: {}",
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            e.getMessage());
                }
            }
            if (caughtUp.getCount() > 0
                    && end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue())) {
                caughtUp.countDown();
                LOG.info("live catalog loaded: {} lives", byId.size());
            }
        }
    }

    void remove(String liveId) {
        Live previous = liveId == null ? null : byId.remove(liveId);
        if (previous != null && previous.getStreamKeySha256() != null) {
            liveIdByKeyHash.remove(previous.getStreamKeySha256(), liveId);
        }
    }

    /** Stops following the topic; the consumer is closed by its thread, or here if it never started. */
    @Override
    public void close() throws InterruptedException {
        if (!started) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        thread.join(10_000);
    }
}
