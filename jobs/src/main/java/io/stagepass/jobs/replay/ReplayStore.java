package io.stagepass.jobs.replay;

import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.Result;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.InternalException;
import io.minio.errors.ServerException;
import io.minio.messages.Item;
import io.stagepass.events.Bucket;
import io.stagepass.events.StreamKeys;
import io.stagepass.platform.lifecycle.Retry;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * The object store as the packager uses it: segment bytes in (checked against the SHA-256 ingest recorded), package
 * files out under {@code {liveId}/v{version}/} of the replays bucket, and prefixes deleted when a replay expires.
 * Transient errors are retried with backoff; a missing object is not an error to retry.
 */
public final class ReplayStore {
    /** Multipart uploads in 32 MB parts: fewer round trips than the SDK's 5 MB for a gigabyte of media. */
    private static final long PART_BYTES = 32L * 1024 * 1024;

    private final MinioClient s3;
    private final Retry retry = Retry.transientErrors();

    public ReplayStore(MinioClient s3) {
        this.s3 = s3;
    }

    /** Why a segment could not be fetched, or empty when {@code target} holds exactly the bytes ingest stored. */
    public Optional<String> fetch(String key, String expectedSha256, Path target) throws Exception {
        try {
            String sha256 = retry.call("fetch " + key, ReplayStore::retriable, () -> download(key, target));
            if (!sha256.equals(expectedSha256)) {
                return Optional.of("its bytes do not match the SHA-256 ingest recorded ("
                        + expectedSha256.substring(0, 12) + "..., found " + sha256.substring(0, 12) + "...)");
            }
            return Optional.empty();
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.of("its object " + key + " is missing from the segments bucket");
            }
            throw e;
        }
    }

    /** The SHA-256 of the object's bytes, now in {@code target}; empty when there is no such object. */
    Optional<String> fetchIfPresent(Bucket bucket, String key, Path target) throws Exception {
        try {
            return Optional.of(retry.call("fetch " + key, ReplayStore::retriable, () -> download(bucket, key, target)));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private String download(String key, Path target) throws Exception {
        return download(Bucket.SEGMENTS, key, target);
    }

    private String download(Bucket bucket, String key, Path target) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = s3.getObject(GetObjectArgs.builder()
                        .bucket(bucket.bucketName())
                        .object(key)
                        .build());
                OutputStream file = new DigestOutputStream(Files.newOutputStream(target), sha256)) {
            in.transferTo(file);
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** Writes a file of the package; returns the SHA-256 of the bytes sent (hashed on the way, not read twice). */
    String upload(Path file, String key, String contentType) throws Exception {
        return upload(Bucket.REPLAYS, file, key, contentType);
    }

    /** Writes a file to a bucket (a rendition's segment goes beside the source's); returns its SHA-256. */
    public String upload(Bucket bucket, Path file, String key, String contentType) throws Exception {
        return retry.call("upload " + key, ReplayStore::retriable, () -> {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256)) {
                s3.putObject(PutObjectArgs.builder().bucket(bucket.bucketName()).object(key).stream(
                                in, Files.size(file), PART_BYTES)
                        .contentType(contentType)
                        .build());
            }
            return HexFormat.of().formatHex(sha256.digest());
        });
    }

    /** Writes bytes to a bucket; returns their SHA-256. */
    public String upload(Bucket bucket, byte[] bytes, String key, String contentType) throws Exception {
        return retry.call("upload " + key, ReplayStore::retriable, () -> {
            s3.putObject(PutObjectArgs.builder().bucket(bucket.bucketName()).object(key).stream(
                            new java.io.ByteArrayInputStream(bytes), bytes.length, -1)
                    .contentType(contentType)
                    .build());
            return StreamKeys.sha256(bytes);
        });
    }

    /** An object's bytes, or empty when there is no such object. */
    public Optional<byte[]> read(Bucket bucket, String key) throws Exception {
        try {
            return Optional.of(retry.call("fetch " + key, ReplayStore::retriable, () -> {
                try (InputStream in = s3.getObject(GetObjectArgs.builder()
                        .bucket(bucket.bucketName())
                        .object(key)
                        .build())) {
                    return in.readAllBytes();
                }
            }));
        } catch (ErrorResponseException e) {
            if ("NoSuchKey".equals(e.errorResponse().code())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Deletes one object (a missing one is not an error: deleted before). */
    public void delete(Bucket bucket, String key) throws Exception {
        retry.call("delete " + key, ReplayStore::retriable, () -> {
            s3.removeObject(RemoveObjectArgs.builder()
                    .bucket(bucket.bucketName())
                    .object(key)
                    .build());
            return null;
        });
    }

    /** Deletes every object under {@code prefix} of a bucket; returns how many there were. */
    int deletePrefix(Bucket bucket, String prefix, boolean dryRun) throws Exception {
        List<String> keys = keys(bucket, prefix);
        if (!dryRun) {
            for (String key : keys) {
                delete(bucket, key);
            }
        }
        return keys.size();
    }

    List<String> keys(Bucket bucket, String prefix) throws Exception {
        List<String> keys = new ArrayList<>();
        for (Result<Item> item : s3.listObjects(ListObjectsArgs.builder()
                .bucket(bucket.bucketName())
                .prefix(prefix)
                .recursive(true)
                .build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }

    /** Network and server errors pass; a refusal (no such key, access denied) does not. */
    static boolean retriable(Exception e) {
        if (e instanceof ErrorResponseException response) {
            String code = response.errorResponse().code();
            return !"NoSuchKey".equals(code) && !"AccessDenied".equals(code) && !"NoSuchBucket".equals(code);
        }
        return e instanceof IOException || e instanceof ServerException || e instanceof InternalException;
    }
}
