package io.stagepass.launcher;

import io.stagepass.acceptance.DeploymentOptions;
import io.stagepass.acceptance.load.LoadRun;
import io.stagepass.acceptance.load.LoadShape;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code stagepass load}: a sustained load on a deployment, then its results compared with the ground truth. */
@Command(
        name = "load",
        mixinStandardHelpOptions = true,
        description = {
            "Put a sustained load on an existing deployment and check what it made of it: one live pushed as HLS in"
                    + " real time, viewers' beacons every second, tickets bought through Stripe Checkout (the sandbox),"
                    + " some refunded. Failed requests are retried as their clients would, on the next ingest instance."
                    + " Then: revenue equal to the ground truth to the cent, every entitlement right, every beacon and"
                    + " segment answered 2xx on its topic (and every segment in the object store), the replay READY."
                    + " Prints progress every 10 s and the longest interruption each client saw. Exits 0 when all is"
                    + " equal, 1 otherwise.",
            "Kill a part of the deployment while it runs (deploy/local-cluster failures does) to see it recover."
        })
final class LoadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment;

    @Option(
            names = "--seconds",
            paramLabel = "N",
            defaultValue = "90",
            description = "Length of the live, and of the load (default ${DEFAULT-VALUE}).")
    int seconds;

    @Option(
            names = "--viewers",
            paramLabel = "N",
            defaultValue = "50",
            description = "Viewers, each sending a batch of beacons every 5 s (default ${DEFAULT-VALUE}).")
    int viewers;

    @Option(
            names = "--beacons-per-request",
            paramLabel = "N",
            defaultValue = "5",
            description = "Beacons in each viewer's batch (default ${DEFAULT-VALUE}).")
    int beaconsPerRequest;

    @Option(
            names = "--tickets-per-second",
            paramLabel = "RATE",
            defaultValue = "1",
            description = "Tickets bought per second (default ${DEFAULT-VALUE}).")
    double ticketsPerSecond;

    @Option(
            names = "--refund-every",
            paramLabel = "N",
            defaultValue = "4",
            description = "Refund one ticket in N (default ${DEFAULT-VALUE}).")
    int refundEvery;

    @Option(
            converter = DurationConverter.class,
            names = "--wait",
            paramLabel = "DURATION",
            defaultValue = "5m",
            description = "How long to wait for the deployment's results after the load (default ${DEFAULT-VALUE}).")
    Duration wait;

    @Override
    public Integer call() throws Exception {
        deployment.requireComplete(spec.commandLine());
        if (seconds < 10 || seconds > 3600) {
            throw new ParameterException(spec.commandLine(), "--seconds must be 10 to 3600, got " + seconds);
        }
        if (viewers < 1 || beaconsPerRequest < 1 || beaconsPerRequest > 25) {
            throw new ParameterException(
                    spec.commandLine(), "--viewers must be at least 1 and --beacons-per-request 1 to 25");
        }
        if (!(ticketsPerSecond > 0 && ticketsPerSecond <= 20) || refundEvery < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--tickets-per-second must be above 0 and at most 20, --refund-every at least 1");
        }
        LoadShape shape =
                new LoadShape(Duration.ofSeconds(seconds), viewers, beaconsPerRequest, ticketsPerSecond, refundEvery);
        return new LoadRun(deployment.loadTarget(), shape, System.out).run(wait).equal() ? 0 : 1;
    }
}
