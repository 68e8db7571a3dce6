package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.check.Checks;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.platform.config.Secret;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/**
 * The demo's scripted scenario against a running stack or deployment: the traffic of a ticketed live
 * ({@link DemoTraffic}), then the checks that it all arrived and was counted, each against the traffic's own account
 * of what it sent ({@link Sent}).
 */
public final class DemoScenario {
    /** Length of the demo's generated live. */
    public static final int LIVE_SECONDS = DemoTraffic.LIVE_SECONDS;
    /** The demo is short: the lake publishes a partition-hour after 3 quiet seconds instead of minutes. */
    public static final Map<String, String> STACK_DEFAULTS = Map.of(
            PipelineConfig.LAKE_CLOSE_AFTER,
            "3s",
            PipelineConfig.LAKE_CHECKPOINT_INTERVAL,
            "2s",
            // Tickets are bought through Stripe Checkout; Stripe cannot be reached from here, its sandbox can.
            StackConfig.STRIPE_SANDBOX,
            "true");

    private final DemoTarget target;
    private final PrintStream out;

    public DemoScenario(DemoTarget target, PrintStream out) {
        this.target = target;
        this.out = out;
    }

    /** The embedded stack as the demo's target. */
    public static DemoTarget target(Stack stack) {
        return new DemoTarget(
                stack.kafka(),
                stack.s3(),
                "http://127.0.0.1:" + stack.ingestPort(),
                "http://127.0.0.1:" + stack.apiPort(),
                stack.stripeSandbox()
                        .orElseThrow(() -> new IllegalStateException(
                                "the demo buys its tickets through the Stripe sandbox; it is not running"))
                        .apiBase(),
                new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS)),
                PlaybackTokens.forBeacons(stack.secret(Secret.BEACONS)),
                stack.config().dataDir().resolve("lake"),
                Waits.PIPELINE);
    }

    /** Runs the scenario, printing what it does and finds; every check's result. */
    public List<CheckResult> run() throws Exception {
        Marks marks = Marks.now(target.kafka());
        ApiClient api = new ApiClient(target.apiUrl());
        Sent sent = new DemoTraffic(target, out, api).run();
        Checks checks = new Checks(out);
        checks.run(new EveryEventArrived(target.kafka(), sent, marks));
        checks.run(new PipelineCounted(target.kafka(), sent, marks));
        CheckResult money = checks.run(new RevenueAndEntitlements(target.kafka(), sent, marks));
        checks.run(new AudienceNumbers(target.kafka(), sent, marks));
        CheckResult replay = checks.run(new ReplayPackaged(target.kafka(), sent, marks));
        checks.runIf(replay.held(), new TicketsAndPlayback(api, sent, target.tokens()), "the replay is not READY");
        checks.runIf(replay.held(), new StageInReplay(api, sent, target.tokens()), "the replay is not READY");
        checks.run(new ClipShared(api, sent));
        checks.runIf(money.held(), new CreatorDashboard(api, sent), "the pipeline's revenue did not hold");
        StripeSandboxClient stripe = new StripeSandboxClient(target.stripeApiBase());
        CheckResult earnings = checks.run(new CreatorEarnings(api, stripe, sent));
        CheckResult lake = checks.run(new LakeEvents(target.s3(), target.lakeCopy(), target.lakeWait(), sent));
        CheckResult lakeRevenue = checks.runIf(
                lake.held() && money.held(),
                new LakeRevenue(target.s3(), target.lakeCopy(), target.lakeWait(), sent),
                "the lake or the pipeline's revenue did not hold");
        checks.runIf(
                lake.held() && earnings.held(),
                new LakeEarnings(
                        target.s3(), target.lakeCopy(), target.lakeWait(), sent.creatorId(), stripe, sent.tickets()),
                "the lake or the creator's earnings did not hold");
        checks.runIf(
                lakeRevenue.held(),
                new AnalystExports(api, target.kafka(), target.s3(), target.lakeCopy(), target.lakeWait()),
                "the lake does not hold the live's events and revenue");
        return checks.results();
    }
}
