package io.stagepass.ingest.hls;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Once a second, ends the lives whose encoder went quiet for longer than the reconnect window (or whose ENDLIST is
 * overdue), and wakes the sender to deliver their ENDED.
 */
public final class SilenceWatch implements AutoCloseable {
    static final Duration EVERY = Duration.ofSeconds(1);
    private static final Logger LOG = LoggerFactory.getLogger(SilenceWatch.class);

    private final HlsIngest ingest;
    private final SegmentSender sender;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(SegmentSender.named("ingest-silence-"));

    public SilenceWatch(HlsIngest ingest, SegmentSender sender) {
        this.ingest = ingest;
        this.sender = sender;
    }

    public SilenceWatch start() {
        thread.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    private void check() {
        try {
            if (ingest.endSilentLives()) {
                sender.nudge();
            }
        } catch (Exception e) {
            LOG.warn("could not check lives for silence: {}", e.toString());
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
