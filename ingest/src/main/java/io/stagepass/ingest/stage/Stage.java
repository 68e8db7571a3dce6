package io.stagepass.ingest.stage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who is in each live's green room and on its stage, and the creator's choices (who is on, who is muted, the layout).
 * The rules live here: one browser per guest ticket, at most {@link #MAX_ON_STAGE} guests on stage, and a ticket that
 * stops standing (a refund, a dispute) takes its guest off the stage and out of the green room at once.
 *
 * <p>What the program shows follows this state: the stage mixer asks {@link #lineUp} for every segment.
 */
public final class Stage implements AutoCloseable {
    public static final int MAX_ON_STAGE = 3;
    /** Guests of one live in the green room and on stage together: each costs a decoding thread. */
    public static final int MAX_GUESTS = 12;

    private final Clock clock;
    private final Map<String, Room> rooms = new ConcurrentHashMap<>();
    private final Map<String, ReturnFeed> feeds = new ConcurrentHashMap<>();
    private final Map<String, ProgramPicture> programs = new ConcurrentHashMap<>();

    /** How a guest's browser is reached: text messages to it, and closing it with a reason. */
    public interface GuestLink {
        void send(String json);

        void close(int code, String reason);

        /** Where the connection comes from (an encoder's address), or null when unknown. */
        default String address() {
            return null;
        }
    }

    /** A refusal a browser or the creator's panel is told about: a WebSocket close code or an HTTP status, and why. */
    public static final class Refused extends Exception {
        private final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** A guest in the green room or on stage. */
    public static final class Guest {
        final String liveId;
        final String ticketId;
        final String guestId;
        final String name;
        final String tier;
        final GuestLink link;
        final GuestFeed feed;
        final long joinedAtMillis;
        volatile boolean onStage;
        volatile boolean muted;
        volatile long onStageSinceMillis;
        volatile String offReason;
        volatile String layoutAtStart;

        Guest(String liveId, String ticketId, String name, String tier, GuestLink link, GuestFeed feed, long now) {
            this.liveId = liveId;
            this.ticketId = ticketId;
            this.guestId = Stage.guestId(liveId, ticketId);
            this.name = name;
            this.tier = tier;
            this.link = link;
            this.feed = feed;
            this.joinedAtMillis = now;
        }

        public String guestId() {
            return guestId;
        }

        public String name() {
            return name;
        }

        GuestFeed feed() {
            return feed;
        }

        /** The live whose green room or stage this guest is in. */
        public String liveId() {
            return liveId;
        }

        /** Media from the guest as it came; false when it is not taken (see {@link GuestFeed#offer}). */
        public boolean offer(byte[] chunk) {
            return feed.offer(chunk);
        }

        /** Whether the guest left or was removed: what still arrives is dropped. */
        public boolean removed() {
            return feed.closed();
        }

        /** Why the guest's media could not be read, or null. */
        public String failure() {
            return feed.failure();
        }

        /** Why the guest is no longer on stage: sent back, left, or their ticket stopped standing. */
        String offReason() {
            return offReason == null ? "left" : offReason;
        }
    }

    /** The guests of one live, in the order they came; stage order is the order they were brought on. */
    static final class Room {
        final Map<String, Guest> byTicket = new LinkedHashMap<>();
        final List<Guest> onStage = new ArrayList<>();
        /** Tickets the creator removed: they do not come back to this live's stage. */
        final java.util.Set<String> removed = new java.util.HashSet<>();

        Layout layout = Layout.SIDE_BY_SIDE;
    }

    /** An encoder connection with no media for this long is taken over by the same guest's next one (a reconnect). */
    static final long STALE_ENCODER_MICROS = 2_000_000;

    /** What the program of a live shows now: the guests on stage in order, and the layout. */
    record LineUp(List<ProgramMixer.OnStage> guests, List<Guest> who, Layout layout) {
        boolean empty() {
            return guests.isEmpty();
        }
    }

    public Stage(Clock clock) {
        this.clock = clock;
    }

    /**
     * A guest's id as the creator's panel and the facts name them: derived from the ticket, so it is stable across
     * reconnects, but it does not reveal the ticket (a Stripe Checkout Session id) to anyone who sees the panel.
     */
    static String guestId(String liveId, String ticketId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(("stage-guest|" + liveId + "|" + ticketId).getBytes(StandardCharsets.UTF_8));
            return "g_" + HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }

    /** What viewers of a live see, as the creator's panel shows it. */
    public ProgramPicture programPicture(String liveId) {
        return programs.computeIfAbsent(liveId, id -> new ProgramPicture());
    }

    /** The creator's feed of a live as its guests receive it. */
    public ReturnFeed returnFeed(String liveId) {
        return feeds.computeIfAbsent(liveId, id -> new ReturnFeed());
    }

    private Room room(String liveId) {
        return rooms.computeIfAbsent(liveId, id -> new Room());
    }

    /** Whether a live has had a guest since ingest started (its segments go through the stage line). */
    boolean hasRoom(String liveId) {
        return rooms.containsKey(liveId);
    }

    /**
     * A guest's browser enters the green room. Refused when the same ticket is already connected from another browser
     * (the first keeps its place: a copied link cannot push the guest out).
     */
    public Guest join(String liveId, String ticketId, String name, String tier, GuestLink link) throws Refused {
        return join(liveId, ticketId, name, tier, link, GuestFeed.Source.BROWSER);
    }

    /** A guest enters the green room with media from {@code source}; one connection per ticket, browser or encoder. */
    public Guest join(String liveId, String ticketId, String name, String tier, GuestLink link, GuestFeed.Source source)
            throws Refused {
        Room room = room(liveId);
        Guest replaced = null;
        Guest guest;
        synchronized (room) {
            if (room.removed.contains(ticketId)) {
                throw new Refused(403, "the creator removed this ticket from the stage of this live");
            }
            Guest present = room.byTicket.get(ticketId);
            if (present != null && source == GuestFeed.Source.ENCODER && staleEncoder(present)) {
                // OBS reconnecting after a drop: its old connection has not timed out yet, and sends nothing
                replaced = present;
                room.byTicket.remove(ticketId);
            } else if (present != null) {
                throw new Refused(
                        409,
                        present.feed.source() == GuestFeed.Source.ENCODER
                                ? "this guest ticket is already on the stage from an encoder (OBS, a phone app): stop "
                                        + "it there first"
                                : "this guest link is already in use in another browser: close it there first");
            }
            if (room.byTicket.size() >= MAX_GUESTS) {
                throw new Refused(429, "the green room is full (" + MAX_GUESTS + " guests): try again in a while");
            }
            guest = new Guest(liveId, ticketId, name, tier, link, new GuestFeed(name, source, clock), clock.millis());
            room.byTicket.put(ticketId, guest);
            if (replaced != null && replaced.onStage) {
                int at = room.onStage.indexOf(replaced);
                if (replaced.link.address() != null && replaced.link.address().equals(link.address())) {
                    // the same encoder reconnecting keeps its place on stage
                    room.onStage.set(at, guest);
                    guest.onStage = true;
                    guest.muted = replaced.muted;
                    guest.onStageSinceMillis = replaced.onStageSinceMillis;
                    guest.layoutAtStart = replaced.layoutAtStart;
                } else {
                    room.onStage.remove(at); // from elsewhere (a copied key?): the green room, the creator decides
                }
                replaced.onStage = false;
            }
            guest.feed.start();
        }
        if (replaced != null) {
            replaced.offReason = "left";
            replaced.link.close(4409, "a newer connection of this guest took over");
            replaced.feed.close();
        }
        return guest;
    }

    private boolean staleEncoder(Guest present) {
        if (present.feed.source() != GuestFeed.Source.ENCODER) {
            return false;
        }
        long last = present.feed.lastChunkMicros();
        java.time.Instant now = clock.instant();
        long nowMicros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        return last == Long.MIN_VALUE
                ? clock.millis() - present.joinedAtMillis > STALE_ENCODER_MICROS / 1000
                : nowMicros - last > STALE_ENCODER_MICROS;
    }

    /**
     * The creator removes a guest (a leaked stage key, a guest who misbehaves): off the stage and out of the green room
     * at once, told why, and their ticket does not come back to this live's stage.
     */
    public void remove(String liveId, String guestId) throws Refused {
        Room room = rooms.get(liveId);
        if (room == null) {
            throw new Refused(404, "no guest " + guestId + " is in the green room or on stage");
        }
        Guest guest;
        synchronized (room) {
            guest = find(room, guestId);
            room.removed.add(guest.ticketId);
        }
        guest.offReason = "removed";
        guest.link.close(4403, "the creator removed you from this live's stage");
        leave(guest);
    }

    /** The guest's browser went away (or was removed): off the stage, out of the green room. */
    public void leave(Guest guest) {
        if (guest.offReason == null) {
            guest.offReason = "left";
        }
        Room room = room(guest.liveId);
        synchronized (room) {
            if (room.byTicket.get(guest.ticketId) == guest) {
                room.byTicket.remove(guest.ticketId);
                room.onStage.remove(guest);
            }
        }
        guest.onStage = false;
        guest.feed.close();
    }

    /** The guest's ticket no longer stands: they leave the stage and the green room now, and are told why. */
    public void revoke(String liveId, String ticketId, String why) {
        Room room = rooms.get(liveId);
        if (room == null) {
            return;
        }
        Guest guest;
        synchronized (room) {
            guest = room.byTicket.get(ticketId);
        }
        if (guest != null) {
            guest.offReason = "revoked";
            guest.link.close(4403, why); // first: the page is told why before anything else can close it
            leave(guest);
        }
    }

    /**
     * The live streams through another ingest instance now: every guest here leaves, told to join again (a browser,
     * 4421) or where to stream (an encoder); the stage runs where the creator's stream is.
     */
    public void moveAway(String liveId, String browserReason, String encoderReason) {
        Room room = rooms.get(liveId);
        if (room == null) {
            return;
        }
        List<Guest> here;
        synchronized (room) {
            here = new ArrayList<>(room.byTicket.values());
        }
        for (Guest guest : here) {
            guest.offReason = "moved";
            guest.link.close(4421, guest.feed.source() == GuestFeed.Source.ENCODER ? encoderReason : browserReason);
            leave(guest);
        }
    }

    /** The guest of a live with this id, if present. */
    private Guest find(Room room, String guestId) throws Refused {
        for (Guest guest : room.byTicket.values()) {
            if (guest.guestId.equals(guestId)) {
                return guest;
            }
        }
        throw new Refused(404, "no guest " + guestId + " is in the green room or on stage");
    }

    /** The creator brings a guest on stage or sends them back to the green room. */
    public void setOnStage(String liveId, String guestId, boolean onStage) throws Refused {
        Room room = room(liveId);
        Guest guest;
        synchronized (room) {
            guest = find(room, guestId);
            if (onStage == guest.onStage) {
                return;
            }
            if (onStage) {
                if (room.onStage.size() >= MAX_ON_STAGE) {
                    throw new Refused(409, "at most " + MAX_ON_STAGE + " guests can be on stage: send one back first");
                }
                room.onStage.add(guest);
                guest.onStageSinceMillis = clock.millis();
                guest.offReason = null;
            } else {
                room.onStage.remove(guest);
                guest.offReason = "sent-back";
            }
            guest.onStage = onStage;
        }
        guest.link.send(guestState(guest));
    }

    public void setMuted(String liveId, String guestId, boolean muted) throws Refused {
        Room room = room(liveId);
        Guest guest;
        synchronized (room) {
            guest = find(room, guestId);
            guest.muted = muted;
        }
        guest.link.send(guestState(guest));
    }

    public void setLayout(String liveId, Layout layout) {
        Room room = room(liveId);
        synchronized (room) {
            room.layout = layout;
        }
    }

    /** What the program shows now, for the mixer. */
    LineUp lineUp(String liveId) {
        Room room = rooms.get(liveId);
        if (room == null) {
            return new LineUp(List.of(), List.of(), Layout.SIDE_BY_SIDE);
        }
        synchronized (room) {
            List<ProgramMixer.OnStage> guests = new ArrayList<>();
            for (Guest guest : room.onStage) {
                guest.layoutAtStart = room.layout.wire();
                guests.add(new ProgramMixer.OnStage(guest.feed, guest.muted));
            }
            return new LineUp(guests, List.copyOf(room.onStage), room.layout);
        }
    }

    /** The message a guest's page gets whenever their place changes. */
    static String guestState(Guest guest) {
        return "{\"type\":\"state\",\"guestId\":\"" + guest.guestId + "\",\"onStage\":" + guest.onStage + ",\"muted\":"
                + guest.muted + "}";
    }

    /** The state of a live's stage as the creator's panel shows it. */
    public Map<String, Object> describe(String liveId) {
        Room room = rooms.get(liveId);
        List<Map<String, Object>> guests = new ArrayList<>();
        Layout layout = Layout.SIDE_BY_SIDE;
        if (room != null) {
            synchronized (room) {
                layout = room.layout;
                for (Guest guest : room.byTicket.values()) {
                    guests.add(describe(guest));
                }
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("liveId", liveId);
        out.put("layout", layout.wire());
        out.put("maxOnStage", MAX_ON_STAGE);
        out.put(
                "onStage",
                guests.stream().filter(g -> (Boolean) g.get("onStage")).count());
        out.put("guests", guests);
        return out;
    }

    private Map<String, Object> describe(Guest guest) {
        long now = clock.millis();
        long last = guest.feed.lastChunkMicros();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("guestId", guest.guestId);
        out.put("name", guest.name);
        out.put("tier", guest.tier);
        out.put("onStage", guest.onStage);
        out.put("muted", guest.muted);
        out.put("joinedAt", java.time.Instant.ofEpochMilli(guest.joinedAtMillis).toString());
        out.put("source", guest.feed.source().wire());
        out.put("video", guest.feed.hasVideo());
        out.put("audio", guest.feed.hasAudio());
        out.put("audioLevelDb", Math.round(guest.feed.levelDb()));
        out.put("lastMediaAgoMillis", last == Long.MIN_VALUE ? null : Math.max(0, now - last / 1000));
        out.put("connection", last == Long.MIN_VALUE || now - last / 1000 > 2000 ? "stalled" : "good");
        if (guest.feed.failure() != null) {
            out.put("problem", guest.feed.failure());
        }
        return out;
    }

    /** A guest of a live by id, for the creator's preview. */
    public Optional<Guest> guest(String liveId, String guestId) {
        Room room = rooms.get(liveId);
        if (room == null) {
            return Optional.empty();
        }
        synchronized (room) {
            try {
                return Optional.of(find(room, guestId));
            } catch (Refused e) {
                return Optional.empty();
            }
        }
    }

    /** Closes every guest's browser connection and decoder (ingest is stopping). */
    @Override
    public void close() {
        for (Room room : rooms.values()) {
            List<Guest> guests;
            synchronized (room) {
                guests = new ArrayList<>(room.byTicket.values());
            }
            for (Guest guest : guests) {
                leave(guest);
                guest.link.close(1001, "ingest is restarting: join again in a moment");
            }
        }
    }
}
