package io.stagepass.platform.views;

import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
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
    private static final Duration POLL = Duration.ofMillis(100);

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
    /** The view's position in each partition of a synced topic, after applying what it polled. */
    private final Map<TopicPartition, Long> consumed = new ConcurrentHashMap<>();

    private final Map<Topic, Boolean> syncTopics = new ConcurrentHashMap<>();
    private volatile List<TopicPartition> assigned = List.of();
    private final KafkaSettings kafka;
    private final Object probeLock = new Object();
    private Admin admin; // opened at the first sync; guarded by probeLock
    private boolean probing; // guarded by probeLock
    private CompletableFuture<Map<TopicPartition, Long>> nextProbe; // guarded by probeLock
    private long lastProbeNanos; // guarded by probeLock
    private Map<TopicPartition, Long> lastProbe; // guarded by probeLock
    private long probeWindowStart; // guarded by probeLock
    private int probesInWindow; // guarded by probeLock
    /**
     * Under a flood of unknown keys (more than {@link #FLOOD_PROBES} probes in a second), a probe's answer is reused
     * for {@link #FLOOD_REUSE}: Kafka is asked at most 20 times a second whatever the flood (a probe is a metadata
     * and a list-offsets request), and a key made in the last 100 ms may be refused during one. Below that rate every miss asks Kafka afresh.
     */
    private static final int FLOOD_PROBES = 10;

    private static final long FLOOD_REUSE = TimeUnit.MILLISECONDS.toNanos(100);

    /** {@code name} names the thread and the log lines. */
    public TopicView(KafkaSettings kafka, String name, List<? extends Projection<?>> projections) {
        this.name = name;
        this.kafka = kafka;
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
     * missed, whether what it looked for was written a moment ago or does not exist. The topic's end offsets come from
     * an admin client (its own connection: the view's consumer may be waiting on a fetch), one request for every caller
     * that arrived while the previous one ran; when the view is current, as it usually is, that request is the whole
     * wait (a millisecond or two). False when it took longer than {@code timeout}.
     */
    public boolean sync(Topic topic, Duration timeout) throws InterruptedException {
        syncTopics.put(topic, Boolean.TRUE);
        Map<TopicPartition, Long> ends;
        try {
            ends = endOffsetsFromNow().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
        Map<TopicPartition, Long> wanted = new java.util.HashMap<>();
        ends.forEach((partition, end) -> {
            if (partition.topic().equals(topic.topicName())) {
                wanted.put(partition, end);
            }
        });
        try {
            return Await.until(timeout, APPLIED_POLL, () -> caughtUpTo(wanted), Boolean.TRUE::equals)
                    .met();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e); // the probe reads a map: it does not throw
        }
    }

    private boolean caughtUpTo(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (end.getValue() > 0 && consumed.getOrDefault(end.getKey(), 0L) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** End offsets of the synced topics, asked for after this call: joins the next request when one is running. */
    private CompletableFuture<Map<TopicPartition, Long>> endOffsetsFromNow() {
        CompletableFuture<Map<TopicPartition, Long>> fresh;
        synchronized (probeLock) {
            long now = System.nanoTime();
            if (now - probeWindowStart > TimeUnit.SECONDS.toNanos(1)) {
                probeWindowStart = now;
                probesInWindow = 0;
            }
            if (probesInWindow > FLOOD_PROBES && lastProbe != null && now - lastProbeNanos < FLOOD_REUSE) {
                return CompletableFuture.completedFuture(lastProbe); // a flood: the answer of 100 ms ago will do
            }
            if (probing) {
                if (nextProbe == null) {
                    nextProbe = new CompletableFuture<>();
                }
                return nextProbe;
            }
            probing = true;
            fresh = new CompletableFuture<>();
        }
        probe(fresh); // outside the lock: the admin client's call must not hold up the requests that join it
        return fresh;
    }

    private void probe(CompletableFuture<Map<TopicPartition, Long>> result) {
        synchronized (probeLock) {
            lastProbeNanos = System.nanoTime();
            probesInWindow++;
        }
        Map<TopicPartition, OffsetSpec> request = new java.util.HashMap<>();
        for (TopicPartition partition : assigned) {
            if (syncTopics.keySet().stream().anyMatch(t -> t.topicName().equals(partition.topic()))) {
                request.put(partition, OffsetSpec.latest());
            }
        }
        Admin client;
        synchronized (probeLock) {
            if (admin == null) {
                admin = KafkaClients.admin(kafka);
            }
            client = admin;
        }
        client.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .whenComplete((offsets, error) -> {
                    if (error != null) {
                        result.completeExceptionally(error);
                    } else {
                        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
                        offsets.forEach((partition, info) -> ends.put(partition, info.offset()));
                        synchronized (probeLock) {
                            lastProbe = ends;
                        }
                        result.complete(ends);
                    }
                    CompletableFuture<Map<TopicPartition, Long>> next;
                    synchronized (probeLock) {
                        next = nextProbe;
                        nextProbe = null;
                        probing = next != null;
                    }
                    if (next != null) {
                        probe(next);
                    }
                });
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
        assigned = List.copyOf(partitions);
        while (running) {
            for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                if (projections.apply(record, this::notify)) {
                    applied.incrementAndGet();
                }
                positions.put(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            for (TopicPartition partition : partitions) {
                if (topicOf(partition) != null) {
                    consumed.put(partition, consumer.position(partition)); // after what was polled was applied
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

    private Topic topicOf(TopicPartition partition) {
        for (Topic topic : syncTopics.keySet()) {
            if (topic.topicName().equals(partition.topic())) {
                return topic;
            }
        }
        return null;
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
        synchronized (probeLock) {
            if (admin != null) {
                admin.close(Duration.ofSeconds(5));
            }
        }
    }
}
