package io.stagepass.platform.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.minio.messages.Item;
import io.stagepass.events.Bucket;
import java.io.IOException;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which objects of the {@code lake} bucket hold its rows: the one rule every reader of the lake follows (the lake
 * sync, the exports API, the tests).
 *
 * <p>The lake job publishes rolling files of a partition-hour every few minutes and, once the hour has gone quiet,
 * compacts them into one. A compaction first writes a small record {@code <added>.compaction.json} naming the file
 * it adds and the files it replaces, then publishes the added file, then deletes the replaced ones. A file is read
 * unless a record whose added file is listed replaces it, so a listing taken at any moment holds each row once:
 * before the added file appears, the old files; after, the added file alone.
 *
 * <p>That holds for a listing that pages through the bucket while it changes, because of the order of names: S3
 * lists keys in order, a replaced file's name sorts before the added file's (names carry the time they were made),
 * and the record's after both. A listing that saw the added file therefore sees its record too, and one that found
 * a replaced file gone has the added file still ahead of it. Records stay a while after the files they replaced are
 * deleted, so a listing that saw a file just before its delete still knows to skip it.
 */
public final class LakeFiles {
    /** Objects not published yet: never {@code *.parquet} and under a folder Spark and Trino skip. */
    public static final String STAGING = "_staging/";

    private static final String RECORD_SUFFIX = ".compaction.json";
    private static final Pattern FILE_NAME = Pattern.compile("part-(\\d{13})-\\d+-[0-9a-f]+\\.parquet");
    private static final ObjectMapper JSON = new ObjectMapper();

    private LakeFiles() {}

    /** A published Parquet file: its key in the bucket, its size and when it was written. */
    public record LakeFile(String key, long size, Instant lastModified) {
        /** The Hive partition path it sits in, {@code topic=.../date=.../hour=.../}. */
        public String partition() {
            return key.substring(0, key.lastIndexOf('/') + 1);
        }
    }

    /** What a compaction did: the file it added and the files whose rows that file holds instead. */
    public record Compaction(String added, List<String> replaced) {
        public Compaction {
            replaced = List.copyOf(replaced);
        }

        /** Where the record of this compaction is kept: beside the added file, its name sorting right after. */
        public String recordKey() {
            return added + RECORD_SUFFIX;
        }

        public byte[] toJson() {
            try {
                return JSON.writeValueAsBytes(this);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public static Compaction fromJson(byte[] json) throws IOException {
            return JSON.readValue(json, Compaction.class);
        }
    }

    /**
     * The name of a file a writer publishes: {@code part-<millis, 13 digits>-<writer>-<random>.parquet}, so names
     * sort in the order they were made, whichever writer made them.
     */
    public static String fileName(int writer, long madeAtMillis) {
        return String.format(
                "part-%013d-%d-%s.parquet",
                madeAtMillis, writer, UUID.randomUUID().toString().substring(0, 8));
    }

    /** When the file was made, from its name ({@link #fileName}); 0 for names of another form. */
    public static long madeAtMillis(String key) {
        Matcher name = FILE_NAME.matcher(key.substring(key.lastIndexOf('/') + 1));
        return name.matches() ? Long.parseLong(name.group(1)) : 0;
    }

    /** True for the key of a compaction record. */
    public static boolean isRecord(String key) {
        return key.endsWith(".parquet" + RECORD_SUFFIX);
    }

    /**
     * The files to read, given everything a listing saw: the Parquet files minus those a compaction replaced whose
     * added file is among them. Sorted by key.
     */
    public static List<LakeFile> live(List<LakeFile> parquet, List<Compaction> compactions) {
        Set<String> listed = new HashSet<>();
        parquet.forEach(file -> listed.add(file.key()));
        Set<String> replaced = new HashSet<>();
        for (Compaction compaction : compactions) {
            if (listed.contains(compaction.added())) {
                replaced.addAll(compaction.replaced());
            }
        }
        return parquet.stream()
                .filter(file -> !replaced.contains(file.key()))
                .sorted(Comparator.comparing(LakeFile::key))
                .toList();
    }

    /** The files to read under {@code prefix} (empty for the whole lake), listed from the bucket now. */
    public static List<LakeFile> list(MinioClient client, String prefix) throws IOException {
        String bucket = Bucket.LAKE.bucketName();
        List<LakeFile> parquet = new ArrayList<>();
        List<String> records = new ArrayList<>();
        try {
            for (Result<Item> result : client.listObjects(ListObjectsArgs.builder()
                    .bucket(bucket)
                    .prefix(prefix)
                    .recursive(true)
                    .build())) {
                Item item = result.get();
                String key = item.objectName();
                if (key.startsWith(STAGING)) {
                    continue;
                }
                if (key.endsWith(".parquet")) {
                    parquet.add(new LakeFile(
                            key,
                            item.size(),
                            item.lastModified() == null
                                    ? Instant.EPOCH
                                    : item.lastModified().toInstant()));
                } else if (isRecord(key)) {
                    records.add(key);
                }
            }
            List<Compaction> compactions = new ArrayList<>();
            for (String key : records) {
                try (InputStream in = client.getObject(
                        GetObjectArgs.builder().bucket(bucket).object(key).build())) {
                    compactions.add(Compaction.fromJson(in.readAllBytes()));
                } catch (ErrorResponseException e) {
                    // Deleted since the listing: records go long after the files they replaced, so this listing
                    // did not see those either.
                    if (!"NoSuchKey".equals(e.errorResponse().code())) {
                        throw e;
                    }
                }
            }
            return live(parquet, compactions);
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("cannot list the lake bucket: " + e.getMessage(), e);
        }
    }
}
