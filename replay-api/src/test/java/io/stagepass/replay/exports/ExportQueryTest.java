package io.stagepass.replay.exports;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Topic;
import io.stagepass.platform.http.InvalidFieldsException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExportQueryTest {
    private static final Instant NOW = Instant.parse("2026-12-02T10:17:00.123456Z");

    @Test
    void defaultsToTheLastDayAndStartsAtTheHourOfFrom() {
        ExportQuery query = ExportQuery.parse("payments", null, null, null, null, NOW);
        assertThat(query.table()).isEqualTo(Topic.PAYMENTS);
        assertThat(query.to()).as("now, to the second").isEqualTo(Instant.parse("2026-12-02T10:17:00Z"));
        assertThat(query.from()).isEqualTo(Instant.parse("2026-12-01T10:17:00Z"));
        assertThat(query.start()).isEqualTo(Instant.parse("2026-12-01T10:00:00Z"));
        assertThat(query.limit()).isEqualTo(ExportQuery.DEFAULT_LIMIT);
    }

    @Test
    void takesDatesAndTimesWithAnOffset() {
        ExportQuery query =
                ExportQuery.parse("topic_activity", "2026-11-30", "2026-12-01T02:30:00+01:00", "7", null, NOW);
        assertThat(query.table()).isEqualTo(Topic.TOPIC_ACTIVITY);
        assertThat(query.from()).isEqualTo(Instant.parse("2026-11-30T00:00:00Z"));
        assertThat(query.to()).isEqualTo(Instant.parse("2026-12-01T01:30:00Z"));
        assertThat(query.limit()).isEqualTo(7);
    }

    @Test
    void selectsTheHoursTheRangeOverlaps() {
        ExportQuery query =
                ExportQuery.parse("beacons", "2026-12-02T08:30:00Z", "2026-12-02T10:00:00Z", null, null, NOW);
        assertThat(query.covers(Instant.parse("2026-12-02T07:00:00Z"))).isFalse();
        assertThat(query.covers(Instant.parse("2026-12-02T08:00:00Z"))).isTrue();
        assertThat(query.covers(Instant.parse("2026-12-02T09:00:00Z"))).isTrue();
        assertThat(query.covers(Instant.parse("2026-12-02T10:00:00Z")))
                .as("to is exclusive")
                .isFalse();
    }

    @Test
    void badRangesNameEveryWrongParameter() {
        assertThat(problems("payments", "2026-12-02", "2026-12-02", null, null))
                .containsOnlyKeys("to")
                .extractingByKey("to")
                .asString()
                .contains("must be after from");
        assertThat(problems("payments", "2026-10-01", "2026-12-01", null, null))
                .extractingByKey("to")
                .asString()
                .contains("at most 31 days");
        assertThat(problems("pay", "yesterday", "2026-13-01", "0", null))
                .containsOnlyKeys("table", "from", "to", "limit");
        assertThat(problems("pay", null, null, null, null).get("table")).contains("payments", "beacons", "analysts");
        assertThat(problems(null, null, null, "1001", null)).containsOnlyKeys("table", "limit");
    }

    @Test
    void aCursorCarriesItsQueryAndRefusesAnother() {
        ExportQuery first =
                ExportQuery.parse("payments", "2026-12-01T00:00:00Z", "2026-12-02T00:00:00Z", "2", null, NOW);
        String cursor = first.cursorAt(Instant.parse("2026-12-01T13:00:00Z"));

        ExportQuery next = ExportQuery.parse(null, null, null, "2", cursor, NOW);
        assertThat(next.table()).isEqualTo(Topic.PAYMENTS);
        assertThat(next.from()).isEqualTo(first.from());
        assertThat(next.to()).isEqualTo(first.to());
        assertThat(next.start()).isEqualTo(Instant.parse("2026-12-01T13:00:00Z"));
        assertThat(ExportQuery.parse("payments", "2026-12-01", "2026-12-02", null, cursor, NOW)
                        .start())
                .as("the same query spelled out")
                .isEqualTo(next.start());

        assertThat(problems("beacons", null, null, null, cursor)).containsOnlyKeys("cursor");
        assertThat(problems(null, "2026-11-30", null, null, cursor)).containsOnlyKeys("cursor");
        assertThat(problems(null, null, null, null, "bm90IGEgY3Vyc29y")).containsKey("cursor");
        assertThat(problems(null, null, null, null, "%%%")).containsKey("cursor");
    }

    private static Map<String, String> problems(String table, String from, String to, String limit, String cursor) {
        try {
            ExportQuery.parse(table, from, to, limit, cursor, NOW);
        } catch (InvalidFieldsException e) {
            return e.fields();
        }
        throw new AssertionError("a 400 was expected for " + table + " " + from + " " + to + " " + limit);
    }
}
