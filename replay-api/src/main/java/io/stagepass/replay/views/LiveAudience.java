package io.stagepass.replay.views;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.ViewMode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One live's audience as the audience job publishes it, live and replay apart: the concurrency series (10 s samples),
 * the latest totals, the retention curve, and playback's failures by reason and watch time by rendition. Records are whole values under their key, so applying one twice changes
 * nothing.
 */
public final class LiveAudience {
    /** Samples kept per mode: 24 h at 10 s. */
    static final int MAX_SAMPLES = 8_640;

    public record Sample(Instant at, long viewers) {}

    public record Point(int minute, int basisPoints) {}

    /**
     * What a dashboard shows for one mode. {@code totals} is null before the first total; {@code failures} counts
     * playback failures by reason, {@code renditions} the time watched at each rendition.
     */
    public record Mode(
            List<Sample> concurrency,
            AudienceMetric totals,
            List<Point> retention,
            Map<String, Long> failures,
            Map<String, Long> renditions) {
        /** A mode nobody has watched in yet. */
        public static final Mode NONE = new Mode(List.of(), null, List.of(), Map.of(), Map.of());
    }

    private static final class Series {
        final TreeMap<Instant, Long> concurrency = new TreeMap<>();
        final TreeMap<Integer, Integer> retention = new TreeMap<>();
        final TreeMap<String, Long> failures = new TreeMap<>();
        final TreeMap<String, Long> renditions = new TreeMap<>();
        AudienceMetric totals;
    }

    private final Map<ViewMode, Series> modes = new EnumMap<>(ViewMode.class);

    synchronized void add(AudienceMetric metric) {
        Series series = modes.computeIfAbsent(metric.getMode(), m -> new Series());
        switch (metric.getType()) {
            case CONCURRENCY -> {
                series.concurrency.put(
                        metric.getAt(), metric.getConcurrentViewers() == null ? 0 : metric.getConcurrentViewers());
                while (series.concurrency.size() > MAX_SAMPLES) {
                    series.concurrency.pollFirstEntry();
                }
            }
            case TOTAL -> {
                if (series.totals == null || !metric.getAt().isBefore(series.totals.getAt())) {
                    series.totals = metric;
                }
            }
            case RETENTION -> {
                if (metric.getRetentionMinute() != null && metric.getRetentionBasisPoints() != null) {
                    series.retention.put(metric.getRetentionMinute(), metric.getRetentionBasisPoints());
                }
            }
            case FAILURE -> {
                if (metric.getFailureReason() != null && metric.getPlaybackFailures() != null) {
                    series.failures.put(metric.getFailureReason(), metric.getPlaybackFailures());
                }
            }
            case RENDITION -> {
                if (metric.getRendition() != null && metric.getWatchTimeMillis() != null) {
                    series.renditions.put(metric.getRendition(), metric.getWatchTimeMillis());
                }
            }
        }
    }

    /**
     * Forgets the entry of one of the live's metric keys, {@code liveId/mode/type[/at | /minute]} as the audience job
     * writes them (a tombstone); false when there was none, or the key is not one of those.
     */
    synchronized boolean remove(String key) {
        String[] parts = key.split("/", 4);
        try {
            Series series = parts.length < 3 ? null : modes.get(ViewMode.valueOf(parts[1]));
            if (series == null) {
                return false;
            }
            return switch (AudienceMetricType.valueOf(parts[2])) {
                case CONCURRENCY -> parts.length == 4 && series.concurrency.remove(Instant.parse(parts[3])) != null;
                case RETENTION -> parts.length == 4 && series.retention.remove(Integer.parseInt(parts[3])) != null;
                case FAILURE -> parts.length == 4 && series.failures.remove(parts[3]) != null;
                case RENDITION -> parts.length == 4 && series.renditions.remove(parts[3]) != null;
                case TOTAL -> {
                    boolean had = series.totals != null;
                    series.totals = null;
                    yield had;
                }
            };
        } catch (IllegalArgumentException | DateTimeParseException e) {
            return false; // not a key the audience job writes: nothing of it is held
        }
    }

    public synchronized Mode mode(ViewMode mode) {
        Series series = modes.get(mode);
        if (series == null) {
            return Mode.NONE;
        }
        List<Sample> samples = new ArrayList<>(series.concurrency.size());
        series.concurrency.forEach((at, viewers) -> samples.add(new Sample(at, viewers)));
        List<Point> retention = new ArrayList<>(series.retention.size());
        series.retention.forEach((minute, share) -> retention.add(new Point(minute, share)));
        return new Mode(samples, series.totals, retention, Map.copyOf(series.failures), Map.copyOf(series.renditions));
    }
}
