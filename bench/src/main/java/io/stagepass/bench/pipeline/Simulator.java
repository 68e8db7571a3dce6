package io.stagepass.bench.pipeline;

import io.stagepass.bench.pipeline.SimulatedPayments.Ticket;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongUnaryOperator;
import java.util.stream.Collectors;

/**
 * Viewer sessions and payments of {@code lives} lives in event-time order. Each live has about {@code viewers}
 * concurrent player sessions: VIEW_START (or joined earlier: a first HEARTBEAT), a HEARTBEAT every 10 s, now and
 * then a PAUSE (and a HEARTBEAT or SEEK 10-60 s later) or a SEEK, then VIEW_END (15% just vanish), and a new
 * session takes its place within a minute; 15% watch the replay. Besides: anonymous PAGE_VIEWs (2%) and payment
 * facts (3%, see {@link SimulatedPayments}). One random sequence drives it all: a seed gives the same stream.
 */
final class Simulator {
    static final long BEAT = 10_000;
    static final double PAYMENT_SHARE = 0.027; // duplicates and delayed outcomes come on top: ~3% in all
    static final double PAGE_VIEW_SHARE = 0.02;

    /** One record to send: its topic, key (the live id) and encoded value. */
    record Event(String topic, String key, byte[] value, boolean payment) {}

    private abstract static class Scheduled {
        long at;
        long seq;
    }

    private static final class Session extends Scheduled {
        int live;
        String id;
        String ticket;
        ViewMode mode;
        long position;
        long endAt;
        boolean vanishes;
        int state; // 0 new, 1 playing, 2 paused
    }

    /** A payment fact that comes later in event time: a duplicate delivery or the outcome of a delayed payment. */
    private static final class Deferred extends Scheduled {
        Event event;
    }

    private final SplittableRandom random;
    private final String[] lives;
    private final String[] creators;
    private final List<List<Ticket>> tickets = new ArrayList<>();
    private final PriorityQueue<Scheduled> queue =
            new PriorityQueue<>(Comparator.comparingLong((Scheduled s) -> s.at).thenComparingLong(s -> s.seq));
    private final LongUnaryOperator stamp;
    private final EventCodec<Beacon> beaconCodec = EventCodec.of(Beacon.class);
    private final Map<BeaconType, Long> beaconTypes = new EnumMap<>(BeaconType.class);
    private final SimulatedPayments paymentFacts;
    private long seq;
    private long ids;
    private long now;
    private long beacons;
    private long payments;

    /**
     * @param base  event time of the first event (epoch millis)
     * @param stamp the event time written into an event, from its simulated time: the identity, or "now"
     */
    Simulator(long seed, int liveCount, int viewers, long base, LongUnaryOperator stamp) {
        this.random = new SplittableRandom(seed);
        this.stamp = stamp;
        this.now = base;
        lives = new String[liveCount];
        creators = new String[liveCount];
        for (int i = 0; i < liveCount; i++) {
            lives[i] = String.format("live_bench%05d_%08x", i, random.nextInt());
            creators[i] = "creator_bench" + (i % Math.max(1, liveCount / 4));
            tickets.add(new ArrayList<>());
            for (int v = 0; v < viewers; v++) {
                Session session = newSession(i, base + random.nextLong(BEAT));
                if (random.nextBoolean()) { // joined before the stream starts: its first beacon is a heartbeat
                    session.state = 1;
                    session.position = random.nextLong(Duration.ofMinutes(20).toMillis());
                    session.endAt =
                            session.at + random.nextLong(Duration.ofMinutes(25).toMillis());
                }
                schedule(session);
            }
        }
        paymentFacts = new SimulatedPayments(random, lives, creators, tickets, stamp, this::deliverLater);
    }

    /** Simulated time of the latest event (epoch millis). */
    long now() {
        return now;
    }

    long beacons() {
        return beacons;
    }

    long payments() {
        return payments;
    }

