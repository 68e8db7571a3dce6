package io.stagepass.pipeline.audience;

import java.util.Arrays;

/**
 * The running audience of one live in one mode (LIVE or REPLAY): counters, peak, retention and what is still to
 * be emitted. A Flink POJO, part of {@link AudienceTotals}.
 */
public class ModeTotals {
    public long views;
    public long uniqueViewers;
    public long anonymousSessions;
    public long watchTimeMillis;
    public long peak;
    public long peakAt;
    /** The last concurrency sample emitted (0 before any). */
    public long lastSample;
    /** LIVE: the earliest player beacon time seen, minute 0 of retention. */
    public long liveStart = Long.MAX_VALUE;
    /** reached[m]: sessions whose highest minute is at least m. */
    public long[] reached = new long[0];
    /** The retention value last emitted per minute, -1 for none. */
    public int[] emittedBasisPoints = new int[0];
    /** Something a TOTAL record carries changed since the last one. */
    public boolean dirty;

    public boolean retentionDirty;

    /** Quality of experience: views that reached a first frame, and their summed time to it. */
    public long firstFrames;

    public long startupMillis;
    public long rebuffers;
    public long rebufferMillis;
    public long playbackFailures;
    public long exitsBeforeFirstFrame;
    /** Distinct renditions with watch time (at most {@link AudienceFunction#MAX_RENDITIONS}). */
    public int renditions;
    /** A FAILURE or RENDITION record of this mode is due. */
    public boolean failuresDirty;

    public boolean renditionsDirty;

    public ModeTotals() {}

    /** Takes a concurrency sample; a new peak (the first time at that height) makes the totals dirty. */
    void sample(long at, long viewers) {
        lastSample = viewers;
        if (viewers > peak) {
            peak = viewers;
            peakAt = at;
            dirty = true;
        }
    }

    /** One session's highest minute grew from {@code from - 1} to {@code to}. */
    void reach(int from, int to) {
        if (to >= reached.length) {
            int size = reached.length;
            reached = Arrays.copyOf(reached, to + 1);
            emittedBasisPoints = Arrays.copyOf(emittedBasisPoints, to + 1);
            Arrays.fill(emittedBasisPoints, size, to + 1, -1);
        }
        for (int minute = from; minute <= to; minute++) {
            reached[minute]++;
        }
        retentionDirty = true;
    }

    /** Share of the sessions that reached minute 0 that also reached {@code minute}, in 1/10000. */
    int retentionBasisPoints(int minute) {
        return (int) (reached[minute] * 10_000 / reached[0]);
    }

    /** Mean time to first frame, integer division; null before any. */
    Long averageStartupMillis() {
        return firstFrames == 0 ? null : startupMillis / firstFrames;
    }

    /** Time stalled over watch time (stalls are part of it), in 1/10000, at most 10000; null without watch time. */
    Integer rebufferBasisPoints() {
        return watchTimeMillis == 0 ? null : (int) Math.min(10_000, rebufferMillis * 10_000 / watchTimeMillis);
    }

    /** Watch time per view, integer division; null without views. */
    Long averageWatchTimeMillis() {
        return views == 0 ? null : watchTimeMillis / views;
    }
}
