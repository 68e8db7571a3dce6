package io.stagepass.acceptance;

import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The time of day the scenarios print before their lines, always {@code HH:mm:ss} (UTC), as the scripts log it. */
public final class TimeOfDay {
    private static final DateTimeFormatter HMS = DateTimeFormatter.ofPattern("HH:mm:ss");

    private TimeOfDay() {}

    public static String now() {
        return ZonedDateTime.now(ZoneOffset.UTC).format(HMS);
    }
}
