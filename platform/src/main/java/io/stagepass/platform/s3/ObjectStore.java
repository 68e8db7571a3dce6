package io.stagepass.platform.s3;

import io.minio.BucketExistsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.errors.MinioException;
import io.stagepass.events.Bucket;
import io.stagepass.platform.config.S3Settings;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

/** MinIO SDK clients for the object store (S3Proxy embedded, MinIO in the compose deployment). */
public final class ObjectStore {
    private ObjectStore() {}

    /**
     * A client for the configured endpoint. The caller closes it: its OkHttp threads are not daemons and would
     * keep the JVM alive.
     */
    public static MinioClient client(S3Settings s3) {
        return MinioClient.builder()
                .endpoint(s3.endpoint().toString())
                .credentials(s3.accessKey(), s3.secretKey())
                .region(s3.region())
                .build();
    }

    /** Creates the buckets that do not exist yet; returns the names it created. */
    public static List<String> ensureBuckets(MinioClient client) throws IOException {
        List<String> created = new ArrayList<>();
        try {
            for (Bucket bucket : Bucket.values()) {
                String name = bucket.bucketName();
                if (!client.bucketExists(BucketExistsArgs.builder().bucket(name).build())) {
                    client.makeBucket(MakeBucketArgs.builder().bucket(name).build());
                    created.add(name);
                }
            }
        } catch (MinioException | GeneralSecurityException e) {
            throw new IOException("cannot create buckets: " + e.getMessage(), e);
        }
        return created;
    }
}
