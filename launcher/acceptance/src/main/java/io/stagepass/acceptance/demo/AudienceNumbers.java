package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.facts.LiveOutputs;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.events.AudienceMetric;
import io.stagepass.events.ViewMode;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.lifecycle.Await;
import java.util.List;
import java.util.Optional;

/**
 * The audience job's totals of the live: every viewer seen watching at once, each a view by a ticket holder, every one
 * a page visitor, and the buyers. They are emitted when event time passes a 10 s boundary, which, once the beacons
 * stop, happens when the quiet partitions follow the clock (30 s).
 */
record AudienceNumbers(KafkaSettings kafka, Sent sent, Marks marks) implements Check {
    /** The live's totals: while watching, and on its ticket page. */
    private record Seen(Optional<AudienceMetric> live, Optional<AudienceMetric> page) {}

    @Override
    public String name() {
        return "audience";
    }

    @Override
    public Optional<String> announcement() {
        return Optional.of(
                "Waiting for the audience metrics (event time: the last ones close 30 s after the last beacon)...");
    }

    @Override
    public CheckResult run() throws Exception {
        Await.Outcome<Seen> seen = LiveOutputs.await(
                kafka,
                sent.liveId(),
                marks,
                Waits.PIPELINE,
                Waits.POLL,
                outputs -> new Seen(outputs.audienceTotal(ViewMode.LIVE), outputs.audienceTotal(ViewMode.PAGE)),
                this::expected);
        if (!seen.met()) {
            return CheckResult.failed(
                    name(),
                    List.of("  the audience metrics did not arrive within " + Waits.PIPELINE.toSeconds()
                            + " s; live: " + seen.value().live().orElse(null) + ", page: "
                            + seen.value().page().orElse(null)));
        }
        AudienceMetric live = seen.value().live().orElseThrow();
        AudienceMetric page = seen.value().page().orElseThrow();
        return CheckResult.held(
                name(),
                List.of(String.format(
                        "Audience (pipeline, event time): peak %d concurrent viewers at %s; %d views by %d ticket"
                                + " holders, watch time %.1f s (average %.1f s); %d page visitors, %d buyers",
                        live.getPeakConcurrentViewers(),
                        live.getPeakAt(),
                        live.getViews(),
                        live.getUniqueViewers(),
                        live.getWatchTimeMillis() / 1000.0,
                        live.getAverageWatchTimeMillis() / 1000.0,
                        page.getPageVisitors(),
                        page.getBuyers())));
    }

    private boolean expected(Seen seen) {
        long viewers = DemoTraffic.VIEWERS;
        return seen.live().isPresent()
                && seen.page().isPresent()
                && seen.live().get().getViews() == viewers
                && seen.live().get().getUniqueViewers() == viewers
                && seen.live().get().getPeakConcurrentViewers() == viewers
                && seen.page().get().getPageVisitors() == viewers
                && seen.page().get().getBuyers() == sent.tickets().size();
    }
}
