package io.stagepass.replay.creators;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.events.Live;
import io.stagepass.events.Money;
import io.stagepass.events.TicketTier;
import io.stagepass.platform.http.InvalidFieldsException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * What a creator says about a live, validated: every field checked, every problem named at once
 * ({@link InvalidFieldsException}, a 400 naming the fields). Used by the API's routes and by {@code stagepass lives
 * create}, so both accept and refuse the same things.
 *
 * @param scheduledStart  null: not announced
 * @param replayWindowDays how long ticket holders may watch the replay after the live ends (1 to 365)
 * @param screensPerTicket how many screens one ticket may play on at once (1 to 10, default 2)
 * @param dvrWindowMinutes how far back ticket holders may scrub while the live runs (0: the whole live, default)
 * @param lowRendition whether a 360p rendition is made while the live streams (default true)
 */
public record LiveSpec(
        String title,
        String description,
        Instant scheduledStart,
        String currency,
        List<TicketTier> tiers,
        int replayWindowDays,
        int screensPerTicket,
        int dvrWindowMinutes,
        boolean lowRendition) {
    public static final int DEFAULT_SCREENS = 2;
    public static final int MAX_SCREENS = 10;
    /** The longest DVR window a creator may choose (12 hours); 0 means the whole live. */
    public static final int MAX_DVR_MINUTES = 720;

    public static final String VIEWER = "viewer";
    public static final String GUEST = "guest";
    public static final int DEFAULT_REPLAY_DAYS = 30;
    static final int MAX_TITLE = 120;
    static final int MAX_DESCRIPTION = 4_000;
    static final int MAX_TIERS = 5;
    static final Duration EARLIEST_START = Duration.ofHours(1);
    static final Duration LATEST_START = Duration.ofDays(2 * 366);
    private static final Pattern TIER_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,31}");
    private static final Set<String> FIELDS = Set.of(
            "title",
            "description",
            "scheduledStart",
            "currency",
            "tiers",
            "replayWindowDays",
            "screensPerTicket",
            "dvrWindowMinutes",
            "lowRendition");

    /** A new live from a JSON body: title, currency and tiers are required. */
    public static LiveSpec create(JsonNode body, Clock clock) {
        return read(body, null, clock);
    }

    /** The live after a JSON body's changes: only the fields present change; {@code null} clears the description. */
    public static LiveSpec update(JsonNode body, Live current, Clock clock) {
        return read(body, current, clock);
    }

    /** The same checks for values that did not come as JSON (the command line). */
    public static LiveSpec of(
            String title,
            String description,
            Instant scheduledStart,
            String currency,
            List<TicketTier> tiers,
            int replayWindowDays,
            Clock clock) {
        Map<String, String> problems = new LinkedHashMap<>();
        LiveSpec spec = new LiveSpec(
                title, description, scheduledStart, currency, tiers, replayWindowDays, DEFAULT_SCREENS, 0, true);
        spec.check(problems, clock, true);
        if (!problems.isEmpty()) {
            throw new InvalidFieldsException(problems);
        }
        return spec.normalized();
    }

    private static LiveSpec read(JsonNode body, Live current, Clock clock) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (body == null || !body.isObject()) {
            throw new InvalidFieldsException(Map.of("body", "a JSON object is expected"));
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                problems.put(name, "unknown field (known: " + String.join(", ", new TreeSet<>(FIELDS)) + ")");
            }
        }
        String title = current == null ? null : current.getTitle();
        String description = current == null ? null : current.getDescription();
        Instant start = current == null ? null : current.getScheduledStart();
        String currency = current == null ? null : current.getCurrency();
        List<TicketTier> tiers = current == null ? null : current.getTiers();
        int replayDays = current == null ? DEFAULT_REPLAY_DAYS : current.getReplayWindowDays();
        int screens = current == null ? DEFAULT_SCREENS : current.getScreensPerTicket();
        int dvrMinutes = current == null ? 0 : current.getDvrWindowMinutes();
        boolean lowRendition = current == null || current.getLowRendition();

        if (body.has("title")) {
            title = text(body, "title", problems);
        } else if (current == null) {
            problems.put("title", "required");
        }
        if (body.has("description")) {
            description = body.get("description").isNull() ? null : text(body, "description", problems);
        }
        if (body.has("scheduledStart")) {
            JsonNode node = body.get("scheduledStart");
            if (node.isNull()) {
                start = null;
            } else if (!node.isTextual()) {
                problems.put("scheduledStart", "an ISO-8601 instant such as 2026-12-24T18:00:00Z");
            } else {
                try {
                    start = Instant.parse(node.asText());
                } catch (DateTimeParseException e) {
                    problems.put(
                            "scheduledStart",
                            "an ISO-8601 instant such as 2026-12-24T18:00:00Z, got '" + node.asText() + "'");
                }
            }
        }
        if (body.has("currency")) {
            currency = text(body, "currency", problems);
        } else if (current == null) {
            problems.put("currency", "required (an ISO 4217 code such as EUR)");
        }
        if (body.has("tiers")) {
            tiers = tiers(body.get("tiers"), problems);
        } else if (current == null) {
            problems.put("tiers", "required: at least [{\"tier\": \"viewer\", \"priceMinor\": 1500}]");
        }
        replayDays = wholeNumber(body, "replayWindowDays", replayDays, "a whole number of days", problems);
        screens = wholeNumber(body, "screensPerTicket", screens, "a whole number of screens", problems);
        dvrMinutes = wholeNumber(
                body, "dvrWindowMinutes", dvrMinutes, "a whole number of minutes (0: the whole live)", problems);
        if (body.has("lowRendition")) {
            JsonNode node = body.get("lowRendition");
            if (!node.isBoolean()) {
                problems.put("lowRendition", "true or false");
            } else {
                lowRendition = node.asBoolean();
            }
        }
        LiveSpec spec =
                new LiveSpec(title, description, start, currency, tiers, replayDays, screens, dvrMinutes, lowRendition);
        spec.check(problems, clock, current == null || body.has("scheduledStart"));
        if (!problems.isEmpty()) {
            throw new InvalidFieldsException(problems);
        }
        return spec.normalized();
    }

    private void check(Map<String, String> problems, Clock clock, boolean checkStart) {
        if (title != null && !problems.containsKey("title")) {
            if (title.isBlank()) {
                problems.put("title", "must not be blank");
            } else if (title.strip().length() > MAX_TITLE) {
                problems.put(
                        "title",
                        "at most " + MAX_TITLE + " characters, got "
                                + title.strip().length());
            }
        }
        if (description != null && description.length() > MAX_DESCRIPTION) {
            problems.put("description", "at most " + MAX_DESCRIPTION + " characters, got " + description.length());
        }
        if (checkStart && scheduledStart != null && !problems.containsKey("scheduledStart")) {
            Instant now = clock.instant();
            if (scheduledStart.isBefore(now.minus(EARLIEST_START))) {
                problems.put(
                        "scheduledStart", "must not be in the past (" + scheduledStart + " is before " + now + ")");
            } else if (scheduledStart.isAfter(now.plus(LATEST_START))) {
                problems.put("scheduledStart", "at most two years ahead");
            }
        }
        String code = null;
        if (currency != null && !problems.containsKey("currency")) {
            try {
                code = Money.requireCurrency(currency);
                if (Prices.minimumMinor(code).isEmpty()) {
                    problems.put(
                            "currency", code + " is not sold in; one of " + String.join(", ", Prices.currencies()));
                    code = null;
                }
            } catch (IllegalArgumentException e) {
                problems.put("currency", e.getMessage());
            }
        }
        if (tiers != null && !problems.containsKey("tiers")) {
            if (tiers.stream().noneMatch(t -> t.getTier().equals(VIEWER))) {
                problems.put("tiers", "a '" + VIEWER + "' tier is required");
            }
            for (int i = 0; i < tiers.size(); i++) {
                if (code != null) {
                    String where = "tiers[" + i + "].priceMinor";
                    Prices.problem(tiers.get(i).getPriceMinor(), code).ifPresent(p -> problems.put(where, p));
                }
            }
        }
        if (replayWindowDays < 1 || replayWindowDays > 365) {
            problems.put("replayWindowDays", "between 1 and 365 days, got " + replayWindowDays);
        }
        if (screensPerTicket < 1 || screensPerTicket > MAX_SCREENS) {
            problems.put("screensPerTicket", "between 1 and " + MAX_SCREENS + " screens, got " + screensPerTicket);
        }
        if (dvrWindowMinutes < 0 || dvrWindowMinutes > MAX_DVR_MINUTES) {
            problems.put(
                    "dvrWindowMinutes",
                    "0 (the whole live) or 1 to " + MAX_DVR_MINUTES + " minutes, got " + dvrWindowMinutes);
        }
    }

    private LiveSpec normalized() {
        return new LiveSpec(
                title.strip(),
                description == null || description.isBlank() ? null : description.strip(),
                scheduledStart,
                Money.requireCurrency(currency),
                List.copyOf(tiers),
                replayWindowDays,
                screensPerTicket,
                dvrWindowMinutes,
                lowRendition);
    }

    /** The field's whole number when the body has it, {@code current} when not; {@code problem} when it is not one. */
    private static int wholeNumber(
            JsonNode body, String field, int current, String problem, Map<String, String> problems) {
        if (!body.has(field)) {
            return current;
        }
        JsonNode node = body.get(field);
        if (!node.canConvertToInt() || !node.isIntegralNumber()) {
            problems.put(field, problem);
            return current;
        }
        return node.asInt();
    }

    private static String text(JsonNode body, String field, Map<String, String> problems) {
        JsonNode node = body.get(field);
        if (!node.isTextual()) {
            problems.put(field, "a string is expected");
            return null;
        }
        return node.asText();
    }

    private static List<TicketTier> tiers(JsonNode node, Map<String, String> problems) {
        if (!node.isArray() || node.isEmpty()) {
            problems.put("tiers", "a non-empty array of {\"tier\": NAME, \"priceMinor\": MINOR UNITS}");
            return null;
        }
        if (node.size() > MAX_TIERS) {
            problems.put("tiers", "at most " + MAX_TIERS + " tiers, got " + node.size());
            return null;
        }
        List<TicketTier> tiers = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode tier = node.get(i);
            String where = "tiers[" + i + "]";
            JsonNode name = tier.get("tier");
            JsonNode price = tier.get("priceMinor");
            if (name == null
                    || !name.isTextual()
                    || !TIER_NAME.matcher(name.asText()).matches()) {
                problems.put(where + ".tier", "a name of lower-case letters, digits, '-' or '_' (viewer, guest, ...)");
                continue;
            }
            if (!names.add(name.asText())) {
                problems.put(where + ".tier", "'" + name.asText() + "' is listed twice");
            }
            if (price == null || !price.isIntegralNumber() || !price.canConvertToLong()) {
                problems.put(
                        where + ".priceMinor",
                        "a whole number of minor units (1500 for 15.00 EUR; money is never a decimal here)");
                continue;
            }
            tiers.add(new TicketTier(name.asText(), price.asLong()));
        }
        return problems.keySet().stream().anyMatch(k -> k.startsWith("tiers")) ? null : tiers;
    }
}
