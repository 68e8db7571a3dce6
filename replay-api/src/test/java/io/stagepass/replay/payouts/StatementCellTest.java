package io.stagepass.replay.payouts;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementCellTest {
    @Test
    void cellsAreQuotedWhenTheyMustBeAndNeverRunAsAFormula() {
        assertThat(PayoutRoutes.cell("Sunrise flow")).isEqualTo("Sunrise flow");
        assertThat(PayoutRoutes.cell("Yoga, beginners")).isEqualTo("\"Yoga, beginners\"");
        assertThat(PayoutRoutes.cell("The \"big\" one")).isEqualTo("\"The \"\"big\"\" one\"");
        assertThat(PayoutRoutes.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(PayoutRoutes.cell("-1")).isEqualTo("'-1");
        assertThat(PayoutRoutes.cell(null)).isEmpty();
    }
}
