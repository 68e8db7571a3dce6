package io.stagepass.ingest.beacons;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.BadRequestResponse;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.Ids;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ViewMode;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Turns a player's JSON batch into contract beacons, all or nothing: the first invalid field fails the whole
 * batch with its path ({@code events[3].type: ...}). The live and the ticket come from the verified playback
 * token; a batch that tries to say who the viewer is, or which live, is refused.
 */
public final class BeaconParser {
    public static final int MAX_EVENTS = 100;
    public static final int MAX_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern SESSION_ID = Pattern.compile("^[A-Za-z0-9_-]{8,64}$");
    private static final Pattern CLIENT_ID = Pattern.compile("^[A-Za-z0-9_-]{8,64}$");
    private static final Set<String> FIELDS = Set.of(
            "id",
            "type",
            "sessionId",
            "mode",
            "positionMs",
            "clientTime",
            "startupMs",
            "rebuffers",
            "rebufferMs",
            "rendition",
            "reason");
    /** Why a player gave up, as the player names it: a closed set, so a creator's breakdown stays a few rows. */
    public static final Set<String> FAILURE_REASONS =
            Set.of("playlist-unreachable", "segment-unreachable", "media-error", "unsupported-browser", "other");

    private static final Pattern RENDITION = Pattern.compile("^[1-9][0-9]{1,3}p$");
    /** The heights a rendition ladder uses; any other is reported as "other", so the names stay a handful. */
    private static final Set<String> RENDITIONS =
            Set.of("144p", "240p", "360p", "480p", "540p", "576p", "720p", "1080p", "1440p", "2160p");

    private static final long MAX_STARTUP_MILLIS = 10 * 60_000L;
    private static final long MAX_REBUFFER_MILLIS = 24 * 3_600_000L;
    private static final int MAX_REBUFFERS = 100_000;
    private static final Set<String> IDENTITY_FIELDS =
            Set.of("liveId", "ticketId", "viewerId", "userId", "email", "creatorId");
    private static final Map<String, BeaconType> TYPES = Map.of(
            "page_view",
            BeaconType.PAGE_VIEW,
            "view_start",
            BeaconType.VIEW_START,
            "heartbeat",
            BeaconType.HEARTBEAT,
            "pause",
            BeaconType.PAUSE,
            "seek",
            BeaconType.SEEK,
            "view_end",
            BeaconType.VIEW_END,
            "rebuffer",
            BeaconType.REBUFFER,
            "playback_failure",
            BeaconType.PLAYBACK_FAILURE,
            "exit_before_start",
            BeaconType.EXIT_BEFORE_START);
    private static final Map<String, ViewMode> MODES =
            Map.of("live", ViewMode.LIVE, "replay", ViewMode.REPLAY, "page", ViewMode.PAGE);

    private BeaconParser() {}

    /** A stand-in for checking a body before the token: it accepts every event type. */
    private static final PlaybackTokens.Claims ANY_VIEWER =
            new PlaybackTokens.Claims("validation", Optional.of("validation"), Instant.MAX);

    /** Checks a batch's shape and fields (400 on the first problem) before anyone is authenticated. */
    public static void validate(byte[] body) {
        parse(body, ANY_VIEWER, Instant.EPOCH);
    }

    public static List<Beacon> parse(byte[] body, PlaybackTokens.Claims claims, Instant receivedAt) {
        return parse(body, claims, receivedAt, null);
    }

    /**
     * As {@link #parse(byte[], PlaybackTokens.Claims, Instant)}, with every event's session set to {@code session}
     * (when not null) whatever the batch says: a page visitor's session is its token's, so one page load counts once.
     */
    public static List<Beacon> parse(byte[] body, PlaybackTokens.Claims claims, Instant receivedAt, String session) {
        if (body.length > MAX_BYTES) {
            throw new BadRequestResponse("body: at most " + MAX_BYTES + " bytes");
        }
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw new BadRequestResponse("body: not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new BadRequestResponse("body: unreadable");
        }
        if (root == null || !root.isArray()) {
            throw new BadRequestResponse("body: must be a JSON array of beacon events");
        }
        if (root.isEmpty() || root.size() > MAX_EVENTS) {
            throw new BadRequestResponse("body: must hold 1 to " + MAX_EVENTS + " events, got " + root.size());
        }
        Instant received = receivedAt.truncatedTo(ChronoUnit.MILLIS);
        List<Beacon> beacons = new ArrayList<>(root.size());
        for (int i = 0; i < root.size(); i++) {
            beacons.add(parseEvent(root.get(i), "events[" + i + "]", claims, received, session));
        }
        return beacons;
    }

