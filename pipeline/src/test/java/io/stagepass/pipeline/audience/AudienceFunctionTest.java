package io.stagepass.pipeline.audience;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.AudienceMetric;
import io.stagepass.events.AudienceMetricType;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.PaymentEventType;
import io.stagepass.events.PaymentFact;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.ViewMode;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The audience function on Flink's keyed operator harness, fed in event-time order with the watermark 5 s behind
 * like the real source: samples, peak, watch time, uniques, retention and conversion, and after each test no timer
 * and no per-session state left once everybody is gone.
 */
class AudienceFunctionTest {
    private static final String LIVE = "live_1";
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final Duration OUT_OF_ORDERNESS = Duration.ofSeconds(5);
    private static final Duration FAR_AHEAD = Duration.ofDays(1);

    private KeyedTwoInputStreamOperatorTestHarness<String, Beacon, PaymentFact, AudienceMetric> harness;
    private long watermark = Long.MIN_VALUE;

    @BeforeEach
    void open() throws Exception {
        harness = newHarness();
    }

    @AfterEach
    void everybodyGoneNothingLeft() throws Exception {
        advanceTo(T0.plus(FAR_AHEAD).toEpochMilli());
        assertThat(harness.numEventTimeTimers()).isZero();
        assertThat(harness.numProcessingTimeTimers()).isZero();
        for (String state : AudienceFunction.PER_SESSION_STATES) {
            assertThat(keysWith(state)).as("lives with %s left", state).isZero();
        }
        harness.close();
    }

    @Test
    void samplesConcurrencyEvery10SecondsWhileALastBeaconIsUnder30SecondsOldUntilViewEnd() throws Exception {
        feed(
                beacon("a", BeaconType.VIEW_START, 0),
                beacon("r", BeaconType.VIEW_START, 3).setMode(ViewMode.REPLAY),
                beacon("b", BeaconType.VIEW_START, 5),
                beacon("a", BeaconType.HEARTBEAT, 10),
                beacon("r", BeaconType.HEARTBEAT, 13).setMode(ViewMode.REPLAY),
                beacon("b", BeaconType.HEARTBEAT, 15),
                beacon("a", BeaconType.HEARTBEAT, 20),
                beacon("a", BeaconType.VIEW_END, 25));
        assertThat(keysWith("sessions"))
                .as("sessions are in state while they play")
                .isOne();
        // b goes silent after 15 s; c comes alone much later.
        feed(beacon("c", BeaconType.VIEW_START, 100));
        advanceTo(T0.plusSeconds(200).toEpochMilli());

        // a counts at 0-20 (VIEW_END at 25 takes it off 30 and 40), b at 10-40: 30 s after its last beacon.
        assertThat(samples(ViewMode.LIVE))
                .containsExactly(
                        "0s=1", "10s=2", "20s=2", "30s=1", "40s=1", "50s=0", "100s=1", "110s=1", "120s=1", "130s=0");
        assertThat(samples(ViewMode.REPLAY)).containsExactly("10s=1", "20s=1", "30s=1", "40s=1", "50s=0");
        AudienceMetric live = latest(ViewMode.LIVE, AudienceMetricType.TOTAL);
        assertThat(live.getPeakConcurrentViewers()).isEqualTo(2);
        assertThat(live.getPeakAt()).isEqualTo(T0.plusSeconds(10));
        assertThat(live.getViews()).isEqualTo(3);
        assertThat(latest(ViewMode.REPLAY, AudienceMetricType.TOTAL).getPeakConcurrentViewers())
                .isEqualTo(1);
    }

