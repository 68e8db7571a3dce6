package io.stagepass.pipeline.activity;

/** What the activity job needs of one Kafka record: its topic and its size. A Flink POJO. */
public class RecordStat {
    public String topic;
    public long bytes;

    public RecordStat() {}

    public RecordStat(String topic, long bytes) {
        this.topic = topic;
        this.bytes = bytes;
    }

    @Override
    public String toString() {
        return topic + " (" + bytes + " B)";
    }
}
