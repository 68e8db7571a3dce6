package io.stagepass.ingest.lives;

import io.stagepass.events.Live;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.views.KeyHashIndex;
import io.stagepass.platform.views.TopicView;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Ingest's view of the lives catalog, rebuilt from the compacted lives topic at start and kept current: which
 * live a stream key belongs to (by its SHA-256; keys are never stored) and each live's latest state. One projection,
 * the lives by stream key hash, on the platform's {@link TopicView}: a deleted live's key finds nobody.
 */
public final class LiveCatalog implements AutoCloseable {
    private final KeyHashIndex<Live> lives = new KeyHashIndex<>("lives", Topic.LIVES, Live::getStreamKeySha256);
    private final TopicView view;

    public LiveCatalog(KafkaSettings kafka) {
        this.view = new TopicView(kafka, "ingest-live-catalog", List.of(lives));
    }

    public LiveCatalog start() {
        view.start();
        return this;
    }

    /** Waits until the view holds everything the topic had at start; false when that took longer than {@code timeout}. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return view.awaitReady(timeout);
    }

    /** The live a stream key was issued for, unless the key was revoked. */
    public Optional<Live> byStreamKey(String streamKey) {
        return lives.byKeyHash(StreamKeys.sha256(streamKey)).filter(live -> !live.getStreamKeyRevoked());
    }

    public Optional<Live> byId(String liveId) {
        return lives.byId(liveId);
    }

    /** Applies a live's record as the topic delivers it. */
    void apply(Live live) {
        lives.put(live.getLiveId(), live);
    }

    /** Stops following the topic. */
    @Override
    public void close() throws InterruptedException {
        view.close();
    }
}
