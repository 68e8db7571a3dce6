package io.stagepass.launcher.lake;

import io.minio.DownloadObjectArgs;
import io.minio.MinioClient;
import io.minio.errors.ErrorResponseException;
import io.stagepass.events.Bucket;
import io.stagepass.events.Topic;
import io.stagepass.platform.lake.LakeFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A local copy of the Parquet lake and DuckDB over it: the files a reader of the {@code lake} bucket reads are
 * copied into a folder (only new ones: a published file never changes; compacted-away ones are removed), and an in-process DuckDB connection gets one view
 * per topic plus {@code lake} over all of them, with the Hive partition columns {@code topic}, {@code date} and
 * {@code hour}.
 */
public final class Lake implements AutoCloseable {
    private final Connection duck;
    private final List<String> views;
    private final List<String> curated;

    private Lake(Connection duck, List<String> views, List<String> curated) {
        this.duck = duck;
        this.views = views;
        this.curated = curated;
    }

    /**
     * A curated table of {@code curated.sql}: a view over topic views, made when they all have files.
     *
     * @param needs the topic views it reads
     */
    record Curated(String name, List<String> needs, String sql) {
        private static final Pattern CREATE = Pattern.compile("(?m)^create view (\\w+) as");

        /** The statements of {@code curated.sql}, each after a {@code -- needs: view ...} line. */
        static List<Curated> load() {
            List<Curated> tables = new ArrayList<>();
            for (String block : curatedSql().split("(?m)^-- needs:")) {
                Matcher create = CREATE.matcher(block);
                if (!create.find()) {
                    continue; // the header
                }
                List<String> needs =
                        List.of(block.lines().findFirst().orElseThrow().trim().split("\\s+"));
                String sql = block.substring(block.indexOf('\n') + 1).trim();
                tables.add(new Curated(create.group(1), needs, sql.replaceFirst(";\\s*$", "")));
            }
            return tables;
        }
    }

    /** The whole of {@code curated.sql}, for DuckDB's own CLI over a copy of the lake. */
    public static String curatedSql() {
        try (InputStream in = Lake.class.getResourceAsStream("curated.sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What a sync did: files copied, and local files removed because a compaction replaced them; then how many files
     * the copy holds, and their bytes.
     */
    public record Synced(int copied, int removed, int files, long bytes) {}

    /** Bytes as megabytes with one decimal, for progress lines. */
    public static String megabytes(long bytes) {
        return String.format("%.1f MB", bytes / 1e6);
    }

    /**
     * Makes {@code root} hold exactly the files a reader of the lake reads now ({@link LakeFiles}): copies those not
     * copied yet (a published file never changes) and removes those a compaction replaced. A file compacted away
     * between the listing and its download makes it list again.
     */
    public static Synced sync(MinioClient client, Path root) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return syncOnce(client, root);
            } catch (ErrorResponseException e) {
                if (!"NoSuchKey".equals(e.errorResponse().code()) || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private static Synced syncOnce(MinioClient client, Path root) throws Exception {
        Files.createDirectories(root);
        int copied = 0;
        long bytes = 0;
        Set<Path> live = new HashSet<>();
        for (LakeFiles.LakeFile published : LakeFiles.list(client, "")) {
            String key = published.key();
            Path file = root.resolve(key).normalize();
            if (!file.startsWith(root)) {
                continue;
            }
            live.add(file);
            bytes += published.size();
            if (Files.exists(file)) {
                continue;
            }
            Files.createDirectories(file.getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".download");
            client.downloadObject(DownloadObjectArgs.builder()
                    .bucket(Bucket.LAKE.bucketName())
                    .object(key)
                    .filename(partial.toString())
                    .overwrite(true)
                    .build());
            Files.move(partial, file);
            copied++;
        }
        int removed = 0;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file :
                    files.filter(path -> path.toString().endsWith(".parquet")).toList()) {
                if (!live.contains(file)) {
                    Files.delete(file);
                    removed++;
                }
            }
        }
        return new Synced(copied, removed, live.size(), bytes);
    }

    /** DuckDB over the files under {@code root}, with a view per topic that has files. */
    public static Lake open(Path root) throws SQLException {
        Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement statement = duck.createStatement()) {
            List<String> views = new ArrayList<>();
            for (Topic topic : Topic.values()) {
                Path folder = root.resolve("topic=" + topic.topicName());
                if (Files.isDirectory(folder)) {
                    String view = viewName(topic);
                    // By name: files written before a schema grew a field read that field as NULL.
                    statement.execute("create view " + view + " as select * from read_parquet('" + folder
                            + "/**/*.parquet', hive_partitioning = true, union_by_name = true)");
                    views.add(view);
                }
            }
            if (!views.isEmpty()) {
                statement.execute("create view lake as select * from read_parquet('" + root
                        + "/**/*.parquet', hive_partitioning = true, union_by_name = true)");
            }
            List<String> curated = new ArrayList<>();
            for (Curated table : Curated.load()) {
                if (views.containsAll(table.needs())) {
                    statement.execute(table.sql());
                    curated.add(table.name());
                }
            }
            return new Lake(duck, List.copyOf(views), List.copyOf(curated));
        } catch (SQLException | RuntimeException e) {
            duck.close();
            throw e;
        }
    }

    /** The view of a topic: the last part of its name ({@code stagepass.viewer.beacons} is {@code beacons}). */
    public static String viewName(Topic topic) {
        return topic.tableName();
    }

    /** The views defined, one per topic with files. */
    public List<String> views() {
        return views;
    }

    /** The curated tables defined ({@code curated.sql}): those whose topics have files. */
    public List<String> curated() {
        return curated;
    }

    /** Runs a query and prints its rows as an aligned table. */
    public void print(String sql, PrintStream out) throws SQLException {
        // a statement of DuckDB's driver is closed by a failed query, so one per query
        try (Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            print(rows, out);
        }
    }

    /** A query's rows, each as its values separated by two spaces ({@code NULL} for null). */
    public List<String> rows(String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement statement = duck.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<String> values = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    Object value = result.getObject(c);
                    values.add(value == null ? "NULL" : value.toString());
                }
                rows.add(String.join("  ", values));
            }
        }
        return rows;
    }

    /** The single number a query like {@code select count(*) ...} answers. */
    public long number(String sql) throws SQLException {
        try (Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    /** The numbers of a query's first row, column by column (a null is 0); empty when it has no row. */
    public List<Long> numbers(String sql) throws SQLException {
        List<Long> numbers = new ArrayList<>();
        try (Statement statement = duck.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            if (rows.next()) {
                for (int c = 1; c <= rows.getMetaData().getColumnCount(); c++) {
                    numbers.add(rows.getLong(c));
                }
            }
        }
        return numbers;
    }

    private static void print(ResultSet rows, PrintStream out) throws SQLException {
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

    @Override
    public void close() throws SQLException {
        duck.close();
    }
}
