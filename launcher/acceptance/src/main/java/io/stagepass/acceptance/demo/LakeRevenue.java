package io.stagepass.acceptance.demo;

import io.minio.MinioClient;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.facts.RevenueTotals;
import io.stagepass.launcher.lake.Lake;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The lake's curated tables hold the live's revenue: {@code revenue_totals} (the revenue job's latest total) and
 * {@code tickets} summed (the facts folded by the same rules), both equal to the total the pipeline and the dashboard
 * were checked against.
 */
record LakeRevenue(S3Settings s3, Path lakeCopy, Duration lakeWait, Sent sent) implements Check {
    /** What both tables give: gross, fees, refunds, net, tickets sold. */
    private record Figures(long gross, long fees, long refunds, long net, long sold) {
        static Figures of(RevenueTotals t) {
            return new Figures(t.gross(), t.fees(), t.refunds(), t.net(), t.sold());
        }

        static Figures of(List<Long> row) {
            return row.size() == 5 ? new Figures(row.get(0), row.get(1), row.get(2), row.get(3), row.get(4)) : null;
        }

        @Override
        public String toString() {
            return gross + " " + fees + " " + refunds + " " + net + " " + sold;
        }
    }

    /** The two tables' figures, null where a table has none yet. */
    private record Seen(Figures totals, Figures tickets) {}

    @Override
    public String name() {
        return "lake revenue";
    }

    @Override
    public CheckResult run() throws Exception {
        Figures expected = Figures.of(sent.revenue());
        String where = " where live_id = '" + sent.liveId() + "' and currency = '" + DemoTraffic.CURRENCY + "'";
        Await.Outcome<Seen> seen;
        try (MinioClient client = ObjectStore.client(s3)) {
            seen = Await.until(
                    lakeWait,
                    Waits.POLL,
                    () -> {
                        Lake.sync(client, lakeCopy);
                        try (Lake lake = Lake.open(lakeCopy)) {
                            if (!lake.curated().containsAll(List.of("tickets", "revenue_totals"))) {
                                return new Seen(null, null);
                            }
                            return new Seen(
                                    Figures.of(lake.numbers("select gross_minor, fees_minor, refunds_minor, net_minor,"
                                            + " tickets_sold from revenue_totals" + where + " and tier is null")),
                                    Figures.of(lake.numbers("select sum(amount_minor), sum(fee_minor),"
                                            + " sum(refunded_minor), sum(net_minor), count(*) filter (where paid) from"
                                            + " tickets" + where)));
                        }
                    },
                    both -> expected.equals(both.totals()) && expected.equals(both.tickets()));
        }
        return CheckResult.of(
                name(),
                seen.met(),
                List.of(String.format(
                        "Lake (curated tables, stagepass lake): revenue_totals and tickets give gross fees refunds net"
                                + " sold = %s / %s (%s cents): %s",
                        shown(seen.value().totals()),
                        shown(seen.value().tickets()),
                        DemoTraffic.CURRENCY,
                        seen.met() ? "the same as the pipeline's" : "NOT the pipeline's " + expected)));
    }

    private static String shown(Figures figures) {
        return figures == null ? "" : figures.toString();
    }
}
