package io.stagepass.replay.exports;

import io.minio.GetPresignedObjectUrlArgs;
import io.minio.MinioClient;
import io.minio.errors.MinioException;
import io.minio.http.Method;
import io.stagepass.events.Bucket;
import io.stagepass.platform.lake.LakeFiles;
import io.stagepass.platform.lake.ParquetFooters;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The lake's Parquet files of a table and time range, page by page, as readers must read them ({@link LakeFiles}'s
 * rule, applied to each day's listing), with their row counts (from their footers) and presigned URLs. A page holds
 * whole partition-hours: an hour that is being compacted is listed in one piece, before or after, never half of each.
 */
public final class LakeExports {
    /** How long a listed file's presigned URL works. */
    public static final Duration URL_TTL = Duration.ofHours(1);

    private static final Pattern PARTITION = Pattern.compile("/date=(\\d{4}-\\d{2}-\\d{2})/hour=(\\d{2})/");
    private static final int CACHED_COUNTS = 100_000;

    /** A file of a page. */
    public record ExportFile(
            String key, LocalDate date, int hour, long bytes, long rows, Instant lastModified, String url) {}

    /** A page of files and the partition-hour the next page starts at (null on the last page). */
    public record Page(List<ExportFile> files, Instant next, Instant urlsExpireAt) {}

    private final MinioClient s3;
    private final MinioClient presigner;
    private final Map<String, Long> rowCounts = new ConcurrentHashMap<>();

    /**
     * @param s3        reads the lake (listings, footers)
     * @param presigner signs URLs for the endpoint analysts reach ({@code STAGEPASS_S3_PUBLIC_ENDPOINT})
     */
    public LakeExports(MinioClient s3, MinioClient presigner) {
        this.s3 = s3;
        this.presigner = presigner;
    }

    public Page page(ExportQuery query, Instant now) throws IOException {
        String table = "topic=" + query.table().topicName() + "/";
        List<ExportFile> files = new ArrayList<>();
        LocalDate last = query.to().minusMillis(1).atZone(ZoneOffset.UTC).toLocalDate();
        for (LocalDate date = query.start().atZone(ZoneOffset.UTC).toLocalDate();
                !date.isAfter(last);
                date = date.plusDays(1)) {
            TreeMap<Instant, List<LakeFiles.LakeFile>> hours = new TreeMap<>();
            for (LakeFiles.LakeFile file : LakeFiles.list(s3, table + "date=" + date + "/")) {
                Instant hour = hourOf(file.key());
                if (hour != null && query.covers(hour)) {
                    hours.computeIfAbsent(hour, h -> new ArrayList<>()).add(file);
                }
            }
            for (Map.Entry<Instant, List<LakeFiles.LakeFile>> hour : hours.entrySet()) {
                if (!files.isEmpty() && files.size() + hour.getValue().size() > query.limit()) {
                    return new Page(files, hour.getKey(), now.plus(URL_TTL));
                }
                for (LakeFiles.LakeFile file : hour.getValue()) {
                    files.add(exported(file, hour.getKey()));
                }
            }
        }
        return new Page(files, null, now.plus(URL_TTL));
    }

    private ExportFile exported(LakeFiles.LakeFile file, Instant hour) throws IOException {
        return new ExportFile(
                file.key(),
                hour.atZone(ZoneOffset.UTC).toLocalDate(),
                hour.atZone(ZoneOffset.UTC).getHour(),
                file.size(),
                rows(file),
                file.lastModified(),
                url(file.key()));
    }

    /** Published files never change (a name is used once), so a count is read once. */
    private long rows(LakeFiles.LakeFile file) throws IOException {
        Long cached = rowCounts.get(file.key());
        if (cached != null) {
            return cached;
        }
        long rows = ParquetFooters.rows(s3, Bucket.LAKE.bucketName(), file.key(), file.size());
        if (rowCounts.size() >= CACHED_COUNTS) {
            rowCounts.clear();
        }
        rowCounts.put(file.key(), rows);
        return rows;
    }

    private String url(String key) throws IOException {
        try {
            return presigner.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                    .method(Method.GET)
                    .bucket(Bucket.LAKE.bucketName())
                    .object(key)
                    .expiry((int) URL_TTL.toSeconds(), TimeUnit.SECONDS)
                    .build());
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("cannot sign a URL for " + key + ": " + e.getMessage(), e);
        }
    }

    /** The partition-hour of a key, {@code .../date=YYYY-MM-DD/hour=HH/...}. */
    static Instant hourOf(String key) {
        Matcher partition = PARTITION.matcher(key);
        if (!partition.find()) {
            return null;
        }
        return LocalDate.parse(partition.group(1))
                .atStartOfDay(ZoneOffset.UTC)
                .plusHours(Integer.parseInt(partition.group(2)))
                .toInstant();
    }
}