    Event next() {
        double r = random.nextDouble();
        if (r < PAYMENT_SHARE) {
            payments++;
            return paymentFacts.next(now);
        }
        if (r < PAYMENT_SHARE + PAGE_VIEW_SHARE) {
            String session = "ses_page_" + Long.toHexString(random.nextLong());
            return beacon(random.nextInt(lives.length), session, null, BeaconType.PAGE_VIEW, ViewMode.PAGE, 0, now);
        }
        while (true) {
            Scheduled next = queue.poll();
            now = Math.max(now, next.at);
            if (next instanceof Deferred deferred) {
                payments++;
                return deferred.event;
            }
            Event event = step((Session) next);
            if (event != null) {
                return event;
            }
        }
    }

    String beaconMix() {
        return beaconTypes.entrySet().stream()
                .map(e -> String.format("%s %.1f%%", e.getKey(), 100.0 * e.getValue() / beacons))
                .collect(Collectors.joining(", "));
    }

    String paymentMix() {
        return paymentFacts.mix();
    }

    private Session newSession(int live, long at) {
        Session session = new Session();
        session.live = live;
        session.id = "ses_" + Long.toHexString(random.nextLong()) + "_" + ids++;
        List<Ticket> bought = tickets.get(live);
        double r = random.nextDouble();
        session.ticket = r < 0.05
                ? null
                : !bought.isEmpty() && r < 0.95
                        ? bought.get(random.nextInt(bought.size())).id()
                        : "cs_" + Long.toHexString(random.nextLong());
        session.mode = random.nextDouble() < 0.15 ? ViewMode.REPLAY : ViewMode.LIVE;
        session.position = session.mode == ViewMode.REPLAY
                ? random.nextLong(Duration.ofMinutes(60).toMillis())
                : 0;
        session.at = at;
        session.endAt = at
                + Duration.ofMinutes(2).toMillis()
                + random.nextLong(Duration.ofMinutes(28).toMillis());
        session.vanishes = random.nextDouble() < 0.15;
        return session;
    }

    private void schedule(Scheduled scheduled) {
        scheduled.seq = seq++;
        queue.add(scheduled);
    }

    private void deliverLater(long at, Event event) {
        Deferred deferred = new Deferred();
        deferred.at = at;
        deferred.event = event;
        schedule(deferred);
    }

    private long beat() {
        return BEAT - 250 + random.nextLong(500);
    }

    /** The session's next beacon, and when the one after is due; null when it ends without a word. */
    private Event step(Session s) {
        long at = s.at;
        BeaconType type;
        switch (s.state) {
            case 0 -> {
                type = BeaconType.VIEW_START;
                s.state = 1;
                s.at = at + beat();
            }
            case 2 -> {
                type = random.nextBoolean() ? BeaconType.HEARTBEAT : BeaconType.SEEK;
                s.state = 1;
                s.at = at + beat();
            }
            default -> {
                if (at >= s.endAt) {
                    schedule(newSession(s.live, at + random.nextLong(60_000)));
                    return s.vanishes
                            ? null
                            : beacon(s.live, s.id, s.ticket, BeaconType.VIEW_END, s.mode, s.position, at);
                }
                double r = random.nextDouble();
                if (r < 0.015) {
                    type = BeaconType.PAUSE;
                    s.state = 2;
                    s.at = at + 10_000 + random.nextLong(50_000);
                } else if (r < 0.025) {
                    type = BeaconType.SEEK;
                    s.position = Math.max(0, s.position + random.nextLong(-120_000, 300_000));
                    s.at = at + beat();
                } else {
                    type = BeaconType.HEARTBEAT;
                    s.position += BEAT;
                    s.at = at + beat();
                }
            }
        }
        schedule(s);
        return beacon(s.live, s.id, s.ticket, type, s.mode, s.position, at);
    }

    private Event beacon(
            int live, String session, String ticket, BeaconType type, ViewMode mode, long position, long at) {
        long time = stamp.applyAsLong(at);
        Beacon beacon = SampleEvents.beacon(lives[live], session)
                .setType(type)
                .setTicketId(ticket)
                .setMode(mode)
                .setPositionMillis(position)
                .setOccurredAt(Instant.ofEpochMilli(time))
                .setClientTime(Instant.ofEpochMilli(time - 150))
                .setReceivedAt(Instant.ofEpochMilli(time + 40))
                .build();
        beacons++;
        beaconTypes.merge(type, 1L, Long::sum);
        return new Event(Topic.BEACONS.topicName(), lives[live], beaconCodec.encode(beacon), false);
    }
}
