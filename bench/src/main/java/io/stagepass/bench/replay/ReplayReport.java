package io.stagepass.bench.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * The numbers of bench/replay against its goals: the work after a live's ENDED at most 0.05x the ffmpeg CLI's runs
 * making the same outputs, ENDED to READY within 10 s, and what building while streaming costs per live-hour.
 *
 * @param minutes      length of the live
 * @param segments     its 2 s segments
 * @param cliSeconds   the CLI's runs, one after another
 * @param cliPeakRssKb the largest peak resident memory of a CLI run, 0 when unknown
 * @param ours         what our worker's run measured, with the 360p rendition
 * @param sourceOnly   the same without the 360p rendition, or null when not measured
 * @param rendition    what a 360p rendition costs on a sample, or null when not measured
 */
record ReplayReport(
        int minutes,
        int segments,
        double cliSeconds,
        long cliPeakRssKb,
        PackagerRun.Result ours,
        PackagerRun.Result sourceOnly,
        RenditionCost.Result rendition) {
    private static final double GOAL_RATIO = 0.05;
    private static final double GOAL_ENDED_TO_READY_SECONDS = 10;

    List<String> lines() {
        double hours = segments * 2.0 / 3600;
        double after = ours.packagingSeconds();
        List<String> lines = new ArrayList<>();
        lines.add(String.format(
                "live                      %d min (%d segments of 2 s, 1280x720 H.264 + AAC)", minutes, segments));
        lines.add(String.format("ffmpeg CLI, 4 runs        %.1f s (peak RSS %d MB)", cliSeconds, cliPeakRssKb / 1024));
        lines.add(String.format(
                "after ENDED (ours)        %.1f s (worker peak RSS %d MB)", after, ours.peakRssKb() / 1024));
        lines.add(String.format(
                "ratio after ENDED / CLI   %.3f   (goal <= %.2f: %s)",
                after / cliSeconds, GOAL_RATIO, after <= GOAL_RATIO * cliSeconds ? "met" : "NOT met"));
        lines.add(String.format(
                "ENDED to READY            %.1f s   (goal <= 10 s: %s)",
                ours.endedToReadySeconds(),
                ours.endedToReadySeconds() <= GOAL_ENDED_TO_READY_SECONDS ? "met" : "NOT met"));
        lines.add(String.format(
                "worker CPU while live     %.0f s per live-hour with the 360p rendition",
                ours.buildCpuSeconds() / hours));
        if (sourceOnly != null) {
            lines.add(String.format(
                    "                          %.0f s per live-hour without it (ENDED to READY %.1f s)",
                    sourceOnly.buildCpuSeconds() / hours, sourceOnly.endedToReadySeconds()));
        }
        if (rendition != null) {
            lines.add(String.format(
                    "360p rendition (openh264) %.0fx realtime on a %.0f s sample: %.0f s more per hour of live",
                    rendition.realtime(), rendition.liveSeconds(), 3600 / rendition.realtime()));
        }
        return lines;
    }
}
