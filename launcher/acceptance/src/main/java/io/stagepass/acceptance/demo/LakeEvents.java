package io.stagepass.acceptance.demo;

import io.minio.MinioClient;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.events.Topic;
import io.stagepass.launcher.lake.Lake;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The lake holds every event of the live that carries a live id, as DuckDB reads the published Parquet files. */
record LakeEvents(S3Settings s3, Path lakeCopy, Duration lakeWait, Sent sent) implements Check {
    private static final List<Topic> TOPICS = List.of(Topic.LIVES, Topic.SEGMENTS, Topic.BEACONS, Topic.PAYMENTS);

    @Override
    public String name() {
        return "lake";
    }

    @Override
    public Optional<String> announcement() {
        return Optional.of(
                "Waiting for the lake (Parquet in the object store, published when a partition-hour goes quiet)...");
    }

    @Override
    public CheckResult run() throws Exception {
        Await.Outcome<Map<String, Long>> found;
        try (MinioClient client = ObjectStore.client(s3)) {
            found = Await.until(
                    lakeWait,
                    Waits.POLL,
                    () -> {
                        Lake.sync(client, lakeCopy);
                        return counts();
                    },
                    this::everyEvent);
        }
        if (!found.met()) {
            return CheckResult.failed(
                    name(),
                    List.of("  the lake did not hold every event of the live within " + lakeWait.toSeconds()
                            + " s; found: " + found.value()));
        }
        List<String> lines = new ArrayList<>();
        lines.add("  DuckDB on the lake, this live's events per topic (stagepass lake \"select ...\"):");
        found.value().forEach((view, rows) -> lines.add(String.format("  %-32s %3d", view, rows)));
        return CheckResult.held(name(), lines);
    }

    private boolean everyEvent(Map<String, Long> counts) {
        return TOPICS.stream()
                .allMatch(t -> counts.getOrDefault(Lake.viewName(t), 0L)
                        >= sent.counts().get(t));
    }

    /** The live's rows in each view that has a liveId column. */
    private Map<String, Long> counts() throws SQLException {
        Map<String, Long> counts = new TreeMap<>();
        try (Lake lake = Lake.open(lakeCopy)) {
            for (String view : lake.views()) {
                try {
                    counts.put(
                            view,
                            lake.number("select count(*) from " + view + " where liveId = '" + sent.liveId() + "'"));
                } catch (SQLException e) {
                    if (!e.getMessage().contains("liveId")) {
                        throw e;
                    } // else a topic without a liveId column (creators, dead letters, topic activity)
                }
            }
        }
        return counts;
    }
}
