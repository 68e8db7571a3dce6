package io.stagepass.replay.playback;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Live playlists as last signed, per ticket and what they list: a four-hour live lists 7,200 segments, each a signed
 * link, and a player (or someone scripting a ticket) that fetches the whole playlist again within {@link #REUSE} gets
 * the same text instead of 7,200 new signatures. The key names everything the text depends on but the clock (the
 * live, the ticket, the rendition, how many segments are stored and made, delta or whole, ended or not); the links in
 * a reused text have at least their life less {@link #REUSE} left, which the player's renewal margin covers.
 */
final class SignedPlaylists {
    static final Duration REUSE = Duration.ofSeconds(4);
    static final int MAX_ENTRIES = 4_096;

    private record Entry(String text, long signedAtMillis) {}

    private final Clock clock;
    private final Map<String, Entry> entries = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    SignedPlaylists(Clock clock) {
        this.clock = clock;
    }

    /** The playlist under {@code key} signed less than {@link #REUSE} ago, or {@code sign}'s fresh one. */
    String get(String key, Supplier<String> sign) {
        long now = clock.millis();
        synchronized (entries) {
            Entry entry = entries.get(key);
            if (entry != null && now - entry.signedAtMillis() < REUSE.toMillis() && now >= entry.signedAtMillis()) {
                return entry.text();
            }
        }
        String text = sign.get();
        synchronized (entries) {
            entries.put(key, new Entry(text, now));
        }
        return text;
    }
}
