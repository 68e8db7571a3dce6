package io.stagepass.bench.ingest;

import io.stagepass.bench.Latencies;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** What a push saw, filled in by the HTTP client's threads and the event consumer as it goes. */
final class PushResult {
    /** PUT to answer. */
    final Latencies answers = new Latencies();
    /** PUT to the segment's event in Kafka (ingest only). */
    final Latencies events = new Latencies();
    /** When each segment's PUT started, by "key/sequence". */
    private final Map<String, Long> putStartNanos = new ConcurrentHashMap<>();

    final AtomicLong sent = new AtomicLong();
    final AtomicLong created = new AtomicLong();
    final AtomicLong failed = new AtomicLong();

    /** Notes when the PUT of a stream key's segment started. */
    void putStarted(String key, long sequence, long nanos) {
        putStartNanos.put(key + "/" + sequence, nanos);
    }

    /** Times a segment's event from its PUT; the event of a segment this push did not PUT is left out. */
    void eventSeen(String key, long sequence, long nanos) {
        Long start = putStartNanos.get(key + "/" + sequence);
        if (start != null) {
            events.add((nanos - start) / 1000);
        }
    }
}
