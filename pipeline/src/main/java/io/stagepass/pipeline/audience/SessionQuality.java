package io.stagepass.pipeline.audience;

/**
 * What one player session (mode/sessionId) has reported of playback's quality so far, kept as long as the live's
 * totals: the cumulative stall figures it sent last, and whether its start, failure or early exit has been counted,
 * so a repeated, reordered or resumed session's beacons add each thing once. A Flink POJO in keyed state.
 */
public class SessionQuality {
    public int rebuffers;
    public long rebufferMillis;
    /** Its time to first frame is in the totals. */
    public boolean started;

    public boolean failed;
    public boolean exited;
    /** Event time of the latest beacon that carried stall figures (0 before one). */
    public long reportedAt;

    public SessionQuality() {}
}
