package io.stagepass.replay.exports;

import io.stagepass.events.Topic;
import io.stagepass.platform.http.InvalidFieldsException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One page of {@code GET /v1/exports}: a table, the time range {@code [from, to)} and where this page starts. Files are
 * whole partition-hours, so a range selects the hours it overlaps. The cursor of the next page carries the table and
 * range, so a client follows {@code nextCursor} alone; given again, they must be the same.
 *
 * @param start the first partition-hour this page may hold: {@code from} rounded down to its hour on the first page
 */
public record ExportQuery(Topic table, Instant from, Instant to, Instant start, int limit) {
    public static final Duration DEFAULT_SPAN = Duration.ofDays(1);
    public static final Duration MAX_SPAN = Duration.ofDays(31);
    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    /** The query a request asks for, or every wrong parameter at once (400). {@code now} is the default {@code to}. */
    public static ExportQuery parse(String table, String from, String to, String limit, String cursor, Instant now) {
        Map<String, String> problems = new LinkedHashMap<>();
        Cursor next = null;
        if (cursor != null) {
            next = Cursor.decode(cursor);
            if (next == null) {
                problems.put("cursor", "not a cursor of this API: pass the nextCursor of the previous page as it is");
            }
        }
        Topic topic = null;
        String tableName = table != null ? table : next != null ? next.table() : null;
        if (tableName == null || tableName.isBlank()) {
            problems.put("table", "required: one of " + tables());
        } else {
            topic = Topic.byTable(tableName).orElse(null);
            if (topic == null) {
                problems.put("table", "no table '" + tableName + "': one of " + tables());
            }
        }
        Instant toTime = next != null && to == null ? next.to() : instant("to", to, problems);
        Instant fromTime = next != null && from == null ? next.from() : instant("from", from, problems);
        if (!problems.containsKey("to") && toTime == null) {
            toTime = now.truncatedTo(ChronoUnit.SECONDS);
        }
        if (!problems.containsKey("from") && fromTime == null && toTime != null) {
            fromTime = toTime.minus(DEFAULT_SPAN);
        }
        if (fromTime != null && toTime != null) {
            if (!fromTime.isBefore(toTime)) {
                problems.put("to", "must be after from (" + fromTime + "), got " + toTime);
            } else if (Duration.between(fromTime, toTime).compareTo(MAX_SPAN) > 0) {
                problems.put(
                        "to",
                        "at most " + MAX_SPAN.toDays() + " days after from: list a longer period as several ranges");
            }
        }
        int pageLimit = limit(limit, problems);
        Instant start = fromTime == null ? null : fromTime.truncatedTo(ChronoUnit.HOURS);
        if (next != null && !problems.containsKey("cursor")) {
            boolean same = next.table().equals(tableName)
                    && next.from().equals(fromTime)
                    && next.to().equals(toTime);
            if (!same) {
                problems.put(
                        "cursor",
                        "belongs to another query: keep table, from and to as on the first page, or leave them out");
            } else {
                start = next.start();
            }
        }
        if (!problems.isEmpty()) {
            throw new InvalidFieldsException(problems);
        }
        return new ExportQuery(topic, fromTime, toTime, start, pageLimit);
    }

    /** Whether a partition-hour starting at {@code hour} is on this page's side of the range. */
    public boolean covers(Instant hour) {
        return !hour.isBefore(start)
                && hour.isBefore(to)
                && hour.plus(Duration.ofHours(1)).isAfter(from);
    }

    /** The cursor of the page that starts at partition-hour {@code hour}. */
    public String cursorAt(Instant hour) {
        return new Cursor(table.tableName(), from, to, hour).encode();
    }

    private static String tables() {
        return Arrays.stream(Topic.values()).map(Topic::tableName).collect(Collectors.joining(", "));
    }

    /** An ISO-8601 instant with an offset ({@code 2026-12-02T10:00:00Z}) or a UTC date ({@code 2026-12-02}). */
    static Instant instant(String name, String value, Map<String, String> problems) {
        if (value == null) {
            return null;
        }
        try {
            if (value.length() == 10) {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            problems.put(
                    name,
                    "a UTC date (2026-12-02) or a time with its offset (2026-12-02T10:00:00Z), got '" + value + "'");
            return null;
        }
    }

    private static int limit(String value, Map<String, String> problems) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // below
        }
        problems.put("limit", "a whole number from 1 to " + MAX_LIMIT + ", got '" + value + "'");
        return DEFAULT_LIMIT;
    }

    /** Where the next page starts, with the query it belongs to: URL-safe Base64 of {@code v1|table|from|to|start}. */
    record Cursor(String table, Instant from, Instant to, Instant start) {
        String encode() {
            String plain = String.join(
                    "|",
                    "v1",
                    table,
                    Long.toString(from.toEpochMilli()),
                    Long.toString(to.toEpochMilli()),
                    Long.toString(start.toEpochMilli()));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String cursor) {
            try {
                String[] parts = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8).split("\\|");
                if (parts.length != 5 || !parts[0].equals("v1")) {
                    return null;
                }
                Instant from = Instant.ofEpochMilli(Long.parseLong(parts[2]));
                Instant to = Instant.ofEpochMilli(Long.parseLong(parts[3]));
                Instant start = Instant.ofEpochMilli(Long.parseLong(parts[4]));
                boolean inRange = !start.isBefore(from.truncatedTo(ChronoUnit.HOURS)) && start.isBefore(to);
                return inRange ? new Cursor(parts[1], from, to, start) : null;
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }
}
