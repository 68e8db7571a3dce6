package io.stagepass.launcher.demo;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.Topic;
import io.stagepass.launcher.Stack;
import io.stagepass.launcher.StackConfig;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.platform.kafka.EventPublisher;
import java.io.PrintStream;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * The demo's scripted scenario against a running stack: the traffic of a ticketed live ({@link DemoTraffic}), then
 * the checks that it all arrived and was counted ({@link DemoChecks}).
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
                new PlaybackTokens(stack.config()
                        .serviceEnv()
                        .string(PlaybackTokens.SECRET_VARIABLE, PlaybackTokens.EMBEDDED_SECRET)),
                stack.config().dataDir().resolve("lake"),
                DemoChecks.PIPELINE_WAIT);
    }

    /** Runs the scenario; true when every event arrived and the pipeline counted it. */
    public boolean run() throws Exception {
        DemoChecks checks = new DemoChecks(target.kafka(), target.s3(), target.lakeCopy(), target.lakeWait(), out);
        Map<Topic, Map<TopicPartition, Long>> marks = checks.marks();
        DemoTraffic.Sent sent;
        PlaybackTokens tokens = target.tokens();
        try (EventPublisher publisher = new EventPublisher(target.kafka(), "stagepass-demo")) {
            sent = new DemoTraffic(publisher, target.ingestUrl(), target.apiUrl(), target.stripeApiBase(), tokens, out)
                    .run();
        }
        boolean arrived = checks.everyEventArrived(sent, marks);
        boolean counted = checks.pipelineCountedEverything(sent, marks.get(Topic.TOPIC_ACTIVITY));
        boolean money = checks.revenueAndEntitlements(sent);
        boolean audience = checks.audience(sent);
        boolean replay = checks.replay(sent);
        String api = target.apiUrl();
        boolean playback = replay && checks.playback(sent, api, tokens);
        boolean dashboard = money && checks.dashboard(sent, api);
        boolean lake = checks.lake(sent);
        boolean exports = lake && checks.exports(api);
        return arrived & counted & money & audience & replay & playback & dashboard & lake & exports;
    }
}
