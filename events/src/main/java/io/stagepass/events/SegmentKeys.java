package io.stagepass.events;

/**
 * The object keys of a live's segments in {@link Bucket#SEGMENTS}, written once: ingest stores under them, the segment
 * facts carry them, and the packager, tests and benchmarks find the bytes by them.
 */
public final class SegmentKeys {
    private SegmentKeys() {}

    /** {@code LIVE_ID/00000042.ts}: the same live and sequence always land on the same object. */
    public static String media(String liveId, long sequence, String extension) {
        if (sequence < 0) {
            throw new IllegalArgumentException("a segment's sequence is never negative: " + sequence);
        }
        return liveId + "/" + String.format("%08d", sequence) + "." + extension;
    }

    /** {@code LIVE_ID/360p/00000042.ts}: a lower rendition of the segment of that sequence. */
    public static String rendition(String liveId, String rendition, long sequence) {
        if (!rendition.matches("[0-9]{3,4}p")) {
            throw new IllegalArgumentException("a rendition is named by its height, as 360p: " + rendition);
        }
        return liveId + "/" + rendition + "/" + media(liveId, sequence, "ts").substring(liveId.length() + 1);
    }

    /**
     * {@code LIVE_ID/thumbs/00000042.jpg}: the scrub-bar thumbnail of the segment of that sequence, made with its lower
     * rendition while the live streams.
     */
    public static String thumbnail(String liveId, long sequence) {
        return liveId + "/thumbs/" + media(liveId, sequence, "jpg").substring(liveId.length() + 1);
    }

    /**
     * {@code LIVE_ID/init-SHA256PREFIX.mp4}: an fMP4 init section is named by its content, since encoders resend the
     * same one.
     */
    public static String init(String liveId, String sha256) {
        return liveId + "/init-" + sha256.substring(0, 16) + ".mp4";
    }
}
