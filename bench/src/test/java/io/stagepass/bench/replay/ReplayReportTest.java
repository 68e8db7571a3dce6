package io.stagepass.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReplayReportTest {
    private static final int HOUR = 60;
    /** An hour of 2 s segments. */
    private static final int SEGMENTS = 1800;

    @Test
    void anHourPackagedAgainstTheCli() {
        PackagerRun.Result ours = new PackagerRun.Result(8.4, 6.0, 524_288, null);
        RenditionCost.Result rendition = new RenditionCost.Result(60.0, 0.5);

        List<String> lines = new ReplayReport(HOUR, SEGMENTS, 20.0, 409_600, ours, rendition).lines();

        assertThat(lines)
                .containsExactly(
                        "live                      60 min (1800 segments of 2 s, 1280x720 H.264 + AAC)",
                        "ffmpeg CLI, 4 runs        20.0 s (peak RSS 400 MB)",
                        "our packager              6.0 s (peak RSS 512 MB)",
                        "ratio ours / CLI          0.30   (goal <= 1.0: met)",
                        "speed                     600x realtime   (goal >= 500x: met)",
                        "ENDED to READY            8.4 s   (goal <= 60 s for a 1-hour live: met)",
                        "360p rendition (openh264) 120x realtime on a 60 s sample: 30 s more per hour of live");
    }

    @Test
    void asLongAsTheCliAndExactly500xRealtimeMeetTheGoals() {
        // 500 segments are 1000 s of live: 2 s of packaging is 500x realtime
        List<String> lines =
                new ReplayReport(HOUR, 500, 2.0, 0, new PackagerRun.Result(60.0, 2.0, 0, null), null).lines();

        assertThat(lines)
                .hasSize(6)
                .contains(
                        "ratio ours / CLI          1.00   (goal <= 1.0: met)",
                        "speed                     500x realtime   (goal >= 500x: met)",
                        "ENDED to READY            60.0 s   (goal <= 60 s for a 1-hour live: met)");
    }

    @Test
    void slowerThanTheCliMissesTheGoals() {
        List<String> lines =
                new ReplayReport(HOUR, 500, 2.0, 0, new PackagerRun.Result(60.1, 2.5, 0, null), null).lines();

        assertThat(lines)
                .contains(
                        "ratio ours / CLI          1.25   (goal <= 1.0: NOT met)",
                        "speed                     400x realtime   (goal >= 500x: NOT met)",
                        "ENDED to READY            60.1 s   (goal <= 60 s for a 1-hour live: NOT met)");
    }

    @Test
    void theEndedToReadyGoalIsForAnHourLive() {
        List<String> lines =
                new ReplayReport(30, 900, 10.0, 0, new PackagerRun.Result(95.0, 3.0, 0, null), null).lines();

        assertThat(lines)
                .contains("ENDED to READY            95.0 s   (goal <= 60 s for a 1-hour live: live shorter"
                        + " than an hour)");
    }
}
