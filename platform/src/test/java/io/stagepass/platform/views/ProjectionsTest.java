package io.stagepass.platform.views;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Live;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The one rule by which records reach projections, on records fed by hand. */
class ProjectionsTest {
    private static final String STREAM_KEY = "5".repeat(64);
    private static final EventCodec<Live> LIVES = EventCodec.of(Live.class);

    private final LatestByKey<Live> lives = new LatestByKey<>("lives", Topic.LIVES);
    private final KeyHashIndex<Live> streamKeys =
            new KeyHashIndex<>("stream keys", Topic.LIVES, Live::getStreamKeySha256);
    private final LatestByKey<ReplayStatus> replays = new LatestByKey<>("replays", Topic.REPLAYS);
    private final Projections projections = new Projections(List.of(lives, streamKeys, replays));
    private final List<String> changes = new ArrayList<>();
    private long offset;

    private ConsumerRecord<String, byte[]> record(Topic topic, String key, byte[] value) {
        return new ConsumerRecord<>(topic.topicName(), 0, offset++, key, value);
    }

    private boolean apply(ConsumerRecord<String, byte[]> record) {
        return projections.apply(record, (projection, id) -> changes.add(projection.name() + ":" + id));
    }

    private static byte[] live(String liveId) {
        return LIVES.encode(SampleEvents.live(liveId, "creator_1")
                .setStreamKeySha256(STREAM_KEY)
                .build());
    }

    @Test
    void aValueIsDecodedOnceForEveryProjectionOfItsTopicAndNoOther() {
        assertThat(apply(record(Topic.LIVES, "live_1", live("live_1")))).isTrue();

        assertThat(lives.get("live_1")).isPresent();
        assertThat(streamKeys.byKeyHash(STREAM_KEY)).isPresent();
        assertThat(replays.size()).isZero();
        assertThat(changes).containsExactly("lives:live_1", "stream keys:live_1");
        assertThat(projections.topics()).containsExactly(Topic.LIVES, Topic.REPLAYS);
    }

    @Test
    void aTombstoneRemovesTheKeysEntryInEveryProjectionOfItsTopic() {
        apply(record(Topic.LIVES, "live_1", live("live_1")));
        apply(record(Topic.LIVES, "live_2", live("live_2")));
        apply(record(
                Topic.REPLAYS,
                "live_1",
                EventCodec.of(ReplayStatus.class)
                        .encode(SampleEvents.replay("live_1", "creator_1").build())));
        changes.clear();

        assertThat(apply(record(Topic.LIVES, "live_1", null))).isTrue();

        assertThat(lives.get("live_1")).isEmpty();
        assertThat(streamKeys.byId("live_1")).isEmpty();
        assertThat(lives.get("live_2")).as("another key").isPresent();
        assertThat(replays.get("live_1")).as("another topic").isPresent();
        assertThat(changes).containsExactly("lives:live_1", "stream keys:live_1");

        changes.clear();
        assertThat(apply(record(Topic.LIVES, "live_never", null))).isTrue();
        assertThat(changes)
                .as("a tombstone for a key nobody holds changes nothing")
                .isEmpty();
    }

    @Test
    void anUnreadableValueIsSkippedAndTheNextOneStillApplies() {
        byte[] otherType = EventCodec.of(ReplayStatus.class)
                .encode(SampleEvents.replay("live_1", "creator_1").build());

        assertThat(apply(record(Topic.LIVES, "live_1", new byte[] {1, 2, 3}))).isFalse();
        assertThat(apply(record(Topic.LIVES, "live_1", otherType))).isFalse();
        assertThat(lives.size()).isZero();
        assertThat(changes).isEmpty();

        assertThat(apply(record(Topic.LIVES, "live_1", live("live_1")))).isTrue();
        assertThat(lives.get("live_1")).isPresent();
    }

    @Test
    void aRecordWithoutAKeyIsSkipped() {
        assertThat(apply(record(Topic.LIVES, null, live("live_1")))).isFalse();
        assertThat(apply(record(Topic.LIVES, null, null))).isFalse();

        assertThat(lives.size()).isZero();
        assertThat(changes).isEmpty();
    }

    @Test
    void aNullOnATopicThatKeepsFactsIsSkippedNotADeletion() {
        LatestByKey<SegmentStored> segments = new LatestByKey<>("segments", Topic.SEGMENTS);
        Projections facts = new Projections(List.of(segments));
        facts.apply(
                record(
                        Topic.SEGMENTS,
                        "live_1",
                        EventCodec.of(SegmentStored.class)
                                .encode(SampleEvents.segment("live_1", 0).build())),
                (projection, id) -> changes.add(id));

        assertThat(facts.apply(record(Topic.SEGMENTS, "live_1", null), (projection, id) -> changes.add(id)))
                .isFalse();
        assertThat(segments.get("live_1")).as("the fact stays").isPresent();
        assertThat(changes).containsExactly("live_1");
    }

    @Test
    void aTopicNoProjectionIsBuiltFromIsRefused() {
        assertThatThrownBy(() -> apply(record(Topic.PAYMENTS, "live_1", new byte[0])))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Topic.PAYMENTS.topicName());
    }
}
