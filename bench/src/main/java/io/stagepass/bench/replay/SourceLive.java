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
