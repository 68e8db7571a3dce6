package io.stagepass.acceptance;

import io.stagepass.acceptance.client.Urls;
import io.stagepass.acceptance.load.LoadRun;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.config.S3Settings;
import io.stagepass.platform.config.Secret;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The addresses of an existing deployment, for the commands that drive one ({@code stagepass demo}, {@code stagepass
 * load}, the local cluster's failure scenarios): its ingest
 * instances, replay API and Stripe sandbox as options, its Kafka and S3 as options or the services' own variables, the
 * playback token secret from the services' variable only (a secret on a command line ends up in the shell history).
 */
public final class DeploymentOptions {
    @Option(
            names = "--ingest-url",
            paramLabel = "URL",
            split = ",",
            description = "Ingest of an existing deployment (HLS pushes, beacons), e.g. http://127.0.0.1:19090; "
                    + "several, comma separated, for instances behind one load balancer.")
    List<URI> ingestUrls;

    @Option(
            names = "--api-url",
            paramLabel = "URL",
            description = "The replay API of an existing deployment, e.g. http://127.0.0.1:19080.")
    URI apiUrl;

    @Option(
            names = "--stripe-api-base",
            paramLabel = "URL",
            description = "The Stripe sandbox the deployment's ingest and replay API talk to "
                    + "(their STAGEPASS_STRIPE_API_BASE), e.g. http://127.0.0.1:19070.")
    URI stripeApiBase;

    @Option(
            names = "--kafka",
            paramLabel = "HOST:PORT,...",
            description = "The deployment's Kafka brokers (default: env STAGEPASS_KAFKA_BOOTSTRAP).")
    String kafka;

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "The deployment's S3 endpoint (default: env STAGEPASS_S3_ENDPOINT; keys from "
                    + "STAGEPASS_S3_ACCESS_KEY and STAGEPASS_S3_SECRET_KEY).")
    URI s3Endpoint;

    /** Whether any address of a deployment was given. */
    public boolean any() {
        return ingestUrls != null || apiUrl != null || stripeApiBase != null || kafka != null || s3Endpoint != null;
    }

    /** A usage error unless ingest, the API and the Stripe sandbox were all given. */
    public void requireComplete(CommandLine commandLine) {
        if (ingestUrls == null || apiUrl == null || stripeApiBase == null) {
            throw new CommandLine.ParameterException(
                    commandLine,
                    "against an existing deployment, give all of --ingest-url, --api-url and --stripe-api-base"
                            + " (missing: "
                            + Stream.of(
                                            ingestUrls == null ? "--ingest-url" : "",
                                            apiUrl == null ? "--api-url" : "",
                                            stripeApiBase == null ? "--stripe-api-base" : "")
                                    .filter(option -> !option.isEmpty())
                                    .collect(Collectors.joining(" "))
                            + ")");
        }
    }

    /** The environment with --kafka and --s3-endpoint on top. */
    public Env env() {
        Map<String, String> overrides = new HashMap<>();
        if (kafka != null) {
            overrides.put(KafkaSettings.BOOTSTRAP, kafka);
        }
        if (s3Endpoint != null) {
            overrides.put(S3Settings.ENDPOINT, s3Endpoint.toString());
        }
        return Env.system().with(overrides);
    }

    public List<String> ingest() {
        return ingestUrls.stream().map(Urls::trimmed).toList();
    }

    public String api() {
        return Urls.trimmed(apiUrl);
    }

    public String stripe() {
        return Urls.trimmed(stripeApiBase);
    }

    public KafkaSettings kafkaSettings() {
        return KafkaSettings.fromEnv(env());
    }

    public S3Settings s3Settings() {
        return S3Settings.fromEnv(env());
    }

    /** Playback tokens as the deployment's replay API signs them ({@code STAGEPASS_PLAYBACK_TOKEN_SECRET}). */
    public PlaybackTokens tokens() {
        return new PlaybackTokens(env().secret(Secret.PLAYBACK_TOKENS));
    }

    /** Beacon tokens as the deployment's replay API signs them ({@code STAGEPASS_BEACON_SECRET}). */
    public PlaybackTokens beaconTokens() {
        return PlaybackTokens.forBeacons(env().secret(Secret.BEACONS));
    }

    /** The deployment as the load drives it. */
    public LoadRun.Deployment loadTarget() {
        return new LoadRun.Deployment(kafkaSettings(), s3Settings(), ingest(), api(), stripe(), beaconTokens());
    }
}
