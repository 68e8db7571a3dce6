package io.stagepass.launcher;

import io.minio.MinioClient;
import io.stagepass.events.Bucket;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.s3.ObjectStore;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code stagepass buckets}: the declared buckets; with {@code --create}, creates the missing ones on an S3 server. */
@Command(
        name = "buckets",
        mixinStandardHelpOptions = true,
        description = {
            "List every object-store bucket Stagepass declares.",
            "With --create, create the missing ones on the S3 server at STAGEPASS_S3_ENDPOINT (with "
                    + "STAGEPASS_S3_ACCESS_KEY and STAGEPASS_S3_SECRET_KEY). 'up' does this by itself for the "
                    + "embedded server."
        })
final class BucketsCommand implements Callable<Integer> {
    @Option(names = "--create", description = "Create the declared buckets that do not exist yet.")
    boolean create;

    @Override
    public Integer call() throws Exception {
        for (Bucket bucket : Bucket.values()) {
            System.out.println(bucket.bucketName());
        }
        if (create) {
            S3Settings s3 = S3Settings.fromEnv(Env.system());
            try (MinioClient client = ObjectStore.client(s3)) {
                List<String> created = ObjectStore.ensureBuckets(client);
                System.out.printf(
                        "Created %d bucket(s) on %s; %d already existed.%n",
                        created.size(), s3.endpoint(), Bucket.values().length - created.size());
            } catch (IOException e) {
                System.err.println("stagepass: cannot create buckets on " + s3.endpoint() + " (" + S3Settings.ENDPOINT
                        + "): " + e.getMessage());
                return 1;
            }
        }
        return 0;
    }
}
