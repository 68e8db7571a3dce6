package io.stagepass.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayReportTest {
    private static final int HOUR = 60;
    /** An hour of 2 s segments. */
    private static final int SEGMENTS = 1800;

    @Test
    void anHourBuiltWhileItStreamedAgainstTheCli() {
        PackagerRun.Result ours = new PackagerRun.Result(1.5, 0.9, 524_288, null, 540, true);
        PackagerRun.Result sourceOnly = new PackagerRun.Result(1.2, 0.8, 262_144, null, 90, false);
        RenditionCost.Result rendition = new RenditionCost.Result(60.0, 0.5);

        List<String> lines = new ReplayReport(HOUR, SEGMENTS, 20.0, 409_600, ours, sourceOnly, rendition).lines();

        assertThat(lines)
                .containsExactly(
                        "live                      60 min (1800 segments of 2 s, 1280x720 H.264 + AAC)",
                        "ffmpeg CLI, 4 runs        20.0 s (peak RSS 400 MB)",
                        "after ENDED (ours)        0.9 s (worker peak RSS 512 MB)",
                        "ratio after ENDED / CLI   0.045   (goal <= 0.05: met)",
                        "ENDED to READY            1.5 s   (goal <= 10 s: met)",
                        "worker CPU while live     540 s per live-hour with the 360p rendition",
                        "                          90 s per live-hour without it (ENDED to READY 1.2 s)",
                        "360p rendition (openh264) 120x realtime on a 60 s sample: 30 s more per hour of live");
    }

    @Test
    void exactlyTheGoalsMeetThem() {
        List<String> lines = new ReplayReport(
                        HOUR, SEGMENTS, 20.0, 0, new PackagerRun.Result(10.0, 1.0, 0, null, 0, true), null, null)
                .lines();

        assertThat(lines)
                .hasSize(6)
                .contains(
                        "ratio after ENDED / CLI   0.050   (goal <= 0.05: met)",
                        "ENDED to READY            10.0 s   (goal <= 10 s: met)");
    }

    @Test
    void moreWorkAfterTheEndMissesTheGoals() {
        List<String> lines = new ReplayReport(
                        HOUR, SEGMENTS, 20.0, 0, new PackagerRun.Result(10.1, 1.1, 0, null, 0, true), null, null)
                .lines();

        assertThat(lines)
                .contains(
                        "ratio after ENDED / CLI   0.055   (goal <= 0.05: NOT met)",
                        "ENDED to READY            10.1 s   (goal <= 10 s: NOT met)");
    }
}