    @Test
    void aLateBeaconCountsInViewsAndWatchTimeButNotInSamplesAlreadyEmitted() throws Exception {
        feed(
                beacon("a", BeaconType.VIEW_START, 0),
                beacon("a", BeaconType.HEARTBEAT, 10),
                beacon("a", BeaconType.HEARTBEAT, 20),
                beacon("a", BeaconType.HEARTBEAT, 30));
        advanceTo(T0.plusSeconds(35).toEpochMilli());
        feed(beacon("late", BeaconType.VIEW_START, 12), beacon("late", BeaconType.HEARTBEAT, 22));
        advanceTo(T0.plusSeconds(100).toEpochMilli());

        assertThat(samples(ViewMode.LIVE))
                .containsExactly("0s=1", "10s=1", "20s=1", "30s=1", "40s=2", "50s=2", "60s=0");
        AudienceMetric total = latest(ViewMode.LIVE, AudienceMetricType.TOTAL);
        assertThat(total.getViews()).isEqualTo(2);
        assertThat(total.getWatchTimeMillis())
                .isEqualTo(Duration.ofSeconds(30 + 10).toMillis());
    }

    @Test
    void watchTimeAddsGapsWhilePlayingButNotPausesStallsOrOutOfOrderBeacons() throws Exception {
        feed(
                beacon("w", BeaconType.VIEW_START, 0),
                beacon("v", BeaconType.VIEW_START, 0),
                beacon("w", BeaconType.HEARTBEAT, 10),
                beacon("v", BeaconType.HEARTBEAT, 10), // +10 +10
                beacon("w", BeaconType.PAUSE, 14), // +4, then paused
                beacon("w", BeaconType.HEARTBEAT, 30), // resumes: +0
                beacon("w", BeaconType.HEARTBEAT, 40), // +10
                beacon("v", BeaconType.HEARTBEAT, 45), // 35 s after its last beacon: a stalled tab, +0
                beacon("w", BeaconType.HEARTBEAT, 50), // +10
                beacon("w", BeaconType.HEARTBEAT, 45), // out of order: +0
                beacon("v", BeaconType.HEARTBEAT, 55),
                beacon("v", BeaconType.VIEW_END, 60)); // +10 +5
        advanceTo(T0.plusSeconds(95).toEpochMilli());
        assertThat(keysWith("sessions"))
                .as("w expired 30 s after its last beacon")
                .isZero();
        feed(
                beacon("w", BeaconType.HEARTBEAT, 100), // back after 50 s: +0, and not a new view
                beacon("w", BeaconType.HEARTBEAT, 110),
                beacon("w", BeaconType.VIEW_END, 115)); // +10 +5

        advanceTo(T0.plusSeconds(200).toEpochMilli());
        AudienceMetric total = latest(ViewMode.LIVE, AudienceMetricType.TOTAL);
        long w = 10 + 4 + 10 + 10 + 10 + 5;
        long v = 10 + 10 + 5;
        assertThat(total.getWatchTimeMillis())
                .isEqualTo(Duration.ofSeconds(w + v).toMillis());
        assertThat(total.getViews()).isEqualTo(2);
        assertThat(total.getAverageWatchTimeMillis())
                .isEqualTo(Duration.ofSeconds(w + v).toMillis() / 2);
    }

    @Test
    void countsDistinctTicketsAndAnonymousSessionsPerMode() throws Exception {
        feed(
                beacon("s1", BeaconType.VIEW_START, 0).setTicketId("cs_1"),
                beacon("s2", BeaconType.VIEW_START, 1).setTicketId("cs_1"),
                beacon("s3", BeaconType.VIEW_START, 2).setTicketId("cs_2"),
                beacon("s4", BeaconType.VIEW_START, 3).setTicketId(null),
                beacon("s5", BeaconType.VIEW_START, 4).setTicketId(null),
                beacon("s4", BeaconType.HEARTBEAT, 13).setTicketId(null),
                beacon("s6", BeaconType.VIEW_START, 5).setTicketId("cs_1").setMode(ViewMode.REPLAY),
                beacon("s7", BeaconType.VIEW_START, 6).setTicketId(null).setMode(ViewMode.REPLAY),
                beacon("s8", BeaconType.PAGE_VIEW, 7).setTicketId(null).setMode(ViewMode.PAGE));
        advanceTo(T0.plusSeconds(100).toEpochMilli());

        AudienceMetric live = latest(ViewMode.LIVE, AudienceMetricType.TOTAL);
        assertThat(List.of(live.getViews(), live.getUniqueViewers(), live.getUniqueAnonymousSessions()))
                .containsExactly(5L, 2L, 2L);
        AudienceMetric replay = latest(ViewMode.REPLAY, AudienceMetricType.TOTAL);
        assertThat(List.of(replay.getViews(), replay.getUniqueViewers(), replay.getUniqueAnonymousSessions()))
                .containsExactly(2L, 1L, 1L);
        assertThat(latest(ViewMode.PAGE, AudienceMetricType.TOTAL).getPageVisitors())
                .isEqualTo(1);
    }

