package io.stagepass.bench.ingest;

import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.events.Ids;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.platform.kafka.EventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Lives scheduled for the bench, each with its stream key: the encoders push with the keys, the segments' events
 * name the lives.
 */
record ScheduledLives(List<String> keys, Map<String, String> keyByLive) {
    private static final Duration KEY_WAIT = Duration.ofSeconds(30);

    /** Schedules {@code lives} lives and returns once ingest knows every stream key. */
    static ScheduledLives schedule(Stack stack, int lives) throws Exception {
        List<String> keys = new ArrayList<>();
        Map<String, String> keyByLive = new ConcurrentHashMap<>();
        try (EventPublisher publisher = new EventPublisher(stack.kafka(), "bench")) {
            for (int i = 0; i < lives; i++) {
                String liveId = Ids.newId("live");
                String key = StreamKeys.newKey();
                publisher
                        .publish(
                                Topic.LIVES,
                                liveId,
                                SampleEvents.live(liveId, "creator_bench")
                                        .setStreamKeySha256(StreamKeys.sha256(key))
                                        .build())
                        .get(30, TimeUnit.SECONDS);
                keys.add(key);
                keyByLive.put(liveId, key);
            }
        }
        IngestClient ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        for (String key : keys) {
            ingest.awaitKnows(key, KEY_WAIT);
        }
        return new ScheduledLives(keys, keyByLive);
    }
}
