package io.stagepass.ingest.hls;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;

/** The ffmpeg CLI as an encoder pushing HLS over HTTP PUT, for end-to-end tests. */
final class Ffmpeg {
    private Ffmpeg() {}

    /** Skips the calling test, saying why, when the ffmpeg CLI is not installed. */
    static void assumeAvailable() {
        Assumptions.assumeTrue(
                available(),
                "ffmpeg CLI not found: install the Debian package 'ffmpeg' (bash .ci/run does) to run this end-to-end test");
    }

    static boolean available() {
        try {
            return new ProcessBuilder("ffmpeg", "-version")
                            .redirectErrorStream(true)
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .start()
                            .waitFor()
                    == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /**
     * Starts ffmpeg pushing a generated clip (testsrc2 video with a keyframe every 2 s, a 440 Hz sine) to {@code url}
     * in 2-second segments; {@code realTime} adds -re. Output goes to {@code log}.
     */
    static Process push(String url, int seconds, boolean realTime, List<String> extra, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning", "-nostdin"));
        if (realTime) {
            command.add("-re");
        }
        command.addAll(List.of(
                "-f",
                "lavfi",
                "-i",
                "testsrc2=duration=" + seconds + ":size=320x180:rate=25",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=440:duration=" + seconds,
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-g",
                "50",
                "-keyint_min",
                "50",
                "-sc_threshold",
                "0",
                "-c:a",
                "aac",
                "-b:a",
                "64k",
                "-f",
                "hls",
                "-hls_time",
                "2",
                "-method",
                "PUT"));
        command.addAll(extra);
        command.add(url);
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }
}
