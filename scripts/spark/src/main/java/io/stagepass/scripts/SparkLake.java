package io.stagepass.scripts;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The analysts' recipes of docs/analysts.md in Spark SQL, in local mode, over a copy of the lake made by
 * {@code stagepass lake sync DIR}: one temporary view per topic (Hive partitions {@code date} and {@code hour} as
 * columns), then each recipe's table.
 */
public final class SparkLake {
    private static final Map<String, String> TOPICS = new LinkedHashMap<>();

    static {
        TOPICS.put("payments", "stagepass.payments");
        TOPICS.put("revenue", "stagepass.metrics.revenue");
        TOPICS.put("audience", "stagepass.metrics.audience");
        TOPICS.put("beacons", "stagepass.viewer.beacons");
    }

    /** What a counted fact adds to the net, in the settlement currency: the revenue job's rules (RevenueDelta). */
    private static final String SALE = "((type = 'CHECKOUT_COMPLETED' and paid) or type = 'ASYNC_PAYMENT_SUCCEEDED')";

    private static final String SETTLED = "coalesce(settlementAmountMinor, amountMinor)";

    private static final Map<String, String> RECIPES = new LinkedHashMap<>();

    static {
        RECIPES.put(
                "Gross and net per live and currency (from the payment facts)",
                "select liveId, currency, coalesce(max(settlementCurrency), max(currency)) as settlement_currency,"
                        + " sum(case when " + SALE + " then amountMinor else 0 end) as gross_minor,"
                        + " sum(case when " + SALE + " then coalesce(feeMinor, 0) else 0 end) as fees_minor,"
                        + " sum(case when type = 'CHARGE_REFUNDED' then amountMinor else 0 end) as refunds_minor,"
                        + " sum(case when " + SALE + " then " + SETTLED + " - coalesce(feeMinor, 0)"
                        + " when type in ('CHARGE_REFUNDED', 'DISPUTE_OPENED') then -" + SETTLED
                        + " when type = 'DISPUTE_CLOSED' and coalesce(disputeOutcome, 'WON') = 'WON' then " + SETTLED
                        + " else 0 end) as net_minor,"
                        + " count(case when " + SALE + " then 1 end) as tickets_sold"
                        + " from payments group by liveId, currency order by liveId, currency");
        RECIPES.put(
                "The revenue job's latest totals (all tiers)",
                "select liveId, currency, grossMinor, feesMinor, refundsMinor, netMinor, ticketsSold, ticketsRefunded"
                        + " from (select *, row_number() over (partition by liveId, currency order by"
                        + " grossMinor + refundsMinor + disputesHeldMinor + 2 * (disputesLostMinor + disputesWonMinor)"
                        + " + ticketsSold + ticketsRefunded + ticketsDisputed desc, occurredAt desc) as n"
                        + " from revenue where type = 'TOTAL' and tier is null) where n = 1 order by liveId, currency");
        RECIPES.put(
                "Refunds over time",
                "select liveId, currency, date_trunc('minute', occurredAt) as minute, count(*) as refunds,"
                        + " sum(amountMinor) as refunded_minor from payments where type = 'CHARGE_REFUNDED'"
                        + " group by 1, 2, 3 order by 1, 2, 3");
        RECIPES.put(
                "Watch time per live and conversion (the audience job's latest totals)",
                "select liveId,"
                        + " max(case when mode = 'LIVE' then views end) as live_views,"
                        + " max(case when mode = 'LIVE' then watchTimeMillis end) as live_watch_time_ms,"
                        + " max(case when mode = 'REPLAY' then watchTimeMillis end) as replay_watch_time_ms,"
                        + " max(case when mode = 'PAGE' then pageVisitors end) as page_visitors,"
                        + " max(case when mode = 'PAGE' then buyers end) as buyers,"
                        + " cast(max(case when mode = 'PAGE' then buyers end) * 10000"
                        + " div nullif(max(case when mode = 'PAGE' then pageVisitors end), 0) as int)"
                        + " as conversion_basis_points"
                        + " from (select *, row_number() over (partition by liveId, mode order by `at` desc,"
                        + " coalesce(views, 0) + coalesce(watchTimeMillis, 0) + coalesce(pageVisitors, 0)"
                        + " + coalesce(buyers, 0) desc, occurredAt desc) as n from audience where type = 'TOTAL')"
                        + " where n = 1 group by liveId order by liveId");
    }

    private SparkLake() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 1 || args[0].startsWith("-")) {
            System.err.println("usage: scripts/spark-lake DIR   (DIR: a copy made by 'stagepass lake sync DIR')");
            System.exit(2);
        }
        Path lake = Path.of(args[0]).toAbsolutePath().normalize();
        try (SparkSession spark = SparkSession.builder()
                .appName("stagepass-lake")
                .master("local[2]")
                .config("spark.ui.enabled", "false")
                .config("spark.sql.session.timeZone", "UTC")
                .getOrCreate()) {
            System.out.println("Spark " + spark.version() + " in local mode, lake copy " + lake);
            for (Map.Entry<String, String> topic : TOPICS.entrySet()) {
                Path folder = lake.resolve("topic=" + topic.getValue());
                if (!Files.isDirectory(folder)) {
                    System.err.println("no files for " + topic.getValue() + " in " + lake + ": run 'stagepass lake sync'");
                    System.exit(1);
                }
                spark.read()
                        .option("basePath", folder.toString())
                        .parquet(folder.toString())
                        .createOrReplaceTempView(topic.getKey());
                System.out.printf(
                        "view %-9s %d rows%n", topic.getKey(), spark.table(topic.getKey()).count());
            }
            for (Map.Entry<String, String> recipe : RECIPES.entrySet()) {
                System.out.println();
                System.out.println("-- " + recipe.getKey());
                spark.sql(recipe.getValue()).show(50, false);
            }
        }
    }
}