    private static Beacon parseEvent(
            JsonNode event, String path, PlaybackTokens.Claims claims, Instant received, String session) {
        if (!event.isObject()) {
            throw new BadRequestResponse(path + ": must be an object");
        }
        for (Iterator<String> names = event.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (IDENTITY_FIELDS.contains(name)) {
                throw new BadRequestResponse(
                        path + "." + name + ": not accepted; the live and the viewer come from the beacon token");
            }
            if (!FIELDS.contains(name)) {
                throw new BadRequestResponse(path + "." + name + ": unknown field (known: "
                        + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        BeaconType type = TYPES.get(text(event, "type", path).toLowerCase(Locale.ROOT));
        if (type == null) {
            throw new BadRequestResponse(
                    path + ".type: must be one of " + String.join(", ", new TreeSet<>(TYPES.keySet())));
        }
        ViewMode mode = MODES.get(text(event, "mode", path).toLowerCase(Locale.ROOT));
        if (mode == null) {
            throw new BadRequestResponse(path + ".mode: must be one of live, replay, page");
        }
        if (claims.ticketId().isEmpty() && (type != BeaconType.PAGE_VIEW || mode != ViewMode.PAGE)) {
            throw new BadRequestResponse(
                    path + ".type: a token without a ticket may only report page_view in mode page");
        }
        String sessionId = text(event, "sessionId", path);
        if (!SESSION_ID.matcher(sessionId).matches()) {
            throw new BadRequestResponse(path + ".sessionId: 8 to 64 letters, digits, '_' or '-'");
        }
        if (session != null) {
            sessionId = session;
        }
        long position = 0;
        if (event.has("positionMs")) {
            position = whole(event, "positionMs", path, Long.MAX_VALUE, "milliseconds");
        }
        Long startup = null;
        if (event.has("startupMs")) {
            if (type != BeaconType.VIEW_START) {
                throw new BadRequestResponse(path + ".startupMs: only a view_start says how long the start took");
            }
            startup = whole(event, "startupMs", path, MAX_STARTUP_MILLIS, "milliseconds");
        }
        if (event.has("rebuffers") != event.has("rebufferMs")) {
            throw new BadRequestResponse(path + ".rebuffers: rebuffers and rebufferMs come together");
        }
        Integer rebuffers =
                event.has("rebuffers") ? (int) whole(event, "rebuffers", path, MAX_REBUFFERS, "stalls") : null;
        Long rebufferMillis =
                event.has("rebufferMs") ? whole(event, "rebufferMs", path, MAX_REBUFFER_MILLIS, "milliseconds") : null;
        String rendition = null;
        if (event.has("rendition")) {
            rendition = text(event, "rendition", path);
            if (!RENDITION.matcher(rendition).matches()) {
                throw new BadRequestResponse(path + ".rendition: a picture height and 'p', like 360p or 1080p");
            }
            if (!RENDITIONS.contains(rendition)) {
                rendition = "other";
            }
        }
        String reason = null;
        if (type == BeaconType.PLAYBACK_FAILURE) {
            reason = text(event, "reason", path);
            if (!FAILURE_REASONS.contains(reason)) {
                throw new BadRequestResponse(
                        path + ".reason: must be one of " + String.join(", ", new TreeSet<>(FAILURE_REASONS)));
            }
        } else if (event.has("reason")) {
            throw new BadRequestResponse(path + ".reason: only a playback_failure has a reason");
        }
        String eventId = Ids.newEventId();
        if (event.has("id")) {
            String id = text(event, "id", path);
            if (!CLIENT_ID.matcher(id).matches()) {
                throw new BadRequestResponse(path + ".id: 8 to 64 letters, digits, '_' or '-'");
            }
            eventId = Ids.derivedEventId(
                    "beacon", claims.liveId() + "/" + sessionId + "/" + id); // a resent event is the same fact
        }
        return Beacon.newBuilder()
                .setEventId(eventId)
                .setOccurredAt(received)
                .setType(type)
                .setLiveId(claims.liveId())
                .setSessionId(sessionId)
                .setTicketId(claims.ticketId().orElse(null))
                .setMode(mode)
                .setPositionMillis(position)
                .setClientTime(clientTime(event, path))
                .setReceivedAt(received)
                .setStartupMillis(startup)
                .setRebufferCount(rebuffers)
                .setRebufferMillis(rebufferMillis)
                .setRendition(rendition)
                .setFailureReason(reason)
                .build();
    }

    private static Instant clientTime(JsonNode event, String path) {
        if (!event.has("clientTime")) {
            return null;
        }
        JsonNode node = event.get("clientTime");
        try {
            if (node.isIntegralNumber()) {
                return Instant.ofEpochMilli(node.asLong());
            }
            if (node.isTextual()) {
                return Instant.parse(node.asText()).truncatedTo(ChronoUnit.MILLIS);
            }
        } catch (DateTimeParseException e) {
            // fall through
        }
        throw new BadRequestResponse(
                path + ".clientTime: an ISO-8601 instant (2026-11-27T10:00:00Z) or epoch milliseconds");
    }

    /** A whole number from 0 to {@code max} of {@code unit}, or 400 naming the field. */
    private static long whole(JsonNode event, String field, String path, long max, String unit) {
        JsonNode node = event.get(field);
        if (!node.isIntegralNumber() || !node.canConvertToLong() || node.asLong() < 0 || node.asLong() > max) {
            throw new BadRequestResponse(path + "." + field + ": must be a whole number of " + unit
                    + (max == Long.MAX_VALUE ? ", at least 0" : ", 0 to " + max));
        }
        return node.asLong();
    }

    private static String text(JsonNode event, String field, String path) {
        JsonNode node = event.get(field);
        if (node == null || !node.isTextual() || node.asText().isBlank()) {
            throw new BadRequestResponse(path + "." + field + ": required, a string");
        }
        return node.asText();
    }
}
