package io.stagepass.launcher;

import io.minio.MinioClient;
import io.stagepass.events.Bucket;
import io.stagepass.launcher.lake.Lake;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagepass lake SQL}: copies the lake's published Parquet files (only new ones) from the object store
 * into a local folder and runs SQL on them with DuckDB, one view per topic.
 */
@Command(
        name = "lake",
        mixinStandardHelpOptions = true,
        subcommands = LakeCommand.Sync.class,
        description = {
            "Query the Parquet lake with DuckDB (SQL).",
            "Copies the published *.parquet objects of the 'lake' bucket at STAGEPASS_S3_ENDPOINT (only files not copied "
                    + "yet; files a compaction replaced are removed) into DATA/lake, then runs the query. Views: lake (every topic, with the Hive partition "
                    + "columns topic, date, hour) and one per topic that has files: creators, lives, replays, entitlements, "
                    + "segments, beacons, payments, revenue, audience, topic_activity, deadletter; and the curated "
                    + "tables tickets, revenue_totals, revenue_by_minute, audience_by_live (docs/analysts.md).",
            "Example: stagepass lake \"select topic, count(*) from lake group by topic\"",
            "'stagepass lake sync DIR' copies the lake into DIR for tools that cannot sign S3 requests."
        })
final class LakeCommand implements Callable<Integer> {
    @Parameters(
            paramLabel = "SQL",
            description = "The query; omit it to list the views and curated tables with their row counts.",
            arity = "0..1")
    String sql;

    @Option(
            names = "--data-dir",
            paramLabel = "DIR",
            description = "Data directory (default: STAGEPASS_DATA_DIR or ./data).")
    Path dataDir;

    @Option(names = "--no-sync", description = "Query the local copy as it is, without contacting the object store.")
    boolean noSync;

    /**
     * {@code stagepass lake sync DIR}: the files a reader of the lake reads, copied into a folder (Hive layout),
     * for Spark, pandas or DuckDB's own CLI.
     */
    @Command(
            name = "sync",
            mixinStandardHelpOptions = true,
            description = {
                "Copy the lake into DIR, for tools that cannot sign S3 requests.",
                "DIR then holds exactly the Parquet files a reader of the 'lake' bucket at STAGEPASS_S3_ENDPOINT should "
                        + "read now, as topic=<topic>/date=YYYY-MM-DD/hour=HH/*.parquet: files not copied yet are "
                        + "downloaded (a published file never changes), files a compaction replaced are removed. Run it "
                        + "again to bring DIR up to date."
            })
    static final class Sync implements Callable<Integer> {
        @Parameters(paramLabel = "DIR", description = "Where the copy goes; created if missing.")
        Path target;

        @Override
        public Integer call() {
            S3Settings s3 = S3Settings.fromEnv(Env.system());
            Path root = target.toAbsolutePath().normalize();
            try (MinioClient client = ObjectStore.client(s3)) {
                Lake.Synced synced = Lake.sync(client, root);
                System.out.printf(
                        "lake: %d new file(s) copied from %s/%s to %s, %d compacted away removed; %d file(s), %s in all%n",
                        synced.copied(),
                        s3.endpoint(),
                        Bucket.LAKE.bucketName(),
                        root,
                        synced.removed(),
                        synced.files(),
                        Lake.megabytes(synced.bytes()));
                return 0;
            } catch (Exception e) {
                System.err.println("stagepass: cannot copy the lake bucket at " + s3.endpoint() + " ("
                        + S3Settings.ENDPOINT + "; is 'stagepass up' running?): " + e.getMessage());
                return 1;
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        Env env = Env.system();
        Path root = (dataDir != null ? dataDir : StackConfig.fromEnv(env).dataDir()).resolve("lake");
        Files.createDirectories(root);
        if (!noSync) {
            S3Settings s3 = S3Settings.fromEnv(env);
            try (MinioClient client = ObjectStore.client(s3)) {
                Lake.Synced synced = Lake.sync(client, root);
                System.err.printf(
                        "lake: %d new file(s) copied from %s/%s to %s%s%n",
                        synced.copied(),
                        s3.endpoint(),
                        Bucket.LAKE.bucketName(),
                        root,
                        synced.removed() == 0 ? "" : ", " + synced.removed() + " compacted away removed");
            } catch (Exception e) {
                System.err.println("stagepass: cannot read the lake bucket at " + s3.endpoint() + " ("
                        + S3Settings.ENDPOINT + "; is 'stagepass up' running?): " + e.getMessage());
                return 1;
            }
        }
        try (Lake lake = Lake.open(root)) {
            if (lake.views().isEmpty()) {
                System.err.println(
                        "stagepass: the lake has no files yet (the lake job publishes a busy partition-hour every "
                                + "STAGEPASS_LAKE_PUBLISH_EVERY, and a quiet one after STAGEPASS_LAKE_CLOSE_AFTER)");
                return 1;
            }
            String query = sql != null
                    ? sql
                    : String.join(
                            " union all ",
                            Stream.concat(lake.views().stream(), lake.curated().stream())
                                    .map(view -> "select '" + view + "' as view, count(*) as rows from " + view)
                                    .toList());
            try {
                lake.print(query, System.out);
            } catch (SQLException e) {
                System.err.println(
                        "stagepass: " + e.getMessage().lines().findFirst().orElse("query failed"));
                return 2;
            }
        }
        return 0;
    }
}
