package io.stagepass.pipeline.audience;

import io.stagepass.events.BeaconType;

/**
 * One player session (one page load, in one mode) while it plays: a Flink POJO in keyed state, dropped when the
 * session ends or falls silent.
 */
public class SessionState {
    static final long NONE = Long.MIN_VALUE;

    /** Latest player beacon time seen: watch time is measured from it, and the session expires 30 s after it. */
    public long lastBeatAt = NONE;

    public boolean playing;
    /** The 10 s boundaries this session is counted at in the concurrency buckets, [countedFrom, countedUpTo]. */
    public long countedFrom = NONE;

    public long countedUpTo = NONE;
    /** The boundary whose timer drops this state, unless a later beacon moved it. */
    public long cleanupAt = NONE;
    /** Highest retention minute reached so far, -1 before any. */
    public int maxMinute = -1;
    /** Whether this session's ticket has been checked against the distinct tickets already. */
    public boolean ticketCounted;
    /** The rendition its latest beacon named (null before one did): the time until the next beacon was watched at it. */
    public String rendition;

    public SessionState() {}

    /**
     * Moves the play state on by one beacon and returns the watch time it adds: the time since the previous beacon
     * if the session was playing and that gap is under {@link AudienceFunction#STALE_MILLIS}. An out-of-order
     * beacon (older than the latest) adds nothing and changes nothing; a longer gap (a stalled or backgrounded tab)
     * adds nothing either, and the session goes on from this beacon as if it had just started.
     */
    long advance(BeaconType type, long at) {
        if (at < lastBeatAt) {
            return 0;
        }
        long gap = lastBeatAt == NONE ? AudienceFunction.STALE_MILLIS : at - lastBeatAt;
        long watched = playing && gap < AudienceFunction.STALE_MILLIS ? gap : 0;
        lastBeatAt = at;
        playing = type != BeaconType.PAUSE && type != BeaconType.VIEW_END;
        return watched;
    }

    boolean counted(long boundary) {
        return countedFrom <= boundary && boundary <= countedUpTo;
    }

    /** Records that the boundaries [first, last] are counted; a range after a gap starts over. */
    void cover(long first, long last) {
        countedFrom = countedUpTo < first - AudienceFunction.SAMPLE_MILLIS ? first : Math.min(countedFrom, first);
        countedUpTo = Math.max(countedUpTo, last);
    }
}
