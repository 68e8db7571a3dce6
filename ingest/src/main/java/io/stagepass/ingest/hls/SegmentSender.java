package io.stagepass.ingest.hls;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the spool in the background; {@link Delivery} does one live. Each live
 * belongs to one of {@code workers} workers (by hash), so a live's entries stay in order while lives are delivered in
 * parallel. When the object store or Kafka is down, only that live waits: it is retried with exponential backoff
 * (100 ms doubling to 5 s) and loses nothing.
 */
public final class SegmentSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSender.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(20);

    private final Spool spool;
    private final Delivery delivery;
    private final Clock clock;
    private final int workers;
    private final ExecutorService pool;
    private final Object wakeup = new Object();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;

    /** When a live's delivery is tried again, and the wait that led there. */
    private record Retry(long atMillis, long backoffMillis) {
        static final long MIN_BACKOFF_MILLIS = 100;
        static final long MAX_BACKOFF_MILLIS = 5_000;

        static Retry after(Retry previous, long now) {
            long backoff =
                    previous == null ? MIN_BACKOFF_MILLIS : Math.min(previous.backoffMillis * 2, MAX_BACKOFF_MILLIS);
            return new Retry(now + backoff, backoff);
        }
    }

    /** {@code workers}: lives delivered in parallel. */
    public SegmentSender(Spool spool, Delivery delivery, Clock clock, int workers) {
        this.spool = spool;
        this.delivery = delivery;
        this.clock = clock;
        this.workers = workers;
        this.pool = Executors.newFixedThreadPool(workers, named("ingest-segment-sender-"));
    }

    public SegmentSender start() {
        for (int i = 0; i < workers; i++) {
            int worker = i;
            pool.execute(() -> deliver(worker));
        }
        return this;
    }

    /** Something was spooled: look now rather than at the next poll. */
    public void nudge() {
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    public long deliveredCount() {
        return delivery.deliveredCount();
    }

    public long failureCount() {
        return failures.get();
    }

    /** One worker: delivers its lives (by hash) until closed. */
    private void deliver(int worker) {
        Map<String, Retry> retries = new HashMap<>();
        while (running) {
            boolean idle = true;
            for (String liveId : lives()) {
                Retry retry = retries.get(liveId);
                if (Math.floorMod(liveId.hashCode(), workers) != worker
                        || retry != null && clock.millis() < retry.atMillis()) {
                    continue;
                }
                try {
                    idle &= !delivery.deliverLive(liveId);
                    retries.remove(liveId);
                } catch (Exception e) {
                    Retry next = Retry.after(retry, clock.millis()); // only this live waits
                    retries.put(liveId, next);
                    failures.incrementAndGet();
                    LOG.warn(
                            "delivery of live {} failed, retrying in {} ms: {}",
                            liveId,
                            next.backoffMillis(),
                            e.toString());
                }
            }
            if (idle && !awaitWork()) {
                return;
            }
        }
    }

    private List<String> lives() {
        try {
            return spool.lives();
        } catch (IOException e) {
            LOG.warn("cannot list the spool: {}", e.toString());
            return List.of();
        }
    }

    /** Waits for a nudge or the next poll; false when interrupted (closing). */
    private boolean awaitWork() {
        try {
            synchronized (wakeup) {
                wakeup.wait(IDLE_POLL.toMillis());
            }
            return true;
        } catch (InterruptedException e) {
            return false;
        }
    }

    static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return r -> new Thread(r, prefix + next.getAndIncrement());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        nudge();
        pool.shutdownNow(); // a send waiting on an absent broker gives up now
        if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
            LOG.warn("segment senders did not stop within 30 s");
        }
    }
}
