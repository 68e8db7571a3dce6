package io.stagepass.acceptance.load;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the load's clients were told, as they were told it: each beacon ingest acknowledged (by id), each segment it
 * stored (sequence and size), each ticket paid and each refunded, and the requests a client gave up on. Written by the
 * traffic's threads; the comparison reads it once the load is over.
 */
final class GroundTruth {
    private final Set<String> beacons = ConcurrentHashMap.newKeySet();
    private final Map<Long, Long> segments = new ConcurrentHashMap<>();
    private final List<String> tickets = new CopyOnWriteArrayList<>();
    private final Set<String> refunded = ConcurrentHashMap.newKeySet();
    private final AtomicInteger givenUp = new AtomicInteger();

    void beaconsAcknowledged(List<String> ids) {
        beacons.addAll(ids);
    }

    void segmentStored(long sequence, long bytes) {
        segments.put(sequence, bytes);
    }

    void ticketPaid(String sessionId) {
        tickets.add(sessionId);
    }

    void ticketRefunded(String sessionId) {
        refunded.add(sessionId);
    }

    void gaveUp() {
        givenUp.incrementAndGet();
    }

    Set<String> beacons() {
        return Set.copyOf(beacons);
    }

    /** Stored segments' sizes by sequence, in order. */
    Map<Long, Long> segments() {
        return new TreeMap<>(segments);
    }

    List<String> tickets() {
        return List.copyOf(tickets);
    }

    boolean refunded(String sessionId) {
        return refunded.contains(sessionId);
    }

    int refundedCount() {
        return refunded.size();
    }

    int givenUp() {
        return givenUp.get();
    }
}
