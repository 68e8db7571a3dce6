package io.stagepass.ingest.health;

/**
 * A live's incoming media over the last seconds, as the rules judge it. Null means not measured (no video, no
 * segment long enough, too few segments to tell).
 *
 * @param refusal            why the last push was refused for its media, if it was, recently
 * @param segments           segments that arrived in the window
 * @param probed             of those, how many were measured (MPEG-TS ones)
 * @param unreadable         of those, how many FFmpeg could not read
 * @param framesPerSecondX100 frame rate times 100
 * @param keyframeIntervalMillis the longest time seen between two keyframes
 * @param realtimePermille   media seconds per wall second, times 1000
 * @param silentMillis       how long no segment has arrived, while the live goes on
 * @param lastSegmentMillis  the media length of the last segment (segments arrive this far apart)
 * @param reconnects         connections again in the last five minutes
 * @param missingSegments    sequence numbers skipped in the window
 */
record Measured(
        String refusal,
        int segments,
        int probed,
        int unreadable,
        String videoCodec,
        String videoProfile,
        Integer width,
        Integer height,
        Integer framesPerSecondX100,
        Long keyframeIntervalMillis,
        Long videoBitsPerSecond,
        String audioCodec,
        Integer audioSampleRate,
        Integer audioChannels,
        Long audioBitsPerSecond,
        Integer realtimePermille,
        long silentMillis,
        long lastSegmentMillis,
        int reconnects,
        int missingSegments) {}
