package io.stagepass.ingest.health;

import io.stagepass.events.StreamHealth;
import io.stagepass.events.Topic;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the meter's facts to {@code stagepass.stream.health} every {@link #EVERY}, and at once after a refusal.
 * A measurement is not a creator's data: one that Kafka does not take is logged and the next replaces it.
 */
public final class HealthReporter implements AutoCloseable {
    public static final Duration EVERY = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(HealthReporter.class);

    private final StreamHealthMeter meter;
    private final EventPublisher publisher;
    private final String ingestUrl;
    /** A live whose last segment arrived within this long is being received here. */
    static final java.time.Duration RECEIVING = java.time.Duration.ofSeconds(10);

    private final String rtmpUrl;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ingest-stream-health");
        t.setDaemon(true);
        return t;
    });

    public HealthReporter(StreamHealthMeter meter, EventPublisher publisher) {
        this(meter, publisher, null, null);
    }

    /** Reports that name this instance: {@code ingestUrl} and {@code rtmpUrl} as browsers and encoders reach it. */
    public HealthReporter(StreamHealthMeter meter, EventPublisher publisher, String ingestUrl, String rtmpUrl) {
        this.meter = meter;
        this.publisher = publisher;
        this.ingestUrl = ingestUrl;
        this.rtmpUrl = rtmpUrl;
    }

    public HealthReporter start() {
        thread.scheduleWithFixedDelay(this::report, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Reports now (after a refusal: the creator should see why without waiting). */
    public void nudge() {
        try {
            thread.execute(this::report);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private void report() {
        try {
            for (StreamHealth fact : meter.report()) {
                // Only an instance that is receiving the live's media now names itself: one the creator left goes on
                // reporting the live as quiet for minutes, and must not pull its stage back.
                boolean receiving = fact.getType() == io.stagepass.events.StreamHealthType.MEASURED
                        && fact.getLastMediaAt() != null
                        && !fact.getLastMediaAt().isBefore(fact.getOccurredAt().minus(RECEIVING));
                fact.setIngestUrl(receiving ? ingestUrl : null);
                fact.setRtmpUrl(receiving ? rtmpUrl : null);
                publisher.publish(Topic.STREAM_HEALTH, fact.getLiveId(), fact).whenComplete((ack, error) -> {
                    if (error != null) {
                        LOG.warn("stream health of live {} not published: {}", fact.getLiveId(), error.toString());
                    }
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("stream health report failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
