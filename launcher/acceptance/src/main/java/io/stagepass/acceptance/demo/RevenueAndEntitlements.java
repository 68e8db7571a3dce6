package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.facts.LiveOutputs;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.acceptance.facts.RevenueTotals;
import io.stagepass.events.EntitlementEventType;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.lifecycle.Await;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The revenue job's running total of the live equals the ground truth (every ticket sold at the price less Stripe's
 * fee, one refunded in full) to the cent, and the entitlements job's verdicts are every ticket granted but the refunded
 * one, revoked.
 */
record RevenueAndEntitlements(KafkaSettings kafka, Sent sent, Marks marks) implements Check {
    /** What the pipeline published, as far as this check looks. */
    private record Seen(Optional<RevenueTotals> revenue, Map<String, EntitlementEventType> verdicts) {}

    @Override
    public String name() {
        return "revenue and entitlements";
    }

    @Override
    public CheckResult run() throws Exception {
        RevenueTotals expected = sent.revenue();
        Await.Outcome<Seen> seen = LiveOutputs.await(
                kafka,
                sent.liveId(),
                marks,
                Waits.PIPELINE,
                Waits.POLL,
                outputs -> new Seen(
                        outputs.revenueTotal(DemoTraffic.CURRENCY).map(RevenueTotals::of), outputs.entitlements()),
                now -> now.revenue().equals(Optional.of(expected))
                        && now.verdicts().equals(sent.entitlements()));
        if (!seen.met()) {
            return CheckResult.failed(
                    name(),
                    List.of("  the pipeline's revenue and entitlements did not arrive within "
                            + Waits.PIPELINE.toSeconds() + " s; revenue: "
                            + seen.value().revenue().map(Object::toString).orElse("none") + " (expected " + expected
                            + "), entitlements: " + seen.value().verdicts() + " (expected " + sent.entitlements()
                            + ")"));
        }
        RevenueTotals t = seen.value().revenue().orElseThrow();
        return CheckResult.held(
                name(),
                List.of(
                        String.format(
                                "Revenue (pipeline, exactly once): gross %d, fees %d, refunds %d, net %d %s cents; %d sold,"
                                        + " %d refunded",
                                t.gross(),
                                t.fees(),
                                t.refunds(),
                                t.net(),
                                DemoTraffic.CURRENCY,
                                t.sold(),
                                t.refunded()),
                        String.format(
                                "Entitlements (pipeline): %d tickets granted, the refunded one revoked",
                                sent.tickets().size() - 1)));
    }
}
