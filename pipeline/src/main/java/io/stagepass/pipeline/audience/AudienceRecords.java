package io.stagepass.pipeline.audience;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.Ids;
import io.stagepass.events.ViewMode;
import java.time.Instant;

/**
 * The audience job's output records, their Kafka keys ({@code liveId/mode/type[/at | /retentionMinute | /reason | /rendition]}) and their
 * ids, derived from key and time so that a replay after a restore produces the same ids.
 */
final class AudienceRecords {
    private AudienceRecords() {}

    static String key(AudienceMetric metric) {
        String key = metric.getLiveId() + "/" + metric.getMode() + "/" + metric.getType();
        return switch (metric.getType()) {
            case CONCURRENCY -> key + "/" + metric.getAt();
            case RETENTION -> key + "/" + metric.getRetentionMinute();
            case FAILURE -> key + "/" + metric.getFailureReason();
            case RENDITION -> key + "/" + metric.getRendition();
            case TOTAL -> key;
        };
    }

    static AudienceMetric concurrency(String liveId, ViewMode mode, long at, long viewers) {
        return identified(
                start(liveId, mode, AudienceMetricType.CONCURRENCY, at).setConcurrentViewers(viewers));
    }

    static AudienceMetric total(String liveId, ViewMode mode, long at, ModeTotals totals) {
        return identified(start(liveId, mode, AudienceMetricType.TOTAL, at)
                .setPeakConcurrentViewers(totals.peak)
                .setPeakAt(totals.peak == 0 ? null : Instant.ofEpochMilli(totals.peakAt))
                .setViews(totals.views)
                .setUniqueViewers(totals.uniqueViewers)
                .setUniqueAnonymousSessions(totals.anonymousSessions)
                .setWatchTimeMillis(totals.watchTimeMillis)
                .setAverageWatchTimeMillis(totals.averageWatchTimeMillis())
                .setFirstFrames(totals.firstFrames)
                .setAverageStartupMillis(totals.averageStartupMillis())
                .setRebuffers(totals.rebuffers)
                .setRebufferMillis(totals.rebufferMillis)
                .setRebufferBasisPoints(totals.rebufferBasisPoints())
                .setPlaybackFailures(totals.playbackFailures)
                .setExitsBeforeFirstFrame(totals.exitsBeforeFirstFrame));
    }

    /** Conversion: the TOTAL of mode PAGE. */
    static AudienceMetric conversion(String liveId, long at, AudienceTotals totals) {
        return identified(start(liveId, ViewMode.PAGE, AudienceMetricType.TOTAL, at)
                .setPageVisitors(totals.pageVisitors)
                .setBuyers(totals.buyers));
    }

    static AudienceMetric retention(String liveId, ViewMode mode, long at, int minute, int basisPoints) {
        return identified(start(liveId, mode, AudienceMetricType.RETENTION, at)
                .setRetentionMinute(minute)
                .setRetentionBasisPoints(basisPoints));
    }

    /** The views of one mode the player gave up on for one reason. */
    static AudienceMetric failure(String liveId, ViewMode mode, long at, String reason, long failures) {
        return identified(start(liveId, mode, AudienceMetricType.FAILURE, at)
                .setFailureReason(reason)
                .setPlaybackFailures(failures));
    }

    /** The time watched at one rendition in one mode. */
    static AudienceMetric rendition(String liveId, ViewMode mode, long at, String rendition, long watchTimeMillis) {
        return identified(start(liveId, mode, AudienceMetricType.RENDITION, at)
                .setRendition(rendition)
                .setWatchTimeMillis(watchTimeMillis));
    }

    private static AudienceMetric.Builder start(String liveId, ViewMode mode, AudienceMetricType type, long at) {
        Instant time = Instant.ofEpochMilli(at);
        return AudienceMetric.newBuilder()
                .setEventId("")
                .setOccurredAt(time)
                .setType(type)
                .setLiveId(liveId)
                .setMode(mode)
                .setAt(time);
    }

    private static AudienceMetric identified(AudienceMetric.Builder builder) {
        AudienceMetric metric = builder.build();
        metric.setEventId(Ids.derivedEventId(AudienceJob.NAME, key(metric) + "@" + metric.getAt()));
        return metric;
    }
}
