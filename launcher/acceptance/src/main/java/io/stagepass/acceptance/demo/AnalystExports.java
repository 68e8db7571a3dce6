package io.stagepass.acceptance.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.MinioClient;
import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.events.Topic;
import io.stagepass.launcher.lake.Lake;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.creators.Catalog;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An analyst's key lists the lake's payments files through {@code GET /v1/exports}, every page of it: the same files
 * and row counts as the lake sync's copy (read by DuckDB), and a presigned URL downloads the same bytes.
 */
record AnalystExports(ApiClient api, KafkaSettings kafka, S3Settings s3, Path lakeCopy, Duration lakeWait)
        implements Check {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PARTITION_HOUR = Pattern.compile("date=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/");

    /** What the listing showed, and what differs from the lake's copy. */
    private record Listing(int files, int pages, long rows, List<String> problems) {
        static Listing refused(HttpResponse<String> answer) {
            return new Listing(0, 0, 0, List.of(answer.statusCode() + " " + answer.body()));
        }
    }

    @Override
    public String name() {
        return "exports";
    }

    @Override
    public CheckResult run() throws Exception {
        Catalog.AnalystAccess analyst = new Operator(kafka).addAnalyst("demo analyst");
        Instant to = Instant.now().plus(Duration.ofHours(1)).truncatedTo(ChronoUnit.HOURS);
        Instant from = to.minus(Duration.ofDays(1));
        String first = "/v1/exports?table=payments&from=" + from + "&to=" + to;
        Await.Outcome<Listing> listing;
        try (MinioClient client = ObjectStore.client(s3)) {
            listing = Await.until(
                    lakeWait,
                    Waits.POLL,
                    () -> {
                        Lake.sync(client, lakeCopy);
                        return list(first, analyst.apiKey(), from, to);
                    },
                    seen -> seen.problems().isEmpty());
        }
        Listing seen = listing.value();
        return CheckResult.of(
                name(),
                listing.met(),
                List.of(String.format(
                        "Exports (GET /v1/exports, an analyst key from stagepass analysts add): payments: %d file(s) in"
                                + " %d page(s), %d rows, with presigned URLs: %s",
                        seen.files(),
                        seen.pages(),
                        seen.rows(),
                        listing.met()
                                ? "the same files and rows as the lake's"
                                : "NOT the lake's: " + seen.problems())));
    }

    /** Every page of the listing, compared with the lake's copy. */
    private Listing list(String first, String key, Instant from, Instant to) throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> listed = new HashSet<>();
        int pages = 0;
        long rows = 0;
        boolean downloaded = false;
        String next = first;
        try (Lake lake = Lake.open(lakeCopy)) {
            while (next != null) {
                HttpResponse<String> answer = api.get(key, next);
                if (answer.statusCode() != 200) {
                    return Listing.refused(answer);
                }
                JsonNode page = JSON.readTree(answer.body());
                pages++;
                for (JsonNode file : page.get("data")) {
                    String fileKey = file.get("key").asText();
                    if (!listed.add(fileKey)) {
                        problems.add(fileKey + " is listed twice");
                    }
                    rows += file.get("rows").asLong();
                    Path copy = lakeCopy.resolve(fileKey);
                    if (!Files.exists(copy)) {
                        problems.add(fileKey + " is not in the lake's copy");
                        continue;
                    }
                    long inFile = lake.number("select count(*) from read_parquet('" + copy + "')");
                    if (inFile != file.get("rows").asLong()) {
                        problems.add(fileKey + ": " + file.get("rows") + " rows listed, " + inFile + " in the file");
                    }
                    if (!downloaded) {
                        byte[] bytes = api.bytes(file.get("url").asText()).body();
                        if (!Arrays.equals(bytes, Files.readAllBytes(copy))) {
                            problems.add(fileKey + ": its presigned URL gave other bytes");
                        }
                        downloaded = true;
                    }
                }
                next = page.get("next").isNull() ? null : page.get("next").asText();
            }
        }
        unlisted(listed, from, to).forEach(file -> problems.add(file + " is in the lake's copy but not listed"));
        return new Listing(listed.size(), pages, rows, problems);
    }

    /** The copy's payments files of partition-hours in [from, to) that the listing did not name. */
    private List<String> unlisted(Set<String> listed, Instant from, Instant to) throws Exception {
        Path payments = lakeCopy.resolve("topic=" + Topic.PAYMENTS.topicName());
        try (Stream<Path> files = Files.walk(payments)) {
            return files.filter(file -> file.toString().endsWith(".parquet"))
                    .map(file -> lakeCopy.relativize(file).toString())
                    .filter(file -> !listed.contains(file))
                    .filter(file -> {
                        Matcher hour = PARTITION_HOUR.matcher(file);
                        if (!hour.find()) {
                            return false;
                        }
                        Instant start = Instant.parse(hour.group(1) + "T" + hour.group(2) + ":00:00Z");
                        return !start.isBefore(from) && start.isBefore(to);
                    })
                    .toList();
        }
    }
}
