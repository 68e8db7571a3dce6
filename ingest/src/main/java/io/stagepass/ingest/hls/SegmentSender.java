package io.stagepass.ingest.hls;

import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.stagepass.events.Bucket;
import io.stagepass.events.Ids;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.ingest.lives.LiveCatalog;
import io.stagepass.platform.kafka.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the spool in the background: segment bytes to the object store under a deterministic key (a
 * re-delivery overwrites, never duplicates), then the fact to Kafka; only then is the entry forgotten. When the
 * object store or Kafka is down it retries with exponential backoff (100 ms doubling to 5 s) and loses nothing.
 * Several workers deliver different lives in parallel; entries of one live go out in the order they were spooled.
 */
public final class SegmentSender implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SegmentSender.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);
    private static final Duration IDLE_POLL = Duration.ofMillis(20);
    private static final Duration SILENCE_CHECK = Duration.ofSeconds(1);
    private static final long SEND_TIMEOUT_SECONDS = 40;

    private final Spool spool;
    private final LiveSessions sessions;
    private final HlsIngest ingest;
    private final MinioClient s3;
    private final EventPublisher publisher;
    private final LiveCatalog catalog;
    private final Duration durationWait;
    private final Clock clock;
    private final List<Thread> threads;
    private final Object wakeup = new Object();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile boolean running = true;

    public SegmentSender(
            Spool spool,
            LiveSessions sessions,
            HlsIngest ingest,
            MinioClient s3,
            EventPublisher publisher,
            LiveCatalog catalog,
            Duration durationWait,
            Clock clock,
            int workers) {
        this.spool = spool;
        this.sessions = sessions;
        this.ingest = ingest;
        this.s3 = s3;
        this.publisher = publisher;
        this.catalog = catalog;
        this.durationWait = durationWait;
        this.clock = clock;
        this.threads = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            int worker = i;
            threads.add(new Thread(() -> run(worker, workers), "ingest-segment-sender-" + i));
        }
    }

    public SegmentSender start() {
        threads.forEach(Thread::start);
        return this;
    }

    /** Something was spooled: look now rather than at the next poll. */
    public void nudge() {
        synchronized (wakeup) {
            wakeup.notifyAll();
        }
    }

    public long deliveredCount() {
        return delivered.get();
    }

    public long failureCount() {
        return failures.get();
    }

    /**
     * One of the workers: each live belongs to one worker (by hash), so a live's entries stay in order while
     * lives are delivered in parallel. Worker 0 also ends silent lives.
     */
    private void run(int worker, int workers) {
        Map<String, long[]> retries = new HashMap<>(); // live -> {retry at (ms), backoff (ms)}
        long nextSilenceCheck = 0;
        while (running) {
            boolean waiting = true;
            if (worker == 0 && clock.millis() >= nextSilenceCheck) {
                nextSilenceCheck = clock.millis() + SILENCE_CHECK.toMillis();
                try {
                    ingest.endSilentLives();
                } catch (Exception e) {
                    LOG.warn("could not check lives for silence: {}", e.toString());
                }
            }
            List<String> lives;
            try {
                lives = spool.lives();
            } catch (IOException e) {
                LOG.warn("cannot list the spool: {}", e.toString());
                lives = List.of();
            }
            for (String liveId : lives) {
                long[] retry = retries.get(liveId);
                if (Math.floorMod(liveId.hashCode(), workers) != worker || retry != null && clock.millis() < retry[0]) {
                    continue;
                }
                try {
                    waiting &= !deliverLive(liveId);
                    retries.remove(liveId);
                } catch (Exception e) {
                    // Only this live waits: the others of this worker go on.
                    long backoff =
                            retry == null ? MIN_BACKOFF.toMillis() : Math.min(retry[1] * 2, MAX_BACKOFF.toMillis());
                    retries.put(liveId, new long[] {clock.millis() + backoff, backoff});
                    failures.incrementAndGet();
                    LOG.warn("delivery of live {} failed, retrying in {} ms: {}", liveId, backoff, e.toString());
                }
            }
            if (waiting) {
                try {
                    synchronized (wakeup) {
                        wakeup.wait(IDLE_POLL.toMillis());
                    }
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    /** Delivers what is ready of one live, in order; returns whether anything was delivered. */
    private boolean deliverLive(String liveId) throws Exception {
        boolean progressed = false;
        List<SpoolEntry> entries;
        LiveSession session = sessions.get(liveId);
        synchronized (session) {
            entries = spool.entries(liveId); // a consistent view: writers add related entries under this lock
        }
        for (SpoolEntry entry : entries) {
            switch (entry.type()) {
                case SEGMENT -> {
                    Long duration = durationOf(entry);
                    boolean needsDuration = entry.kind() != HlsFile.Kind.INIT;
                    if (needsDuration
                            && duration == null
                            && clock.instant().isBefore(entry.at().plus(durationWait))) {
                        return progressed; // its playlist usually follows within milliseconds
                    }
                    deliverSegment(entry, needsDuration ? duration : null);
                }
                case LIFECYCLE -> deliverLifecycle(entry);
                case GAP -> publish(liveId, gap(entry));
            }
            spool.remove(entry);
            delivered.incrementAndGet();
            progressed = true;
        }
        return progressed;
    }

    private Long durationOf(SpoolEntry entry) {
        LiveSession session = sessions.get(entry.liveId());
        synchronized (session) {
            return session.duration(entry.sequence());
        }
    }

    private void deliverSegment(SpoolEntry entry, Long durationMicros) throws Exception {
        String key = objectKey(entry);
        long size = Files.size(entry.path());
        try (InputStream in = Files.newInputStream(entry.path())) {
            s3.putObject(PutObjectArgs.builder().bucket(Bucket.SEGMENTS.bucketName()).object(key).stream(in, size, -1)
                    .contentType(contentType(entry.kind()))
                    .build());
        }
        publish(
                entry.liveId(),
                SegmentStored.newBuilder()
                        .setEventId(Ids.derivedEventId("segment", key))
                        .setOccurredAt(entry.at())
                        .setType(SegmentEventType.STORED)
                        .setLiveId(entry.liveId())
                        .setSequence(entry.sequence())
                        .setDurationMicros(durationMicros)
                        .setByteSize(size)
                        .setSha256(entry.sha256())
                        .setObjectKey(key)
                        .setContainer(entry.kind().container())
                        .setReceivedAt(entry.at())
                        .setDiscontinuity(entry.discontinuity())
                        .build());
    }

    /** Where a spooled file goes in the segments bucket ({@link SegmentKeys}). */
    public static String objectKey(SpoolEntry entry) {
        if (entry.kind() == HlsFile.Kind.INIT) {
            return SegmentKeys.init(entry.liveId(), entry.sha256());
        }
        return SegmentKeys.media(entry.liveId(), entry.sequence(), entry.kind().extension());
    }

    private static String contentType(HlsFile.Kind kind) {
        return kind == HlsFile.Kind.SEGMENT_TS ? "video/mp2t" : "video/mp4";
    }

    private SegmentStored gap(SpoolEntry entry) {
        return SegmentStored.newBuilder()
                .setEventId(Ids.derivedEventId("segment-gap", entry.liveId() + "/" + entry.sequence()))
                .setOccurredAt(entry.at())
                .setType(SegmentEventType.GAP)
                .setLiveId(entry.liveId())
                .setSequence(entry.sequence())
                .setGapLength(entry.gapLength())
                .setByteSize(0)
                .setSha256("")
                .setObjectKey("")
                .setContainer(SegmentContainer.MPEG_TS)
                .setReceivedAt(entry.at())
                .build();
    }

    private void deliverLifecycle(SpoolEntry entry) throws Exception {
        Live live = catalog.byId(entry.liveId())
                .orElseThrow(
                        () -> new IllegalStateException("live " + entry.liveId() + " is not in the catalog view yet"));
        Live.Builder event = Live.newBuilder(live)
                .setEventId(Ids.derivedEventId("live", entry.liveId() + "/" + entry.lifecycle()))
                .setOccurredAt(entry.at())
                .setType(entry.lifecycle());
        if (entry.lifecycle() == LiveEventType.STARTED) {
            event.setStartedAt(entry.at());
        } else {
            event.setEndedAt(entry.at()).setEndReason(entry.endReason());
        }
        Live published = event.build();
        publisher.publish(Topic.LIVES, entry.liveId(), published).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        LOG.info(
                "live {} {}",
                entry.liveId(),
                entry.lifecycle() == LiveEventType.STARTED ? "started" : "ended (" + entry.endReason() + ")");
    }

    private void publish(String liveId, SegmentStored event) throws Exception {
        publisher.publish(Topic.SEGMENTS, liveId, event).get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (event.getType() == SegmentEventType.STORED) {
            LiveSession session = sessions.get(liveId);
            synchronized (session) {
                session.durations.remove(event.getSequence());
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        nudge();
        threads.forEach(Thread::interrupt); // a send waiting on an absent broker gives up now
        for (Thread thread : threads) {
            thread.join(Duration.ofSeconds(30).toMillis());
        }
    }
}
