package io.stagepass.pipeline.audience;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.Beacon;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.Topic;
import io.stagepass.pipeline.PipelineConfig;
import io.stagepass.pipeline.PipelineJob;
import io.stagepass.pipeline.kafka.KafkaIo;
import java.time.Duration;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Audience metrics per live, in event time, written exactly once to the compacted audience metrics topic under
 * {@code liveId/mode/type[/at | /retentionMinute]}. Live and replay are apart (the metric's {@code mode}).
 *
 * <p>A <em>player beacon</em> is a beacon of mode LIVE or REPLAY and of any type but PAGE_VIEW; a <em>session</em>
 * is a sessionId in one mode. PAGE_VIEW beacons only feed conversion; other beacons of mode PAGE are ignored.
 * Samples are taken at <em>boundaries</em>, multiples of 10 s of event time, and everything is emitted when the
 * watermark passes a boundary ({@code at} = {@code occurredAt} = that boundary), never per event.
 * <ol>
 * <li>CONCURRENCY ({@code concurrentViewers}): at boundary t, the sessions with a player beacon other than VIEW_END
 * at h, h ≤ t &lt; h + 30 s, and no VIEW_END at e ≤ t. Emitted for every boundary where it is above 0, then once 0
 * when it drops to 0; nothing while nobody watches. A beacon that arrives after its boundaries were emitted (below
 * the watermark) does not change them.</li>
 * <li>Peak ({@code peakConcurrentViewers}, {@code peakAt}): the highest sample and the first boundary at that
 * height.</li>
 * <li>{@code views}: distinct sessions with a player beacon other than VIEW_END. {@code uniqueViewers}: distinct
 * non-null ticketIds among them. {@code uniqueAnonymousSessions}: those sessions whose first beacon had no
 * ticketId.</li>
 * <li>{@code watchTimeMillis}: over all sessions, the sum of the gaps between consecutive player beacons of a
 * session while it plays. VIEW_START, HEARTBEAT and SEEK make it play, PAUSE and VIEW_END stop it; a beacon adds
 * the gap since the previous one if the session was playing, so PAUSE adds its gap and the beacon after a pause
 * adds nothing. A gap of 30 s or more (a stalled or backgrounded tab) adds nothing; a beacon older than the
 * session's latest one (out of order) adds nothing. {@code averageWatchTimeMillis} = watchTimeMillis / views,
 * integer division, null without views.</li>
 * <li>RETENTION ({@code retentionMinute} m, {@code retentionBasisPoints}): a player beacon reaches minute
 * (time − liveStart) / 1 min in LIVE, where liveStart is the earliest LIVE player beacon seen so far, and
 * positionMillis / 1 min in REPLAY (capped at minute 1440). reached[m] = sessions whose highest minute is ≥ m;
 * the value is reached[m] × 10000 / reached[0], emitted for the minutes whose value changed, on boundaries that are
 * whole minutes and when nobody watches in that mode any more (a new session changes every minute's share, so
 * emitting every 10 s would repeat the whole curve six times a minute).</li>
 * <li>Conversion, in a TOTAL of mode PAGE ({@code liveId/PAGE/TOTAL}): {@code pageVisitors}, distinct sessionIds
 * with a PAGE_VIEW; {@code buyers}, distinct ticketIds of paid purchases (CHECKOUT_COMPLETED with paid, or
 * ASYNC_PAYMENT_SUCCEEDED), so Stripe's duplicates count once.</li>
 * <li>TOTAL per live and mode ({@code liveId/LIVE/TOTAL}, {@code liveId/REPLAY/TOTAL}): peak, peakAt, views,
 * uniqueViewers, uniqueAnonymousSessions, watchTimeMillis, averageWatchTimeMillis, as they stand when the watermark
 * passes the boundary; emitted only when one of them changed since the last. The latest record per key is the
 * current value.</li>
 * <li>Quality of experience, in the TOTAL of each player mode: {@code firstFrames} and
 * {@code averageStartupMillis}, from the {@code startupMillis} of a session's VIEW_START (once per session, integer
 * division); {@code rebuffers} and {@code rebufferMillis}, the sum over sessions of the highest cumulative
 * {@code rebufferCount} and {@code rebufferMillis} each reported (so a repeated, lost or reordered beacon changes
 * nothing); {@code rebufferBasisPoints} = rebufferMillis × 10000 / watchTimeMillis (stalls are watch time: the player
 * is not paused), at most 10000; {@code playbackFailures}, sessions with a PLAYBACK_FAILURE, once each under its first
 * reason, also as one FAILURE record per reason ({@code liveId/mode/FAILURE/reason}); {@code exitsBeforeFirstFrame},
 * sessions with an EXIT_BEFORE_START that had neither started nor failed. PLAYBACK_FAILURE and EXIT_BEFORE_START
 * make no session, view or sample.</li>
 * <li>RENDITION ({@code liveId/mode/RENDITION/rendition}, {@code watchTimeMillis}): the watch time a beacon adds
 * counts at the rendition the session's previous beacon named (its own, if none had); time at no named rendition
 * counts at none, and a mode counts at most 8 renditions.</li>
 * </ol>
 * Late beacons (below the watermark) still count in views, uniques, watch time and retention. Event ids derive
 * from the key and {@code at}, so a replay after a restore produces the same ids. Sessions are forgotten when they
 * end or fall silent for 30 s; what outlives them is forgotten 30 days after it was last written.
 */
