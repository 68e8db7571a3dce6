package io.stagepass.launcher.lake;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** curated.sql reads as one statement per curated table, each with the topic views it needs. */
class CuratedTest {
    @Test
    void curatedSqlHoldsTheSevenTablesWithWhatEachNeeds() {
        List<Lake.Curated> tables = Lake.Curated.load();
        assertThat(tables)
                .extracting(Lake.Curated::name)
                .containsExactly(
                        "tickets",
                        "creator_earnings",
                        "platform_fees",
                        "revenue_totals",
                        "revenue_by_minute",
                        "audience_by_live",
                        "stage_appearances");
        assertThat(tables)
                .extracting(Lake.Curated::needs)
                .containsExactly(
                        List.of("payments"),
                        List.of("payments"),
                        List.of("payments"),
                        List.of("revenue"),
                        List.of("revenue"),
                        List.of("audience"),
                        List.of("appearances", "segments"));
        assertThat(tables)
                .allSatisfy(table -> assertThat(table.sql())
                        .startsWith("-- ")
                        .contains("create view " + table.name() + " as")
                        .doesNotEndWith(";")
                        .doesNotContain("-- needs:"));
    }
}
