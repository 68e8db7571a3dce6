package io.stagepass.ingest.health;

import java.util.List;

/**
 * What one stored segment holds, as FFmpeg's demuxer reads it: the streams' codecs and parameters, how many frames and
 * bytes of each, and where its keyframes fall on the stream's timeline (milliseconds). A field is null (or 0) for a
 * stream the segment lacks; {@code problem} says why a segment could not be read at all.
 */
public record SegmentMedia(
        String videoCodec,
        String videoProfile,
        int width,
        int height,
        long videoFrames,
        long videoBytes,
        long videoStartMillis,
        long videoEndMillis,
        List<Long> keyframesMillis,
        String audioCodec,
        int audioSampleRate,
        int audioChannels,
        long audioBytes,
        long audioMillis,
        String problem) {

    public static SegmentMedia unreadable(String problem) {
        return new SegmentMedia(null, null, 0, 0, 0, 0, 0, 0, List.of(), null, 0, 0, 0, 0, problem);
    }

    public boolean readable() {
        return problem == null;
    }

    public boolean hasVideo() {
        return videoCodec != null;
    }

    public boolean hasAudio() {
        return audioCodec != null;
    }

    /** The video's length: from its first frame to the end of its last. */
    public long videoMillis() {
        return Math.max(0, videoEndMillis - videoStartMillis);
    }

    /** The segment's media length: its video, or its audio when it has none. */
    public long mediaMillis() {
        return hasVideo() ? videoMillis() : audioMillis;
    }
}