    @Test
    void retentionIsTheShareOfSessionsThatReachedEachMinute() throws Exception {
        for (int second = 0; second <= 150; second += 10) {
            feed(beacon("a", BeaconType.HEARTBEAT, second));
            if (second <= 50) {
                feed(beacon("b", BeaconType.HEARTBEAT, second));
            }
            if (second == 60 || second == 70) {
                feed(beacon("c", BeaconType.HEARTBEAT, second));
            }
            if (second <= 130) {
                feed(beacon("r1", BeaconType.HEARTBEAT, second)
                        .setMode(ViewMode.REPLAY)
                        .setPositionMillis(second * 1000L));
            }
        }
        feed(beacon("r2", BeaconType.SEEK, 151)
                .setMode(ViewMode.REPLAY)
                .setPositionMillis(Duration.ofMinutes(5).toMillis()));
        advanceTo(T0.plusSeconds(300).toEpochMilli());

        // LIVE: a reached minute 2, b minute 0, c (started at 60 s) minute 1.
        assertThat(retention(ViewMode.LIVE)).isEqualTo(Map.of(0, 10_000, 1, 6_666, 2, 3_333));
        // REPLAY: r1 played to 2:10, r2 sought to 5:00.
        assertThat(retention(ViewMode.REPLAY))
                .isEqualTo(Map.of(0, 10_000, 1, 10_000, 2, 10_000, 3, 5_000, 4, 5_000, 5, 5_000));
        assertThat(harness.extractOutputValues().stream()
                        .filter(m -> m.getType() == AudienceMetricType.RETENTION
                                && m.getMode() == ViewMode.LIVE
                                && m.getRetentionMinute() == 0))
                .as("emitted only when the value changes")
                .hasSize(1);
        Set<String> zeroSamples = new HashSet<>();
        harness.extractOutputValues().stream()
                .filter(m -> m.getType() == AudienceMetricType.CONCURRENCY && m.getConcurrentViewers() == 0)
                .forEach(m -> zeroSamples.add(m.getMode() + "@" + m.getAt()));
        assertThat(harness.extractOutputValues().stream().filter(m -> m.getType() == AudienceMetricType.RETENTION))
                .as("on whole minutes, or when nobody watches any more")
                .allSatisfy(m -> assertThat(m.getAt().toEpochMilli() % 60_000 == 0
                                || zeroSamples.contains(m.getMode() + "@" + m.getAt()))
                        .isTrue());
    }

    @Test
    void conversionCountsDistinctPageVisitorsAndPaidTicketsOnce() throws Exception {
        PaymentFact paid =
                payment("cs_1", PaymentEventType.CHECKOUT_COMPLETED, 3).build();
        feed(
                beacon("p1", BeaconType.PAGE_VIEW, 0).setMode(ViewMode.PAGE),
                beacon("p2", BeaconType.PAGE_VIEW, 1).setMode(ViewMode.PAGE),
                beacon("p1", BeaconType.PAGE_VIEW, 2).setMode(ViewMode.PAGE),
                beacon("p3", BeaconType.PAGE_VIEW, 2));
        send(
                paid,
                paid, // Stripe's duplicate
                payment("cs_2", PaymentEventType.CHECKOUT_COMPLETED, 4)
                        .setPaid(false)
                        .build(),
                payment("cs_2", PaymentEventType.ASYNC_PAYMENT_SUCCEEDED, 6).build(),
                payment("cs_3", PaymentEventType.CHECKOUT_COMPLETED, 7)
                        .setPaid(false)
                        .build(),
                payment("cs_3", PaymentEventType.ASYNC_PAYMENT_FAILED, 8).build());
        advanceTo(T0.plusSeconds(100).toEpochMilli());

        AudienceMetric conversion = latest(ViewMode.PAGE, AudienceMetricType.TOTAL);
        assertThat(AudienceRecords.key(conversion)).isEqualTo(LIVE + "/PAGE/TOTAL");
        assertThat(conversion.getPageVisitors()).isEqualTo(3);
        assertThat(conversion.getBuyers()).isEqualTo(2);
    }

