package io.stagepass.events;

/** The object store's buckets: bytes live here, facts about them in Kafka. */
public enum Bucket {
    /** Live HLS segments as pushed by encoders, keyed by live id and sequence number. */
    SEGMENTS("segments"),
    /** Packaged on-demand replays. */
    REPLAYS("replays"),
    /** Parquet exports of every topic, Hive-partitioned. */
    LAKE("lake"),
    /** Flink checkpoints in the distributed deployment (the embedded stack keeps them on local disk). */
    CHECKPOINTS("checkpoints");

    private final String bucketName;

    Bucket(String bucketName) {
        this.bucketName = bucketName;
    }

    public String bucketName() {
        return bucketName;
    }

    /**
     * The media type of an object of ours, from its name: what it is stored with and served as. Segments ({@code .ts},
     * {@code .mp4}, {@code .m4s}), replay files (playlists, MP4, poster and sprites, the thumbnail track), Parquet.
     */
    public static String contentType(String objectName) {
        int dot = objectName.lastIndexOf('.');
        return switch (dot < 0 ? "" : objectName.substring(dot + 1)) {
            case "ts" -> "video/mp2t";
            case "mp4", "m4s" -> "video/mp4";
            case "m3u8" -> "application/vnd.apple.mpegurl";
            case "jpg" -> "image/jpeg";
            case "vtt" -> "text/vtt";
            case "parquet" -> "application/vnd.apache.parquet";
            default -> "application/octet-stream";
        };
    }
}
