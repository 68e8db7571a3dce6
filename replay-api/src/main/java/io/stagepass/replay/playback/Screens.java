package io.stagepass.replay.playback;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The screens a ticket plays on: each player page names its screen (a random id per page load) and holds a lease on
 * it, renewed by every playlist and playback check and released when the page goes away. A ticket holds at most its
 * live's {@code screensPerTicket} leases at once; a further screen is refused until one ends, or takes over, which
 * ends the oldest. A lease nobody renewed for {@link #LEASE} is gone, so a closed tab frees its screen within that.
 * The leases of a live are also who is watching it now, within a second.
 *
 * <p>Held in this process: one replay API instance, or a load balancer that sends a ticket's requests to one
 * instance (docs/playback.md).
 */
public final class Screens {
    /** How long a lease lasts without a renewal (the player renews every 10 s; live playlists reload every 2 s). */
    public static final Duration LEASE = Duration.ofSeconds(30);

    private static final Pattern SCREEN = Pattern.compile("[A-Za-z0-9_-]{8,64}");
    /** At most this many tickets tracked: beyond it, expired ones are swept first, then the oldest refused. */
    private static final int MAX_TICKETS = 500_000;

    /** One screen's lease. */
    public record Lease(String screen, Instant acquired, Instant renewed) {}

    /** What asking for a screen gave: held, or refused because the ticket plays on as many screens as it may. */
    public record Outcome(boolean held, List<Lease> others, int limit) {}

    private final Map<String, LinkedHashMap<String, Lease>> byTicket = new HashMap<>();
    private final Map<String, Integer> watchingByLive = new HashMap<>();
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final Clock clock;

    public Screens(Clock clock) {
        this.clock = clock;
    }

    /** Whether a screen id is one a player makes. */
    public static boolean wellFormed(String screen) {
        return screen != null && SCREEN.matcher(screen).matches();
    }

    /** Hears the id of a live whose number of screens changed. */
    public void listen(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Holds (or renews) {@code screen}'s lease for the ticket, unless the ticket already plays on {@code limit}. */
    public Outcome hold(String liveId, String ticketId, String screen, int limit) {
        Instant now = clock.instant();
        boolean changed;
        Outcome outcome;
        synchronized (this) {
            LinkedHashMap<String, Lease> leases = leases(liveId, ticketId, now);
            int before = leases.size();
            Lease held = leases.get(screen);
            if (held != null) {
                leases.put(screen, new Lease(screen, held.acquired(), now));
                outcome = new Outcome(true, List.of(), limit);
            } else if (leases.size() < limit) {
                leases.put(screen, new Lease(screen, now, now));
                outcome = new Outcome(true, List.of(), limit);
            } else {
                outcome = new Outcome(false, List.copyOf(leases.values()), limit);
            }
            changed = count(liveId, leases.size() - before);
        }
        if (changed) {
            notify(liveId);
        }
        return outcome;
    }

    /** "Watch here instead": ends the oldest leases of the ticket until {@code screen} fits, and holds it. */
    public void takeOver(String liveId, String ticketId, String screen, int limit) {
        Instant now = clock.instant();
        boolean changed;
        synchronized (this) {
            LinkedHashMap<String, Lease> leases = leases(liveId, ticketId, now);
            int before = leases.size();
            if (!leases.containsKey(screen)) {
                while (leases.size() >= limit) {
                    leases.values().stream()
                            .min(Comparator.comparing(Lease::acquired))
                            .ifPresent(oldest -> leases.remove(oldest.screen()));
                }
                leases.put(screen, new Lease(screen, now, now));
            }
            changed = count(liveId, leases.size() - before);
        }
        if (changed) {
            notify(liveId);
        }
    }

    /** The page went away: its screen is free at once. */
    public void release(String liveId, String ticketId, String screen) {
        boolean changed;
        synchronized (this) {
            LinkedHashMap<String, Lease> leases = leases(liveId, ticketId, clock.instant());
            changed = leases.remove(screen) != null && count(liveId, -1);
            if (leases.isEmpty()) {
                byTicket.remove(key(liveId, ticketId));
            }
        }
        if (changed) {
            notify(liveId);
        }
    }

    /** Whether {@code screen} holds a lease of the ticket now. */
    public synchronized boolean holds(String liveId, String ticketId, String screen) {
        return leases(liveId, ticketId, clock.instant()).containsKey(screen);
    }

    /** Screens playing the live now, all tickets together. */
    public synchronized int watching(String liveId) {
        return watchingByLive.getOrDefault(liveId, 0);
    }

    /** Drops the leases nobody renewed; run every few seconds, so that "watching now" forgets a closed tab. */
    public void sweep() {
        List<String> changed = new ArrayList<>();
        synchronized (this) {
            Instant now = clock.instant();
            for (var it = byTicket.entrySet().iterator(); it.hasNext(); ) {
                var entry = it.next();
                int before = entry.getValue().size();
                entry.getValue().values().removeIf(lease -> expired(lease, now));
                String liveId = entry.getKey().substring(0, entry.getKey().indexOf('|'));
                if (count(liveId, entry.getValue().size() - before)) {
                    changed.add(liveId);
                }
                if (entry.getValue().isEmpty()) {
                    it.remove();
                }
            }
        }
        changed.stream().distinct().forEach(this::notify);
    }

    /** The ticket's live leases (expired ones dropped), created when missing. Called holding the lock. */
    private LinkedHashMap<String, Lease> leases(String liveId, String ticketId, Instant now) {
        String key = key(liveId, ticketId);
        LinkedHashMap<String, Lease> leases = byTicket.get(key);
        if (leases == null) {
            if (byTicket.size() >= MAX_TICKETS) {
                throw new IllegalStateException("too many tickets playing at once on this instance");
            }
            leases = new LinkedHashMap<>();
            byTicket.put(key, leases);
        }
        int before = leases.size();
        leases.values().removeIf(lease -> expired(lease, now));
        count(liveId, leases.size() - before);
        return leases;
    }

    private boolean count(String liveId, int delta) {
        if (delta == 0) {
            return false;
        }
        watchingByLive.merge(liveId, delta, (a, b) -> a + b == 0 ? null : a + b);
        return true;
    }

    private static boolean expired(Lease lease, Instant now) {
        return !now.isBefore(lease.renewed().plus(LEASE));
    }

    private void notify(String liveId) {
        for (Consumer<String> listener : listeners) {
            listener.accept(liveId);
        }
    }

    private static String key(String liveId, String ticketId) {
        return liveId + "|" + ticketId;
    }

    /** For tests: a ticket's leases now. */
    synchronized Optional<List<Lease>> leasesOf(String liveId, String ticketId) {
        LinkedHashMap<String, Lease> leases = byTicket.get(key(liveId, ticketId));
        return leases == null ? Optional.empty() : Optional.of(List.copyOf(leases.values()));
    }
}