    @Test
    void qualityOfExperienceCountsEachSessionsStartStallsFailureAndExitOnce() throws Exception {
        feed(
                beacon("a", BeaconType.VIEW_START, 0).setStartupMillis(800L).setRendition("720p"),
                beacon("b", BeaconType.VIEW_START, 1).setStartupMillis(1_300L).setRendition("720p"),
                beacon("a", BeaconType.REBUFFER, 8)
                        .setRebufferCount(1)
                        .setRebufferMillis(2_000L)
                        .setRendition("360p"),
                // Repeated, then trailed by an older figure: the cumulative values add nothing twice.
                beacon("a", BeaconType.HEARTBEAT, 10).setRebufferCount(1).setRebufferMillis(2_000L),
                beacon("a", BeaconType.HEARTBEAT, 20)
                        .setRebufferCount(2)
                        .setRebufferMillis(3_500L)
                        .setRendition("360p"),
                beacon("b", BeaconType.HEARTBEAT, 11).setRebufferCount(0).setRebufferMillis(0L),
                beacon("a", BeaconType.VIEW_START, 21).setStartupMillis(9_000L), // a second start of one session
                beacon("b", BeaconType.PLAYBACK_FAILURE, 25).setFailureReason("segment-unreachable"),
                beacon("b", BeaconType.PLAYBACK_FAILURE, 26).setFailureReason("media-error"),
                beacon("c", BeaconType.EXIT_BEFORE_START, 27),
                beacon("c", BeaconType.EXIT_BEFORE_START, 28),
                beacon("b", BeaconType.EXIT_BEFORE_START, 29), // it started: not an exit before its start
                beacon("d", BeaconType.PLAYBACK_FAILURE, 30)
                        .setFailureReason("playlist-unreachable")
                        .setMode(ViewMode.REPLAY),
                beacon("a", BeaconType.VIEW_END, 30));
        advanceTo(T0.plusSeconds(200).toEpochMilli());

        AudienceMetric live = latest(ViewMode.LIVE, AudienceMetricType.TOTAL);
        assertThat(live.getViews()).as("failures and exits make no views").isEqualTo(2);
        assertThat(live.getFirstFrames()).isEqualTo(2);
        assertThat(live.getAverageStartupMillis()).isEqualTo((800 + 1_300) / 2);
        assertThat(live.getRebuffers()).isEqualTo(2);
        assertThat(live.getRebufferMillis()).isEqualTo(3_500);
        // a watched 0-30 s (30 s), b 1-11 s (10 s): 3.5 s of 40 s stalled.
        assertThat(live.getWatchTimeMillis()).isEqualTo(40_000);
        assertThat(live.getRebufferBasisPoints()).isEqualTo(875);
        assertThat(live.getPlaybackFailures()).isOne();
        assertThat(live.getExitsBeforeFirstFrame()).isOne();
        assertThat(latestPer(ViewMode.LIVE, AudienceMetricType.FAILURE, AudienceMetric::getFailureReason))
                .containsExactly(Map.entry("segment-unreachable", 1L));
        assertThat(latestPer(ViewMode.REPLAY, AudienceMetricType.FAILURE, AudienceMetric::getFailureReason))
                .containsExactly(Map.entry("playlist-unreachable", 1L));
        assertThat(latest(ViewMode.REPLAY, AudienceMetricType.TOTAL).getViews()).isZero();
        // a: 0-8 s at 720p (named at 0), 8-30 s at 360p; b: 1-11 s at 720p.
        assertThat(latestPer(ViewMode.LIVE, AudienceMetricType.RENDITION, AudienceMetric::getRendition))
                .containsExactly(Map.entry("360p", 22_000L), Map.entry("720p", 18_000L));
    }

