package io.stagepass.platform.views;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Topics followed into memory, the one way every service does it: one thread with one read_committed consumer in no
 * group, assigned every partition of the topics its projections declare, reads them from the beginning and applies
 * each record by {@link Projections}' rule. After an error it waits and reads everything again: a view is
 * rebuildable, and its projections converge on the same records to the same state.
 *
 * <p>{@link #ready()} says when everything the topics held at start is applied; {@link #awaitApplied} lets a writer
 * read its own write; {@link #lag()} is measured every few seconds; listeners hear of each change once the view is
 * ready (while it loads, nobody can have seen the earlier state).
 */
public final class TopicView implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TopicView.class);
    /** Short, so that a {@link #sync} starts within milliseconds even while the topics are quiet. */
    private static final Duration POLL = Duration.ofMillis(20);

    private static final Duration APPLIED_POLL = Duration.ofMillis(5);
    private static final Duration LAG_EVERY = Duration.ofSeconds(5);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration JOIN = Duration.ofSeconds(10);

    private final String name;
    private final Projections projections;
    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<TopicPartition, Long> positions = new ConcurrentHashMap<>();
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final AtomicLong lag = new AtomicLong(-1);
    private final AtomicLong applied = new AtomicLong();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean started;
    /** Syncs asked for (by {@link #sync}) and done (by the view's thread), by number; guarded by {@code this}. */
    private long syncsAsked;

    private long syncsDone;
    private final Map<Topic, Long> syncTopics = new ConcurrentHashMap<>();

    /** {@code name} names the thread and the log lines. */
    public TopicView(KafkaSettings kafka, String name, List<? extends Projection<?>> projections) {
        this.name = name;
        this.projections = new Projections(projections);
        this.consumer = KafkaClients.assignedReader(kafka);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
    }

    public TopicView start() {
        started = true;
        thread.start();
        return this;
    }

    /** Whether the projections hold everything the topics held when the view started. */
    public boolean ready() {
        return caughtUp.getCount() == 0;
    }

    /** Waits until {@link #ready()}; false when that took longer than {@code timeout}. */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records on the topics not applied yet (measured every few seconds; -1 before the first measure). */
    public long lag() {
        return lag.get();
    }

    /** Records applied so far (skipped ones not counted). */
    public long appliedCount() {
        return applied.get();
    }

    /**
     * Waits until the view has applied the record at {@code written} (a write of this service: read your own
     * writes), so that the answer to a request that changed something already shows the change.
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

    /**
     * Waits until the view has applied every record that {@code topic} held when this was called: after a lookup
     * missed, whether what it looked for was written a moment ago or does not exist. The view's thread asks the
     * brokers for the topic's end offsets once for all callers waiting at that moment and reads up to them, which
     * takes milliseconds when the view keeps up. False when that took longer than {@code timeout}.
     */
    public boolean sync(Topic topic, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (this) {
            syncTopics.put(topic, 1L);
            long ticket = ++syncsAsked;
            while (syncsDone < ticket) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || !running) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }
    }

    public void listen(ChangeListener listener) {
        listeners.add(listener);
    }

    public void unlisten(ChangeListener listener) {
        listeners.remove(listener);
    }

    private void run() {
        try {
            while (running) {
                try {
                    follow();
                } catch (WakeupException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.warn("{} interrupted, reloading in {} s: {}", name, RETRY.toSeconds(), e.toString());
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
        projections.topics().forEach(topic -> partitions.addAll(KafkaClients.partitions(consumer, topic)));
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> start = consumer.endOffsets(partitions);
        long nextLag = System.nanoTime();
        long syncing = 0; // the syncs asked for up to when syncTarget was read
        Map<TopicPartition, Long> syncTarget = null;
        while (running) {
            if (syncTarget == null) {
                long asked;
                synchronized (this) {
                    asked = syncsAsked;
                }
                if (asked > syncing) {
                    syncing = asked;
                    List<TopicPartition> wanted = partitions.stream()
                            .filter(tp -> syncTopics.keySet().stream()
                                    .anyMatch(t -> t.topicName().equals(tp.topic())))
                            .toList();
                    syncTarget = consumer.endOffsets(wanted);
                }
            }
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (projections.apply(record, this::notify)) {
                    applied.incrementAndGet();
                }
                positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            if (syncTarget != null && KafkaClients.reached(consumer, syncTarget)) {
                syncTarget = null;
                synchronized (this) {
                    syncsDone = syncing;
                    notifyAll();
                }
            }
            if (!ready() && KafkaClients.reached(consumer, start)) {
                caughtUp.countDown();
                LOG.info("{} loaded: {}", name, sizes());
            }
            if (System.nanoTime() - nextLag >= 0) {
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

    private void notify(Projection<?> projection, String id) {
        if (!ready()) {
            return; // loading: nobody can have seen the earlier state yet
        }
        for (ChangeListener listener : listeners) {
            try {
                listener.changed(projection, id);
            } catch (RuntimeException e) {
                LOG.warn("a listener of {} failed on {} {}: {}", name, projection.name(), id, e.toString());
            }
        }
    }

    private String sizes() {
        return projections.all().stream()
                .map(projection -> projection.name() + " " + projection.size())
                .collect(Collectors.joining(", "));
    }

    /** Stops following; the consumer is closed by the view's thread, or here if the view never started. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        if (!started) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        thread.join(JOIN.toMillis());
    }
}
