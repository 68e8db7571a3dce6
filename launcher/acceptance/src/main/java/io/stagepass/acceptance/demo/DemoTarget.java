package io.stagepass.acceptance.demo;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Where the demo's traffic goes and where its checks read: the embedded stack's addresses, or those of an existing
 * deployment ({@code stagepass demo --ingest-url ... --api-url ...}).
 *
 * @param kafka         the brokers the checks read every topic from (and the catalog facts are written to)
 * @param s3            the object store holding segments, replays and the lake
 * @param ingestUrl     where the encoder pushes HLS, viewers send beacons and Stripe sends webhooks
 * @param apiUrl        the replay API: creators' API, checkout, playback, dashboard, exports
 * @param stripeApiBase the Stripe sandbox the deployment's ingest and API talk to (the demo pays on its hosted page)
 * @param tokens        playback tokens signed with the deployment's secret (to check a refunded ticket is refused)
 * @param beaconTokens  beacon tokens signed with the deployment's beacon secret (the demo's viewers report with them)
 * @param lakeCopy      where the lake checks copy the Parquet files to read them with DuckDB
 * @param lakeWait      how long the lake checks wait: seconds on the demo's stack, minutes on a deployment that
 *                      publishes at its default pace
 */
public record DemoTarget(
        KafkaSettings kafka,
        S3Settings s3,
        String ingestUrl,
        String apiUrl,
        String stripeApiBase,
        PlaybackTokens tokens,
        PlaybackTokens beaconTokens,
        Path lakeCopy,
        Duration lakeWait) {}
