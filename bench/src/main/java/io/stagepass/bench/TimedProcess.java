package io.stagepass.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A command run under {@code /usr/bin/time} (Debian package {@code time}), for the benchmarks' CLI baselines: its wall
 * time, the CPU time it and its children used, and its peak RSS.
 */
public final class TimedProcess {
    /** What one run took. */
    public record Result(double wallSeconds, double cpuSeconds, long peakRssKb) {}

    private TimedProcess() {}

    /** Runs {@code command} (its output to {@code dir/NAME.log}); throws with that log when it fails. */
    public static Result run(List<String> command, Path dir, String name) throws Exception {
        Path time = dir.resolve(name + ".time");
        Path log = dir.resolve(name + ".log");
        List<String> timed = new ArrayList<>(List.of("/usr/bin/time", "-f", "%U %S %M", "-o", time.toString()));
        timed.addAll(command);
        long start = System.nanoTime();
        Process process = new ProcessBuilder(timed)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (process.waitFor() != 0) {
            throw new IllegalStateException(command.get(0) + " failed: " + Files.readString(log));
        }
        double wall = (System.nanoTime() - start) / 1e9;
        String[] fields = Files.readString(time)
                .strip()
                .lines()
                .reduce((a, b) -> b)
                .orElseThrow()
                .split(" ");
        return new Result(
                wall, Double.parseDouble(fields[0]) + Double.parseDouble(fields[1]), Long.parseLong(fields[2]));
    }
}
