package io.stagepass.pipeline.lake;

import io.stagepass.events.EventCodec;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.StateTtl;
import java.time.Duration;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Each fact once in the lake: the first record of each event id goes on, later copies are dropped. Topics carry copies
 * by design (Stripe redelivers a webhook for up to three days, a producer retries, and every consumer is idempotent on
 * {@code eventId}); the lake is read by people whose {@code sum()} is not, so it removes them before writing.
 *
 * <p>Keyed by topic and event id. What is remembered is bounded by a time to live per topic: {@link #FACTS} (7 days,
 * as the revenue job keeps Stripe events) for the topics of money and the catalog, whose copies come from Stripe's
 * retries and whose volume is small; {@link #STREAMS} (1 hour) for beacons and segments, whose copies come from a
 * client's or ingest's retry within minutes and whose volume is large. The metrics topics pass as they are: they are
 * changelogs, where a later record of a key replaces the earlier one, and their ids are derived from what they count.
 * The state is in Flink's checkpoints, so a restored job still knows what it wrote.
 */
final class FirstOfEachEvent extends KeyedProcessFunction<String, FirstOfEachEvent.Encoded, SpecificRecord> {
    /**
     * An event on its way to the keyed stage, as bytes: Flink's fallback serializer (Kryo) cannot send every Avro
     * record over the network (a {@code bytes} field is a {@code ByteBuffer}), so it crosses as single-object encoding.
     */
    public static final class Encoded {
        public String key;
        public int topic;
        public byte[] bytes;

        public Encoded() {}

        @SuppressWarnings({"unchecked", "rawtypes"})
        static Encoded of(SpecificRecord event) {
            Topic topic = LakeTopics.of(event);
            Encoded encoded = new Encoded();
            encoded.key = key(event);
            encoded.topic = topic.ordinal();
            encoded.bytes =
                    ((EventCodec) CODECS.get().computeIfAbsent(topic, t -> EventCodec.of(t.valueType()))).encode(event);
            return encoded;
        }
    }

    /** A codec reads its schema's history when made: one per topic and thread, not one per event. */
    private static final ThreadLocal<Map<Topic, EventCodec<? extends SpecificRecord>>> CODECS =
            ThreadLocal.withInitial(() -> new EnumMap<>(Topic.class));

    static final Duration FACTS = Duration.ofDays(7);
    static final Duration STREAMS = Duration.ofHours(1);
    private static final Set<Topic> FACT_TOPICS = EnumSet.of(
            Topic.PAYMENTS,
            Topic.ENTITLEMENTS,
            Topic.CREATORS,
            Topic.LIVES,
            Topic.REPLAYS,
            Topic.DEAD_LETTERS,
            Topic.ANALYSTS,
            Topic.PAYOUT_ACCOUNTS,
            Topic.PAYOUTS,
            Topic.STAGE,
            Topic.CLIPS);
    private static final Set<Topic> STREAM_TOPICS = EnumSet.of(Topic.BEACONS, Topic.SEGMENTS, Topic.STREAM_HEALTH);

    private transient Map<Topic, EventCodec<? extends SpecificRecord>> codecs;
    private transient ValueState<Boolean> seenFact;
    private transient ValueState<Boolean> seenStream;

    /** The key: the event's topic and its id. */
    static String key(SpecificRecord event) {
        Object id = event.get(event.getSchema().getField("eventId").pos());
        return LakeTopics.of(event).topicName() + "|" + id;
    }

    /** How long copies of a topic's events are recognised; empty for the metrics topics, which pass as they are. */
    static Optional<Duration> window(Topic topic) {
        if (FACT_TOPICS.contains(topic)) {
            return Optional.of(FACTS);
        }
        return STREAM_TOPICS.contains(topic) ? Optional.of(STREAMS) : Optional.empty();
    }

    @Override
    public void open(OpenContext context) {
        ValueStateDescriptor<Boolean> facts = new ValueStateDescriptor<>("seen-facts", Boolean.class);
        facts.enableTimeToLive(StateTtl.afterLastWrite(FACTS));
        seenFact = getRuntimeContext().getState(facts);
        ValueStateDescriptor<Boolean> streams = new ValueStateDescriptor<>("seen-stream-events", Boolean.class);
        streams.enableTimeToLive(StateTtl.afterLastWrite(STREAMS));
        seenStream = getRuntimeContext().getState(streams);
        codecs = new EnumMap<>(Topic.class);
    }

    @Override
    public void processElement(Encoded encoded, Context context, Collector<SpecificRecord> out) throws Exception {
        Topic topic = Topic.values()[encoded.topic];
        Optional<Duration> window = window(topic);
        if (window.isPresent()) {
            ValueState<Boolean> seen = window.get().equals(FACTS) ? seenFact : seenStream;
            if (seen.value() != null) {
                return; // a copy of an event already written
            }
            seen.update(true);
        }
        out.collect(
                codecs.computeIfAbsent(topic, t -> EventCodec.of(t.valueType())).decode(encoded.bytes));
    }
}
