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
}
