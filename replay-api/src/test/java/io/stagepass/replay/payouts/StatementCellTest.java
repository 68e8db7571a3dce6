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
        assertThat(PayoutRoutes.cell("Live\u2028,=HYPERLINK(1)"))
                .as("a line separator does not let a comma through unquoted")
                .isEqualTo("\"Live\u2028,=HYPERLINK(1)\"");
        assertThat(PayoutRoutes.cell("  =1+1")).as("a formula after spaces").isEqualTo("'  =1+1");
    }
}
