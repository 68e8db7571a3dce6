package io.stagepass.pipeline.lake;

import io.minio.CopyObjectArgs;
import io.minio.CopySource;
import io.minio.DownloadObjectArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.RemoveObjectArgs;
import io.minio.StatObjectArgs;
import io.minio.UploadObjectArgs;
import io.minio.errors.ErrorResponseException;
import io.minio.errors.MinioException;
import io.stagepass.events.Bucket;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.lake.LakeFiles;
import io.stagepass.platform.s3.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

/** The lake bucket through the MinIO SDK: the few operations the lake sink needs, with IOException on failure. */
final class LakeStore implements AutoCloseable {
    static final String BUCKET = Bucket.LAKE.bucketName();
    /** Staged objects: not {@code *.parquet}, and under a folder Spark and Trino skip, so no reader sees them. */
    static final String STAGING = LakeFiles.STAGING;

    private final MinioClient client;

    LakeStore(Endpoint endpoint) {
        this.client = ObjectStore.client(endpoint.settings());
    }

    void upload(Path file, String key) throws IOException {
        call(
                () -> client.uploadObject(UploadObjectArgs.builder()
                        .bucket(BUCKET)
                        .object(key)
                        .filename(file.toString())
                        .contentType("application/vnd.apache.parquet")
                        .build()),
                "upload " + key);
    }

    void put(String key, byte[] content) throws IOException {
        call(
                () -> client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                                new ByteArrayInputStream(content), content.length, -1)
                        .contentType("application/json")
                        .build()),
                "write " + key);
    }

    /** Downloads an object; false when there is no such object. */
    boolean downloadIfPresent(String key, Path file) throws IOException {
        try {
            client.downloadObject(DownloadObjectArgs.builder()
                    .bucket(BUCKET)
                    .object(key)
                    .filename(file.toString())
                    .overwrite(true)
                    .build());
            return true;
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return false;
            }
            throw new IOException("object store: cannot download " + key + ": " + e.getMessage(), e);
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("object store: cannot download " + key + ": " + e.getMessage(), e);
        }
    }

    void copy(String source, String target) throws IOException {
        call(
                () -> client.copyObject(CopyObjectArgs.builder()
                        .bucket(BUCKET)
                        .object(target)
                        .source(CopySource.builder()
                                .bucket(BUCKET)
                                .object(source)
                                .build())
                        .build()),
                "copy " + source + " to " + target);
    }

    boolean exists(String key) throws IOException {
        try {
            client.statObject(
                    StatObjectArgs.builder().bucket(BUCKET).object(key).build());
            return true;
        } catch (ErrorResponseException e) {
            if (missing(e)) {
                return false;
            }
            throw new IOException("stat " + key + ": " + e.getMessage(), e);
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("stat " + key + ": " + e.getMessage(), e);
        }
    }

    private static boolean missing(ErrorResponseException e) {
        return "NoSuchKey".equals(e.errorResponse().code())
                || "NotFound".equals(e.errorResponse().code());
    }

    void delete(String key) throws IOException {
        call(
                () -> client.removeObject(
                        RemoveObjectArgs.builder().bucket(BUCKET).object(key).build()),
                "delete " + key);
    }

    @Override
    public void close() throws Exception {
        client.close();
    }

    private interface Call {
        void run() throws MinioException, GeneralSecurityException, IOException;
    }

    private static void call(Call call, String what) throws IOException {
        try {
            call.run();
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("object store: cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** The object store's address and credentials, in a form a Flink sink can carry to its tasks. */
    record Endpoint(String uri, String accessKey, String secretKey, String region) implements Serializable {
        static Endpoint of(S3Settings s3) {
            return new Endpoint(s3.endpoint().toString(), s3.accessKey(), s3.secretKey(), s3.region());
        }

        S3Settings settings() {
            return new S3Settings(URI.create(uri), accessKey, secretKey, region);
        }
    }
}
