package io.stagepass.bench.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs wrk (Debian's) against one URL and reads its summary: requests per second, the 50th and 99th percentile. */
final class Wrk {
    /** One wrk run. */
    record Result(String name, double requestsPerSecond, double p50Millis, double p99Millis, long non2xx) {}

    private Wrk() {}

    static Result run(String name, String url, int connections, int seconds, Path log)
            throws IOException, InterruptedException {
        List<String> command =
                new ArrayList<>(List.of("wrk", "-t2", "-c" + connections, "-d" + seconds + "s", "--latency", url));
        Process wrk = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed on " + name + ": " + Files.readString(log));
        }
        Result result = parse(name, Files.readString(log));
        System.out.printf(
                "  %-34s %9.0f req/s   p50 %7.2f ms   p99 %7.2f ms%s%n",
                name,
                result.requestsPerSecond(),
                result.p50Millis(),
                result.p99Millis(),
                result.non2xx() > 0 ? "   (" + result.non2xx() + " non-2xx/3xx!)" : "");
        return result;
    }

    /** Reads what wrk --latency printed: Requests/sec, the 50% and 99% of its Latency Distribution, non-2xx/3xx. */
    static Result parse(String name, String out) {
        return new Result(
                name,
                number(out, "Requests/sec:\\s+([0-9.]+)"),
                millis(out, "50%"),
                millis(out, "99%"),
                out.contains("Non-2xx or 3xx responses:")
                        ? (long) number(out, "Non-2xx or 3xx responses:\\s+(\\d+)")
                        : 0);
    }

    private static double number(String out, String pattern) {
        Matcher m = Pattern.compile(pattern).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in wrk's output:\n" + out);
        }
        return Double.parseDouble(m.group(1));
    }

    /** wrk prints percentiles as 1.23ms, 456.00us or 1.20s. */
    private static double millis(String out, String percentile) {
        Matcher m =
                Pattern.compile("\\s" + percentile + "\\s+([0-9.]+)(us|ms|s)").matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " latency in wrk's output:\n" + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }
}
