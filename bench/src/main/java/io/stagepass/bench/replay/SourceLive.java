package io.stagepass.bench.replay;

import io.stagepass.media.GeneratedLive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The benchmark's input: a live as an encoder sends it (720p H.264 + AAC in 2 s MPEG-TS segments), generated once with
 * the bundled FFmpeg libraries and kept in a cache folder, since making an hour of it takes minutes.
 */
final class SourceLive {
    private final Path dir;
    private final int minutes;

    SourceLive(Path cacheRoot, int minutes) {
        this.dir = cacheRoot.resolve("replay-720p-" + minutes + "m");
        this.minutes = minutes;
    }

    Path dir() {
        return dir;
    }

    Path playlist() {
        return dir.resolve("index.m3u8");
    }

    /** The cached segments in order, made first if the cache does not hold a complete set. */
    List<Path> segments() throws IOException {
        if (!Files.exists(dir.resolve("complete")) && minutes > 60 && minutes % 60 == 0) {
            loopHour();
        }
        if (!Files.exists(dir.resolve("complete"))) {
            System.out.printf(
                    "generating the source live once: %d min of 1280x720 H.264 + AAC in 2 s segments into %s "
                            + "(about 16 min for an hour on 2 cores)...%n",
                    minutes, dir);
            long start = System.nanoTime();
            Files.createDirectories(dir);
            GeneratedLive.writeHls(dir, GeneratedLive.Spec.hd(Duration.ofMinutes(minutes)));
            Files.writeString(dir.resolve("complete"), "");
            System.out.printf("  generated in %.0f s%n", (System.nanoTime() - start) / 1e9);
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".ts"))
                    .sorted(Comparator.comparingLong(SourceLive::sequence))
                    .toList();
        }
    }

    /**
     * A live of whole hours is the generated hour played again and again, its timestamps running on (the ffmpeg CLI
     * copies the packets, no re-encoding): generating four hours would take an hour.
     */
    private void loopHour() throws IOException {
        SourceLive hour = new SourceLive(dir.getParent(), 60);
        List<Path> segments = hour.segments();
        Files.createDirectories(dir);
        Path joined = dir.resolve("hour.ts");
        System.out.printf(
                "making the %d min live from the generated hour, played %d times...%n", minutes, minutes / 60);
        try (var out = Files.newOutputStream(joined)) {
            for (Path segment : segments) {
                Files.copy(segment, out);
            }
        }
        List<String> command = List.of(
                "ffmpeg",
                "-v",
                "error",
                "-y",
                "-stream_loop",
                Integer.toString(minutes / 60 - 1),
                "-i",
                joined.toString(),
                "-c",
                "copy",
                "-f",
                "hls",
                "-hls_time",
                "2",
                "-hls_list_size",
                "0",
                "-hls_segment_filename",
                dir.resolve("index%d.ts").toString(),
                dir.resolve("index.m3u8").toString());
        try {
            Process ffmpeg = new ProcessBuilder(command).inheritIO().start();
            if (ffmpeg.waitFor() != 0) {
                throw new IOException("ffmpeg could not loop the hour: exit " + ffmpeg.exitValue());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(joined);
        }
        Files.writeString(dir.resolve("complete"), "");
    }

    static long sequence(Path segment) {
        return Long.parseLong(segment.getFileName().toString().replaceAll("\\D", ""));
    }

    long bytes() throws IOException {
        long total = 0;
        for (Path segment : segments()) {
            total += Files.size(segment);
        }
        return total;
    }
}