public final class AudienceJob implements PipelineJob {
    public static final String NAME = "audience";
    /** How far beacons and payment facts may arrive out of event-time order within a Kafka partition. */
    static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);

    @Override
    public String name() {
        return NAME;
    }

    /** The topology, free of sources and sinks. */
    public static DataStream<AudienceMetric> defineWorkflow(
            DataStream<Beacon> beacons, DataStream<PaymentFact> payments) {
        return defineWorkflow(beacons.keyBy(Beacon::getLiveId), payments);
    }

    /** The same, for beacons already keyed by live (as {@link #beacons} delivers them). */
    public static DataStream<AudienceMetric> defineWorkflow(
            KeyedStream<Beacon, String> beacons, DataStream<PaymentFact> payments) {
        return beacons.connect(payments.keyBy(PaymentFact::getLiveId))
                .process(new AudienceFunction())
                .uid("audience-state")
                .name("audience per live");
    }

    /**
     * Beacons in event time, keyed by live: they travel to their live's subtask as bytes and are decoded once there,
     * rather than decoded in the source, re-encoded for the shuffle and decoded again; unreadable ones to the
     * dead-letter topic.
     */
    public static KeyedStream<Beacon, String> beacons(StreamExecutionEnvironment env, PipelineConfig config) {
        return KafkaIo.keyedEventTimeSource(
                env, config, NAME, Topic.BEACONS, Beacon.class, Beacon::getLiveId, OUT_OF_ORDERNESS);
    }

    /** Payment facts in event time; unreadable ones to the dead-letter topic. */
    public static DataStream<PaymentFact> payments(StreamExecutionEnvironment env, PipelineConfig config) {
        return KafkaIo.eventTimeSource(
                env,
                config,
                NAME,
                Topic.PAYMENTS,
                PaymentFact.class,
                fact -> fact.getOccurredAt().toEpochMilli(),
                OUT_OF_ORDERNESS);
    }

    public static Sink<AudienceMetric> sink(PipelineConfig config) {
        return KafkaIo.exactlyOnceSink(
                config, NAME, Topic.AUDIENCE_METRICS, AudienceMetric.class, AudienceRecords::key);
    }

    @Override
    public void define(StreamExecutionEnvironment env, PipelineConfig config) {
        defineWorkflow(beacons(env, config), payments(env, config))
                .sinkTo(sink(config))
                .uid("audience-sink")
                .name(Topic.AUDIENCE_METRICS.topicName());
    }
}
