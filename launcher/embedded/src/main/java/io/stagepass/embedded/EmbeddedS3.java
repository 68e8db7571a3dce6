package io.stagepass.embedded;

import io.minio.MinioClient;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.s3.ObjectStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.gaul.s3proxy.BlobStores;
import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server (S3Proxy with its filesystem backend) on 127.0.0.1, signing with an access key and
 * secret (AWS V2 or V4, presigned URLs included). Objects are plain files under the data directory, so they
 * survive a restart. The services speak to it through the MinIO SDK exactly as they speak to MinIO.
 */
public final class EmbeddedS3 implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedS3.class);

    private final S3Proxy proxy;
    private final BlobStore blobStore;
    private final S3Settings settings;

    private EmbeddedS3(S3Proxy proxy, BlobStore blobStore, S3Settings settings) {
        this.proxy = proxy;
        this.blobStore = blobStore;
        this.settings = settings;
    }

    /** Starts on {@code port} (0 = a free port) with objects under {@code baseDir}; creates the buckets. */
    public static EmbeddedS3 start(Path baseDir, int port, String accessKey, String secretKey) throws Exception {
        Files.createDirectories(baseDir);
        Properties props = new Properties();
        props.setProperty("jclouds.filesystem.basedir", baseDir.toAbsolutePath().toString());
        BlobStore blobStore = BlobStores.create("filesystem", props);
        int boundPort = port == 0 ? Ports.free() : port;
        S3Proxy proxy = S3Proxy.builder()
                .blobStore(blobStore)
                .endpoint(URI.create("http://127.0.0.1:" + boundPort))
                .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, accessKey, secretKey)
                .build();
        try {
            proxy.start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!"STARTED".equals(proxy.getState())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(
                            "S3 server did not start within 30 s (state " + proxy.getState() + ")");
                }
                Thread.onSpinWait();
                Thread.sleep(10);
            }
            S3Settings settings = new S3Settings(
                    URI.create("http://127.0.0.1:" + boundPort), accessKey, secretKey, S3Settings.DEFAULT_REGION);
            try (MinioClient client = ObjectStore.client(settings)) {
                ObjectStore.ensureBuckets(client);
            }
            LOG.info("S3 server ready on 127.0.0.1:{} (objects under {})", boundPort, baseDir);
            return new EmbeddedS3(proxy, blobStore, settings);
        } catch (Exception e) {
            proxy.stop();
            blobStore.close();
            throw e;
        }
    }

    public int port() {
        return settings.endpoint().getPort();
    }

    public S3Settings settings() {
        return settings;
    }

    @Override
    public void close() throws Exception {
        proxy.stop();
        blobStore.close();
        LOG.info("S3 server on port {} stopped", port());
    }
}
