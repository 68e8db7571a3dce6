package io.stagepass.replay.views;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.ViewMode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One live's audience as the audience job publishes it, live and replay apart: the concurrency series (10 s samples),
 * the latest totals and the retention curve. Records are whole values under their key, so applying one twice changes
 * nothing.
 */
public final class LiveAudience {
    /** Samples kept per mode: 24 h at 10 s. */
    static final int MAX_SAMPLES = 8_640;

    public record Sample(Instant at, long viewers) {}

    public record Point(int minute, int basisPoints) {}

    /** What a dashboard shows for one mode. {@code totals} is null before the first total. */
    public record Mode(List<Sample> concurrency, AudienceMetric totals, List<Point> retention) {}

    private static final class Series {
        final TreeMap<Instant, Long> concurrency = new TreeMap<>();
        final TreeMap<Integer, Integer> retention = new TreeMap<>();
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
        }
    }

    public synchronized Mode mode(ViewMode mode) {
        Series series = modes.get(mode);
        if (series == null) {
            return new Mode(List.of(), null, List.of());
        }
        List<Sample> samples = new ArrayList<>(series.concurrency.size());
        series.concurrency.forEach((at, viewers) -> samples.add(new Sample(at, viewers)));
        List<Point> retention = new ArrayList<>(series.retention.size());
        series.retention.forEach((minute, share) -> retention.add(new Point(minute, share)));
        return new Mode(samples, series.totals, retention);
    }
}
