package io.stagepass.bench.ingest;

import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.replay.creators.Catalog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
        Operator operator = new Operator(stack.kafka());
        String creatorId =
                operator.registerCreator("Bench creator", null, "EUR").creator().getCreatorId();
        for (int i = 0; i < lives; i++) {
            Catalog.Scheduled live = operator.scheduleLive(creatorId, "Ingest bench " + i, "viewer", 1500, "EUR", 30);
            keys.add(live.streamKey());
            keyByLive.put(live.live().getLiveId(), live.streamKey());
        }
        IngestClient ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        for (String key : keys) {
            ingest.awaitKnows(key, KEY_WAIT);
        }
        return new ScheduledLives(keys, keyByLive);
    }
}
