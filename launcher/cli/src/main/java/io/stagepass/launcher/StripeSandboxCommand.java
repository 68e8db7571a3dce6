package io.stagepass.launcher;

import io.stagepass.platform.config.Env;
import io.stagepass.platform.config.Secret;
import io.stagepass.sandbox.stripe.StripeSandbox;
import java.net.URI;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code stagepass stripe-sandbox}: the local stand-in for Stripe as a process of its own, for a deployment that runs
 * its services separately (deploy/local-cluster) and cannot reach Stripe.
 */
@Command(
        name = "stripe-sandbox",
        mixinStandardHelpOptions = true,
        description = {
            "Run the local Stripe sandbox until stopped: the part of Stripe's API Stagepass uses (Checkout Sessions, "
                    + "payment intents with their balance transactions, refunds; Connect's Express accounts, account "
                    + "links, destination charges, transfers, reversals and payouts), hosted checkout and onboarding "
                    + "pages, and signed webhooks to ingest, retried until answered 2xx. Point ingest and the replay API "
                    + "at it with "
                    + "STAGEPASS_STRIPE_API_BASE. It moves no money and keeps its sessions in memory only.",
            "Webhooks are signed with STAGEPASS_STRIPE_WEBHOOK_SECRET, Connect's with "
                    + "STAGEPASS_STRIPE_CONNECT_WEBHOOK_SECRET (both required), the variables ingest verifies them with."
        })
final class StripeSandboxCommand implements Callable<Integer> {
    @Option(
            names = "--port",
            paramLabel = "PORT",
            description = "Port on 127.0.0.1 (default ${DEFAULT-VALUE}).",
            defaultValue = "8070")
    int port;

    @Option(
            names = "--webhook-url",
            paramLabel = "URL",
            split = ",",
            required = true,
            description = "Ingest's webhook endpoint, e.g. http://127.0.0.1:8090/v1/stripe/webhook. Several, comma "
                    + "separated, stand for instances behind one load balancer: a failed delivery is retried on the "
                    + "next.")
    List<URI> webhookUrls;

    @Option(
            names = "--connect-webhook-url",
            paramLabel = "URL",
            split = ",",
            required = true,
            description = "Ingest's Connect endpoint, e.g. http://127.0.0.1:8090/v1/stripe/connect-webhook (several: "
                    + "as --webhook-url).")
    List<URI> connectWebhookUrls;

    @Option(
            names = "--currency",
            paramLabel = "ISO",
            description = "The Stripe account's settlement currency (default ${DEFAULT-VALUE}).",
            defaultValue = "EUR")
    String currency;

    @Override
    public Integer call() throws Exception {
        Env env = Env.system();
        String secret = env.secret(Secret.STRIPE_WEBHOOK);
        String connectSecret = env.secret(Secret.STRIPE_CONNECT_WEBHOOK);
        try (StripeSandbox sandbox = StripeSandbox.start(
                        port, webhookUrls.stream().map(URI::toString).toList(), secret, currency)
                .connectWebhooks(connectWebhookUrls.stream().map(URI::toString).toList(), connectSecret)) {
            System.out.println("Stripe sandbox on " + sandbox.apiBase() + " (STAGEPASS_STRIPE_API_BASE), webhooks to "
                    + webhookUrls + "; stop it with Ctrl-C or SIGTERM");
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
            stopped.await();
        }
        return 0;
    }
}
