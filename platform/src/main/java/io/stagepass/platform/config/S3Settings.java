package io.stagepass.platform.config;

import java.net.URI;

/**
 * Where the object store is and how to sign requests to it. Defaults point at the embedded S3 server of
 * {@code stagepass up}; in the compose deployment they point at MinIO.
 */
public record S3Settings(URI endpoint, String accessKey, String secretKey, String region) {
    public static final String ENDPOINT = "STAGEPASS_S3_ENDPOINT";
    public static final String ACCESS_KEY = "STAGEPASS_S3_ACCESS_KEY";
    public static final String SECRET_KEY = "STAGEPASS_S3_SECRET_KEY";
    public static final String REGION = "STAGEPASS_S3_REGION";

    /** The embedded S3 server's port. */
    public static final int DEFAULT_PORT = 9000;

    public static final String DEFAULT_ENDPOINT = "http://127.0.0.1:" + DEFAULT_PORT;
    public static final String DEFAULT_ACCESS_KEY = "stagepass";
    public static final String DEFAULT_SECRET_KEY = "stagepass-secret";
    public static final String DEFAULT_REGION = "us-east-1";

    public static S3Settings fromEnv(Env env) {
        return new S3Settings(
                env.httpUrl(ENDPOINT, DEFAULT_ENDPOINT),
                env.string(ACCESS_KEY, DEFAULT_ACCESS_KEY),
                env.string(SECRET_KEY, DEFAULT_SECRET_KEY),
                env.string(REGION, DEFAULT_REGION));
    }

    @Override
    public String toString() {
        return "S3Settings[endpoint=" + endpoint + ", accessKey=" + accessKey + ", region=" + region + "]";
    }
}