    @Test
    void aPlayerCannotClaimMoreStallingThanTimePassedAndALateEndStillReports() throws Exception {
        feed(
                beacon("z", BeaconType.VIEW_START, 0).setStartupMillis(500L),
                // A made-up day of stalling, reported 10 s later: at most those 10 s (and the slack) count.
                beacon("z", BeaconType.HEARTBEAT, 10).setRebufferCount(100_000).setRebufferMillis(86_400_000L),
                beacon("y", BeaconType.VIEW_START, 11).setStartupMillis(700L),
                beacon("y", BeaconType.HEARTBEAT, 15).setRebufferCount(1).setRebufferMillis(1_000L));
        advanceTo(T0.plusSeconds(200).toEpochMilli()); // y expires; its end comes after
        feed(beacon("y", BeaconType.VIEW_END, 40).setRebufferCount(2).setRebufferMillis(4_000L));
        advanceTo(T0.plusSeconds(400).toEpochMilli());

        AudienceMetric live = latest(ViewMode.LIVE, AudienceMetricType.TOTAL);
        assertThat(live.getRebufferMillis())
                .as("z: the 10 s since its start + 2 s slack; y: 1 s, then 3 s more at its late end")
                .isEqualTo(12_000 + 4_000);
        assertThat(live.getRebuffers())
                .as("z: at most a stall a second (13); y: 2")
                .isEqualTo(13 + 2);
    }

    @Test
    void aModeCountsAtMostTwelveRenditions() throws Exception {
        for (int i = 0; i < AudienceFunction.MAX_RENDITIONS + 3; i++) {
            feed(
                    beacon("s" + i, BeaconType.VIEW_START, i).setRendition((100 + i) + "p"),
                    beacon("s" + i, BeaconType.VIEW_END, i + 1));
        }
        advanceTo(T0.plusSeconds(200).toEpochMilli());

        assertThat(latestPer(ViewMode.LIVE, AudienceMetricType.RENDITION, AudienceMetric::getRendition))
                .hasSize(AudienceFunction.MAX_RENDITIONS);
    }

    @Test
    void theSameInputGivesTheSameRecordsAndIds() throws Exception {
        KeyedTwoInputStreamOperatorTestHarness<String, Beacon, PaymentFact, AudienceMetric> first = harness;
        List<Beacon> script = List.of(
                beacon("a", BeaconType.VIEW_START, 0).build(),
                beacon("b", BeaconType.VIEW_START, 4).build(),
                beacon("a", BeaconType.HEARTBEAT, 10).build(),
                beacon("a", BeaconType.VIEW_END, 12).build());
        for (Beacon beacon : script) {
            first.processElement1(beacon, beacon.getOccurredAt().toEpochMilli());
        }
        first.processBothWatermarks(new Watermark(T0.plusSeconds(100).toEpochMilli()));
        try (KeyedTwoInputStreamOperatorTestHarness<String, Beacon, PaymentFact, AudienceMetric> second =
                newHarness()) {
            for (Beacon beacon : script) {
                second.processElement1(beacon, beacon.getOccurredAt().toEpochMilli());
            }
            second.processBothWatermarks(new Watermark(T0.plusSeconds(100).toEpochMilli()));
            assertThat(second.extractOutputValues()).isNotEmpty().isEqualTo(first.extractOutputValues());
        }
    }

