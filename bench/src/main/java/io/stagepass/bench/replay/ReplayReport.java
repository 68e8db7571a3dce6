package io.stagepass.bench.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * The numbers of bench/replay against its goals: packaging at most as long as the ffmpeg CLI's runs, at least 500x
 * realtime, ENDED to READY within 60 s for a 1-hour live.
 *
 * @param minutes      length of the live
 * @param segments     its 2 s segments
 * @param cliSeconds   the CLI's runs, one after another
 * @param cliPeakRssKb the largest peak resident memory of a CLI run, 0 when unknown
 * @param ours         what our packager's run measured
 * @param rendition    what a 360p rendition would cost, or null when not measured
 */
record ReplayReport(
        int minutes,
        int segments,
        double cliSeconds,
        long cliPeakRssKb,
        PackagerRun.Result ours,
        RenditionCost.Result rendition) {
    private static final double GOAL_REALTIME = 500;
    private static final double GOAL_ENDED_TO_READY_SECONDS = 60;

    List<String> lines() {
        double liveSeconds = segments * 2.0;
        double packaging = ours.packagingSeconds();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                "live                      %d min (%d segments of 2 s, 1280x720 H.264 + AAC)", minutes, segments));
        lines.add(String.format("ffmpeg CLI, 4 runs        %.1f s (peak RSS %d MB)", cliSeconds, cliPeakRssKb / 1024));
        lines.add(
                String.format("our packager              %.1f s (peak RSS %d MB)", packaging, ours.peakRssKb() / 1024));
        lines.add(String.format(
                "ratio ours / CLI          %.2f   (goal <= 1.0: %s)",
                packaging / cliSeconds, packaging <= cliSeconds ? "met" : "NOT met"));
        lines.add(String.format(
                "speed                     %.0fx realtime   (goal >= 500x: %s)",
                liveSeconds / packaging, liveSeconds / packaging >= GOAL_REALTIME ? "met" : "NOT met"));
        lines.add(String.format(
                "ENDED to READY            %.1f s   (goal <= 60 s for a 1-hour live: %s)",
                ours.endedToReadySeconds(),
                minutes < 60
                        ? "live shorter than an hour"
                        : ours.endedToReadySeconds() <= GOAL_ENDED_TO_READY_SECONDS ? "met" : "NOT met"));
        if (rendition != null) {
            lines.add(String.format(
                    "360p rendition (openh264) %.0fx realtime on a %.0f s sample: %.0f s more per hour of live",
                    rendition.realtime(), rendition.liveSeconds(), 3600 / rendition.realtime()));
        }
        return lines;
    }
}
