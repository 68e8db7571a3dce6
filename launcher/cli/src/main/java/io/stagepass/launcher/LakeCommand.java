package io.stagepass.launcher;

import io.minio.DownloadObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.messages.Item;
import io.stagepass.events.Topic;
import io.stagepass.events.config.Env;
import io.stagepass.events.config.S3Settings;
import io.stagepass.events.s3.Bucket;
import io.stagepass.events.s3.ObjectStore;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code stagepass lake SQL}: copies the lake's published Parquet files (only new ones) from the object store
 * into a local folder and runs SQL on them with DuckDB, one view per topic.
 */
@Command(name = "lake", mixinStandardHelpOptions = true,
        description = {"Query the Parquet lake with DuckDB (SQL).",
                "Copies the published *.parquet objects of the 'lake' bucket at STAGEPASS_S3_ENDPOINT (only files not copied "
                        + "yet) into DATA/lake, then runs the query. Views: lake (every topic, with the Hive partition "
                        + "columns topic, date, hour) and one per topic that has files: creators, lives, replays, entitlements, "
                        + "segments, beacons, payments, revenue, audience, topic_activity, deadletter.",
                "Example: stagepass lake \"select topic, count(*) from lake group by topic\""})
final class LakeCommand implements Callable<Integer> {
    @Parameters(paramLabel = "SQL", description = "The query; omit it to list the views and their row counts.", arity = "0..1")
    String sql;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (default: STAGEPASS_DATA_DIR or ./data).")
    Path dataDir;

    @Option(names = "--no-sync", description = "Query the local copy as it is, without contacting the object store.")
    boolean noSync;

    @Override
    public Integer call() throws Exception {
        Env env = Env.system();
        Path root = (dataDir != null ? dataDir : StackConfig.fromEnv(env).dataDir()).resolve("lake");
        Files.createDirectories(root);
        if (!noSync) {
            S3Settings s3 = S3Settings.fromEnv(env);
            try (MinioClient client = ObjectStore.client(s3)) {
                int copied = sync(client, root);
                System.err.printf("lake: %d new file(s) copied from %s/%s to %s%n", copied, s3.endpoint(), Bucket.LAKE.bucketName(), root);
            } catch (Exception e) {
                System.err.println("stagepass: cannot read the lake bucket at " + s3.endpoint() + " (" + S3Settings.ENDPOINT
                        + "; is 'stagepass up' running?): " + e.getMessage());
                return 1;
            }
        }
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement statement = duck.createStatement()) {
            List<String> views = defineViews(statement, root);
            if (views.isEmpty()) {
                System.err.println("stagepass: the lake has no files yet (the lake job publishes a partition-hour once it "
                        + "has been quiet for STAGEPASS_LAKE_CLOSE_AFTER)");
                return 1;
            }
            String query = sql != null ? sql : String.join(" union all ", views.stream()
                    .map(view -> "select '" + view + "' as view, count(*) as rows from " + view).toList());
            try (ResultSet rows = statement.executeQuery(query)) {
                print(rows, System.out);
            } catch (SQLException e) {
                System.err.println("stagepass: " + e.getMessage().lines().findFirst().orElse("query failed"));
                return 2;
            }
        }
        return 0;
    }

    /** Copies published files not copied yet (a published file never changes, so its key is enough). */
    static int sync(MinioClient client, Path root) throws Exception {
        int copied = 0;
        for (Result<Item> result : client.listObjects(ListObjectsArgs.builder().bucket(Bucket.LAKE.bucketName()).recursive(true).build())) {
            String key = result.get().objectName();
            Path file = root.resolve(key).normalize();
            if (!key.endsWith(".parquet") || !file.startsWith(root) || Files.exists(file)) {
                continue;
            }
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".download");
            client.downloadObject(DownloadObjectArgs.builder().bucket(Bucket.LAKE.bucketName()).object(key)
                    .filename(partial.toString()).overwrite(true).build());
            Files.move(partial, file);
            copied++;
        }
        return copied;
    }

    static List<String> defineViews(Statement statement, Path root) throws SQLException {
        List<String> views = new ArrayList<>();
        String all = root + "/**/*.parquet";
        for (Topic topic : Topic.values()) {
            Path folder = root.resolve("topic=" + topic.topicName());
            if (Files.isDirectory(folder)) {
                String view = viewName(topic);
                statement.execute("create view " + view + " as select * from read_parquet('" + folder
                        + "/**/*.parquet', hive_partitioning = true)");
                views.add(view);
            }
        }
        if (!views.isEmpty()) {
            statement.execute("create view lake as select * from read_parquet('" + all
                    + "', hive_partitioning = true, union_by_name = true)");
        }
        return views;
    }

    static String viewName(Topic topic) {
        return topic.topicName().substring(topic.topicName().lastIndexOf('.') + 1).replace('-', '_');
    }

    static void print(ResultSet rows, PrintStream out) throws SQLException {
        ResultSetMetaData meta = rows.getMetaData();
        int columns = meta.getColumnCount();
        List<String[]> table = new ArrayList<>();
        String[] header = new String[columns];
        for (int c = 0; c < columns; c++) {
            header[c] = meta.getColumnLabel(c + 1);
        }
        table.add(header);
        while (rows.next()) {
            String[] row = new String[columns];
            for (int c = 0; c < columns; c++) {
                Object value = rows.getObject(c + 1);
                row[c] = value == null ? "NULL" : value.toString();
            }
            table.add(row);
        }
        int[] widths = new int[columns];
        for (String[] row : table) {
            for (int c = 0; c < columns; c++) {
                widths[c] = Math.max(widths[c], row[c].length());
            }
        }
        for (String[] row : table) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < columns; c++) {
                line.append(c == 0 ? "" : "  ").append(String.format("%-" + widths[c] + "s", row[c]));
            }
            out.println(line.toString().stripTrailing());
        }
        out.printf("(%d row%s)%n", table.size() - 1, table.size() == 2 ? "" : "s");
    }
}
