package io.stagepass.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.GetPresignedObjectUrlArgs;
import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.Result;
import io.minio.http.Method;
import io.minio.messages.Item;
import io.stagepass.events.Bucket;
import io.stagepass.platform.s3.ObjectStore;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedS3IT {
    private static final String BUCKET = Bucket.SEGMENTS.bucketName();
    private static final byte[] SEGMENT = "0123456789abcdefghij".getBytes(StandardCharsets.US_ASCII);

    @TempDir
    Path dataDir;

    private EmbeddedS3 s3;
    private MinioClient client;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        s3 = EmbeddedS3.start(dataDir, 0, "test-access", "test-secret-key");
        client = ObjectStore.client(s3.settings());
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        s3.close();
    }

    @Test
    void createsTheBucketsTheServicesNeed() throws Exception {
        List<String> names = new ArrayList<>();
        client.listBuckets().forEach(bucket -> names.add(bucket.name()));

        assertThat(names).contains("segments", "replays", "lake", "checkpoints");
    }

    @Test
    void putsAndGetsWholeObjectsAndByteRanges() throws Exception {
        put("live_1/00000001.ts", SEGMENT);

        try (InputStream whole = client.getObject(GetObjectArgs.builder()
                .bucket(BUCKET)
                .object("live_1/00000001.ts")
                .build())) {
            assertThat(whole.readAllBytes()).isEqualTo(SEGMENT);
        }
        try (InputStream range = client.getObject(GetObjectArgs.builder()
                .bucket(BUCKET)
                .object("live_1/00000001.ts")
                .offset(10L)
                .length(5L)
                .build())) {
            assertThat(new String(range.readAllBytes(), StandardCharsets.US_ASCII))
                    .isEqualTo("abcde");
        }
    }

    @Test
    void listsByPrefix() throws Exception {
        put("live_1/00000001.ts", SEGMENT);
        put("live_1/00000002.ts", SEGMENT);
        put("live_2/00000001.ts", SEGMENT);

        List<String> keys = new ArrayList<>();
        for (Result<Item> item : client.listObjects(ListObjectsArgs.builder()
                .bucket(BUCKET)
                .prefix("live_1/")
                .recursive(true)
                .build())) {
            keys.add(item.get().objectName());
        }

        assertThat(keys).containsExactly("live_1/00000001.ts", "live_1/00000002.ts");
    }

    @Test
    void servesPresignedUrlsOverPlainHttpAndRefusesTamperedOnes() throws Exception {
        put("live_1/00000001.ts", SEGMENT);
        put("live_1/00000002.ts", "other bytes".getBytes(StandardCharsets.US_ASCII));
        String url = client.getPresignedObjectUrl(GetPresignedObjectUrlArgs.builder()
                .method(Method.GET)
                .bucket(BUCKET)
                .object("live_1/00000001.ts")
                .expiry(60, TimeUnit.SECONDS)
                .build());

        HttpResponse<byte[]> signed = get(url);
        assertThat(signed.statusCode()).isEqualTo(200);
        assertThat(signed.body()).isEqualTo(SEGMENT);

        HttpResponse<byte[]> otherObject = get(url.replace("00000001.ts", "00000002.ts"));
        assertThat(otherObject.statusCode()).isEqualTo(403);

        String signature = url.replaceAll(".*X-Amz-Signature=([0-9a-f]+).*", "$1");
        String flipped = (signature.charAt(0) == 'a' ? "b" : "a") + signature.substring(1);
        HttpResponse<byte[]> badSignature = get(url.replace(signature, flipped));
        assertThat(badSignature.statusCode()).isEqualTo(403);
    }

    @Test
    void keepsObjectsAcrossARestart() throws Exception {
        put("live_1/00000001.ts", SEGMENT);
        client.close();
        s3.close();

        s3 = EmbeddedS3.start(dataDir, 0, "test-access", "test-secret-key");
        client = ObjectStore.client(s3.settings());
        try (InputStream in = client.getObject(GetObjectArgs.builder()
                .bucket(BUCKET)
                .object("live_1/00000001.ts")
                .build())) {
            assertThat(in.readAllBytes()).isEqualTo(SEGMENT);
        }
    }

    private void put(String key, byte[] bytes) throws Exception {
        client.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key).stream(
                        new ByteArrayInputStream(bytes), bytes.length, -1)
                .build());
    }

    private HttpResponse<byte[]> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
