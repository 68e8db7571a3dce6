package io.stagepass.jobs.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;

/** The Debian ffmpeg CLI, for end-to-end tests: a real encoder pushing HLS over HTTP PUT, and ffprobe as a second opinion. */
public final class FfmpegCli {
    private FfmpegCli() {}

    /** Skips the calling test, saying why, when the ffmpeg CLI is not installed. */
    public static void assumeAvailable() {
        Assumptions.assumeTrue(
                available(),
                "ffmpeg CLI not found: install the Debian package 'ffmpeg' (bash .ci/run does) to run this end-to-end test");
    }

    public static boolean available() {
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
    public static Process push(String url, int seconds, boolean realTime, List<String> extra, Path log)
            throws IOException {
        List<String> command = clip(seconds, realTime, List.of());
        command.addAll(List.of("-f", "hls", "-hls_time", "2", "-method", "PUT"));
        command.addAll(extra);
        command.add(url);
        return start(command, log);
    }

    /**
     * Starts ffmpeg streaming the same clip over RTMP as OBS does ({@code -f flv rtmp://HOST:PORT/live/KEY}).
     * {@code codecs} replaces the default H.264 + AAC encoder options when not empty (to push what we refuse).
     */
    public static Process pushRtmp(String url, int seconds, boolean realTime, List<String> codecs, Path log)
            throws IOException {
        List<String> command = clip(seconds, realTime, codecs);
        command.addAll(List.of("-f", "flv", url));
        return start(command, log);
    }

    private static List<String> clip(int seconds, boolean realTime, List<String> codecs) {
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
                "sine=frequency=440:duration=" + seconds));
        command.addAll(
                codecs.isEmpty()
                        ? List.of(
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
                                "64k")
                        : codecs);
        return command;
    }

    private static Process start(List<String> command, Path log) throws IOException {
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    /**
     * ffprobe's count of the packets of each stream of a file, by codec name ({@code h264 -> 50, aac -> 94}). An
     * MPEG-TS file lists its streams twice (in its program too): each stream index counts once.
     */
    public static Map<String, Long> packetsByCodec(Path file) throws IOException, InterruptedException {
        Process probe = new ProcessBuilder(List.of(
                        "ffprobe",
                        "-v",
                        "error",
                        "-count_packets",
                        "-show_entries",
                        "stream=index,codec_name,nb_read_packets",
                        "-of",
                        "csv=p=0",
                        file.toString()))
                .redirectErrorStream(true)
                .start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (probe.waitFor() != 0) {
            throw new IOException("ffprobe failed on " + file + ": " + output);
        }
        Map<String, String[]> byIndex = new java.util.TreeMap<>();
        for (String line : output.lines().filter(l -> !l.isBlank()).toList()) {
            String[] fields = line.trim().split(",");
            byIndex.put(fields[0], fields);
        }
        Map<String, Long> packets = new java.util.TreeMap<>();
        byIndex.values().forEach(fields -> packets.merge(fields[1], Long.parseLong(fields[2]), Long::sum));
        return packets;
    }

    /**
     * What ffprobe warns about while reading every packet of a file (timestamps that go backwards or jump, broken
     * streams): the lines it prints at warning level and above. Empty for a clean file.
     */
    public static List<String> probeWarnings(Path file) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "warning"));
        if (file.toString().endsWith(".m3u8")) {
            command.addAll(List.of("-allowed_extensions", "ALL")); // the playlist's media are local .mp4 files
        }
        command.addAll(
                List.of("-count_packets", "-show_entries", "stream=nb_read_packets", "-of", "csv", file.toString()));
        Process probe = new ProcessBuilder(command).redirectErrorStream(false).start();
        probe.getInputStream().transferTo(OutputStream.nullOutputStream());
        List<String> warnings = new String(probe.getErrorStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .filter(line -> !line.isBlank())
                .toList();
        if (probe.waitFor() != 0 && warnings.isEmpty()) {
            return List.of("ffprobe exited with " + probe.exitValue());
        }
        return warnings;
    }
}
