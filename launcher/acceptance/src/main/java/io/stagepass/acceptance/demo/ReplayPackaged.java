package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.check.Check;
import io.stagepass.acceptance.check.CheckResult;
import io.stagepass.acceptance.facts.LiveOutputs;
import io.stagepass.acceptance.facts.Marks;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.platform.config.KafkaSettings;
import io.stagepass.platform.lifecycle.Await;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The jobs worker packaged the live into its replay once it ended: the statuses it published on the way (the progress
 * a creator's dashboard shows) and the READY package.
 */
record ReplayPackaged(KafkaSettings kafka, Sent sent, Marks marks) implements Check {
    /** The replay's statuses, and when the live ended. */
    private record Seen(List<ReplayStatus> statuses, Optional<Instant> ended) {
        Optional<ReplayStatus> outcome() {
            return statuses.stream()
                    .filter(s -> s.getType() == ReplayEventType.READY || s.getType() == ReplayEventType.FAILED)
                    .findFirst();
        }
    }

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public Optional<String> announcement() {
        return Optional.of("Waiting for the replay (the jobs worker packages the live when it ends)...");
    }

    @Override
    public CheckResult run() throws Exception {
        Await.Outcome<Seen> seen = LiveOutputs.await(
                kafka,
                sent.liveId(),
                marks,
                Waits.PIPELINE,
                Waits.FAST_POLL,
                outputs -> new Seen(outputs.replayStatuses(), outputs.endedAt()),
                now -> now.outcome().isPresent());
        if (!seen.met()) {
            return CheckResult.failed(
                    name(),
                    List.of("  the replay was not packaged within " + Waits.PIPELINE.toSeconds() + " s; statuses: "
                            + seen.value().statuses()));
        }
        ReplayStatus last = seen.value().outcome().orElseThrow();
        List<String> lines = new ArrayList<>();
        lines.add(path(seen.value().statuses(), last, seen.value().ended()));
        if (last.getType() != ReplayEventType.READY) {
            lines.add("  the replay FAILED: " + last.getError());
            return CheckResult.failed(name(), lines);
        }
        lines.add(String.format(
                "  replay v%d: %.1f s, %.1f MB, %d objects written at the end under replays/%s (master playlist, MP4 "
                        + "download, poster, %d thumbnail sprite%s); renditions: %s",
                last.getVersion(),
                last.getDurationMillis() / 1000.0,
                last.getSizeBytes() / 1e6,
                last.getObjects().size(),
                last.getLiveId() + "/v" + last.getVersion() + "/",
                last.getSpriteKeys().size(),
                last.getSpriteKeys().size() == 1 ? "" : "s",
                last.getRenditions().stream()
                        .map(r -> r.getName() + " " + r.getWidth() + "x" + r.getHeight() + " " + r.getCodecs() + " "
                                + r.getBandwidth() / 1000 + " kb/s peak")
                        .collect(java.util.stream.Collectors.joining(", "))));
        if (last.getRenditions().get(0).getHeight() > 360
                && last.getRenditions().size() < 2) {
            lines.add(
                    "  the replay lists no 360p rendition: the jobs worker makes one of each segment of a taller live");
            return CheckResult.failed(name(), lines);
        }
        return CheckResult.held(name(), lines);
    }

    /** {@code PACKAGING v1 -> fetching 0% -> READY 1.5 s after the live ended}: each stage once, in order. */
    private static String path(List<ReplayStatus> statuses, ReplayStatus last, Optional<Instant> ended) {
        StringBuilder path = new StringBuilder("  ");
        String stage = null;
        for (ReplayStatus status : statuses) {
            if (status.getType() == ReplayEventType.PACKAGING) {
                path.append("PACKAGING v").append(status.getVersion());
            } else if (status.getType() == ReplayEventType.PROGRESS
                    && !status.getStage().equals(stage)) {
                path.append(" -> ")
                        .append(status.getStage())
                        .append(' ')
                        .append(status.getProgressPercent())
                        .append('%');
                stage = status.getStage();
            }
            if (status == last) {
                break;
            }
        }
        path.append(" -> ").append(last.getType());
        ended.ifPresent(at -> path.append(String.format(
                " %.1f s after the live ended",
                Duration.between(at, last.getOccurredAt()).toMillis() / 1000.0)));
        return path.toString();
    }
}