    @Test
    void stateClassesAreFlinkPojos() {
        for (Class<?> type : List.of(
                SessionState.class,
                ConcurrencyCounts.class,
                ModeTotals.class,
                AudienceTotals.class,
                SessionQuality.class)) {
            assertThat(TypeInformation.of(type)).as(type.getSimpleName()).isInstanceOf(PojoTypeInfo.class);
        }
    }

    private static KeyedTwoInputStreamOperatorTestHarness<String, Beacon, PaymentFact, AudienceMetric> newHarness()
            throws Exception {
        return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new AudienceFunction(), Beacon::getLiveId, PaymentFact::getLiveId, Types.STRING);
    }

    /** Beacons in the order given, the watermark following {@link #OUT_OF_ORDERNESS} behind the latest. */
    private void feed(Beacon.Builder... beacons) throws Exception {
        for (Beacon.Builder builder : beacons) {
            Beacon beacon = builder.build();
            long at = beacon.getOccurredAt().toEpochMilli();
            harness.processElement1(beacon, at);
            advanceTo(at - OUT_OF_ORDERNESS.toMillis());
        }
    }

    private void send(PaymentFact... facts) throws Exception {
        for (PaymentFact fact : facts) {
            harness.processElement2(fact, fact.getOccurredAt().toEpochMilli());
        }
    }

    private void advanceTo(long time) throws Exception {
        if (time > watermark) {
            watermark = time;
            harness.processBothWatermarks(new Watermark(time));
        }
    }

    private long keysWith(String state) throws Exception {
        try (var keys = harness.getOperator().<String>getKeyedStateBackend().getKeys(state, VoidNamespace.INSTANCE)) {
            return keys.count();
        }
    }

    /** CONCURRENCY samples of the mode, in order, as "seconds after T0=viewers". */
    private List<String> samples(ViewMode mode) {
        return harness.extractOutputValues().stream()
                .filter(m -> m.getType() == AudienceMetricType.CONCURRENCY && m.getMode() == mode)
                .map(m -> Duration.between(T0, m.getAt()).toSeconds() + "s=" + m.getConcurrentViewers())
                .toList();
    }

    private AudienceMetric latest(ViewMode mode, AudienceMetricType type) {
        List<AudienceMetric> records = harness.extractOutputValues().stream()
                .filter(m -> m.getType() == type && m.getMode() == mode)
                .toList();
        assertThat(records).as("%s %s records", mode, type).isNotEmpty();
        return records.get(records.size() - 1);
    }

    /** The latest FAILURE count per reason, or RENDITION watch time per rendition, of a mode. */
    private Map<String, Long> latestPer(
            ViewMode mode, AudienceMetricType type, java.util.function.Function<AudienceMetric, String> name) {
        Map<String, Long> latest = new TreeMap<>();
        harness.extractOutputValues().stream()
                .filter(m -> m.getType() == type && m.getMode() == mode)
                .forEach(m -> latest.put(
                        name.apply(m),
                        type == AudienceMetricType.FAILURE ? m.getPlaybackFailures() : m.getWatchTimeMillis()));
        return latest;
    }

    /** The latest retention value per minute. */
    private Map<Integer, Integer> retention(ViewMode mode) {
        Map<Integer, Integer> latest = new TreeMap<>();
        harness.extractOutputValues().stream()
                .filter(m -> m.getType() == AudienceMetricType.RETENTION && m.getMode() == mode)
                .forEach(m -> latest.put(m.getRetentionMinute(), m.getRetentionBasisPoints()));
        return latest;
    }

    private static Beacon.Builder beacon(String session, BeaconType type, long secondsAfterT0) {
        Instant at = T0.plusSeconds(secondsAfterT0);
        return SampleEvents.beacon(LIVE, session)
                .setType(type)
                .setOccurredAt(at)
                .setClientTime(at)
                .setReceivedAt(at);
    }

    private static PaymentFact.Builder payment(String ticket, PaymentEventType type, long secondsAfterT0) {
        return SampleEvents.payment(LIVE, ticket).setType(type).setOccurredAt(T0.plusSeconds(secondsAfterT0));
    }
}
