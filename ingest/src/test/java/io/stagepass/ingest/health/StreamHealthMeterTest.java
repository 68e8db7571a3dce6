package io.stagepass.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.HealthVerdict;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamHealthType;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The verdicts a creator sees, from segments described as the probe would read them, on a clock the test moves. */
class StreamHealthMeterTest {
    private final Ticking clock = new Ticking();
    private final StreamHealthMeter meter = new StreamHealthMeter(clock);

    @Test
    void aWellSetEncoderIsExcellentWithEveryMeasure() {
        stream("live_1", 10, 2_000, 2_000, true, 3_000_000);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.EXCELLENT);
        assertThat(fact.getReasons()).isEmpty();
        assertThat(fact.getProtocol()).isEqualTo("rtmp");
        assertThat(fact.getVideoCodec()).isEqualTo("h264");
        assertThat(fact.getVideoProfile()).isEqualTo("High");
        assertThat(fact.getWidth()).isEqualTo(1280);
        assertThat(fact.getHeight()).isEqualTo(720);
        assertThat(fact.getFramesPerSecondX100()).isEqualTo(3000);
        assertThat(fact.getKeyframeIntervalMillis()).isEqualTo(2_000L);
        assertThat(fact.getVideoBitsPerSecond()).isEqualTo(3_000_000L);
        assertThat(fact.getAudioCodec()).isEqualTo("aac");
        assertThat(fact.getAudioBitsPerSecond()).isEqualTo(128_000L);
        assertThat(fact.getRealtimePermille()).isEqualTo(1000);
        assertThat(fact.getSegments()).isEqualTo(10); // 20 s of a 30 s window
        assertThat(fact.getMissingSegments()).isZero();
    }

    @Test
    void thePictureSizeIsReadNowAndThenAndKeptBetween() {
        assertThat(meter.wantsParameters("live_1")).as("a live not seen yet").isTrue();
        stream("live_1", 1, 2_000, 2_000, true, 3_000_000);
        assertThat(meter.wantsParameters("live_1")).isFalse();
        clock.advance(2_000);
        SegmentMedia packetsOnly = new SegmentMedia(
                "h264", null, 0, 0, 60, 750_000, 2_000, 4_000, List.of(2_000L), "aac", 0, 0, 32_000, 2_000, null);
        meter.segment("live_1", "rtmp", 1, false, packetsOnly);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getWidth()).isEqualTo(1280);
        assertThat(fact.getVideoProfile()).isEqualTo("High");
        assertThat(fact.getAudioSampleRate()).isEqualTo(48_000);
        clock.advance(StreamHealthMeter.PARAMETERS.toMillis());
        assertThat(meter.wantsParameters("live_1"))
                .as("read again after a while")
                .isTrue();
    }

    @Test
    void keyframesTenSecondsApartArePoorAndSayWhatToSet() {
        // One keyframe per 10 s segment: the interval is measured across segments.
        stream("live_1", 3, 10_000, 10_000, true, 3_000_000);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.POOR);
        assertThat(fact.getKeyframeIntervalMillis()).isEqualTo(10_000L);
        assertThat(fact.getReasons())
                .containsExactly(
                        "keyframe interval 10 s: set it to 2 s" + " (OBS: Settings → Output → Keyframe Interval 2)");
    }

    @Test
    void threeSecondKeyframesAreOnlyGood() {
        stream("live_1", 8, 3_000, 3_000, true, 3_000_000);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.GOOD);
        assertThat(fact.getReasons()).singleElement().asString().startsWith("keyframe interval 3 s");
    }

    @Test
    void noAudioIsPoor() {
        stream("live_1", 5, 2_000, 2_000, false, 3_000_000);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.POOR);
        assertThat(fact.getAudioCodec()).isNull();
        assertThat(fact.getReasons()).singleElement().asString().startsWith("no audio:");
    }

    @Test
    void mediaArrivingSlowerThanRealTimeIsPoor() {
        // 2 s of media every 2.8 s: the upload cannot keep up.
        stream("live_1", 8, 2_000, 2_800, true, 3_000_000);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.POOR);
        assertThat(fact.getRealtimePermille()).isEqualTo(714);
        assertThat(fact.getReasons()).singleElement().asString().startsWith("media arrives at 0.71× real time");
    }

    @Test
    void aLowBitrateFor720pIsGood() {
        stream("live_1", 5, 2_000, 2_000, true, 900_000);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.GOOD);
        assertThat(fact.getReasons()).containsExactly("video bitrate 0.9 Mb/s is low for 720p: 2.5–4 Mb/s recommended");
    }

    @Test
    void silenceIsPoorUntilTheLiveEndsThenTheLiveIsForgotten() {
        stream("live_1", 3, 2_000, 2_000, true, 3_000_000);
        clock.advance(12_000);

        StreamHealth silent = only(meter.report());
        assertThat(silent.getVerdict()).isEqualTo(HealthVerdict.POOR);
        assertThat(silent.getReasons()).singleElement().asString().startsWith("no media for 12 s");

        meter.ended("live_1");
        assertThat(only(meter.report()).getReasons())
                .as("an ended live is not silent")
                .isEmpty();
        clock.advance(StreamHealthMeter.WINDOW.toMillis());
        assertThat(meter.report()).as("nothing left to report").isEmpty();
        assertThat(meter.size()).isZero();
    }

    @Test
    void tenSecondSegmentsAreNotSilenceBetweenThem() {
        stream("live_1", 2, 10_000, 10_000, true, 3_000_000);
        clock.advance(12_000);

        assertThat(only(meter.report()).getReasons())
                .as("the next 10 s segment is not late yet")
                .noneMatch(r -> r.startsWith("no media"));
        clock.advance(4_000);
        assertThat(only(meter.report()).getReasons()).anyMatch(r -> r.startsWith("no media for 16 s"));
    }

    @Test
    void aLiveThatEndedBeforeItsLastSegmentWasMeasuredIsNotSilent() {
        meter.ended("live_1"); // the end won the race with the segment's measurement
        stream("live_1", 1, 2_000, 2_000, true, 3_000_000);
        clock.advance(20_000);

        assertThat(only(meter.report()).getReasons()).noneMatch(r -> r.startsWith("no media"));
        clock.advance(StreamHealthMeter.WINDOW.toMillis());
        assertThat(meter.report()).isEmpty();
    }

    @Test
    void aSegmentPutTwiceIsMeasuredOnceAndAReconnectPauseIsNotSlowness() {
        stream("live_1", 4, 2_000, 2_000, true, 3_000_000);
        meter.segment("live_1", "hls", 3, false, segment(6_000, 8_000, List.of(6_000L), true, 3_000_000));
        StreamHealth fact = only(meter.report());
        assertThat(fact.getSegments()).isEqualTo(4);
        assertThat(fact.getRealtimePermille()).isEqualTo(1000);

        clock.advance(15_000); // the encoder was away, then streams again in real time
        for (int i = 0; i < 4; i++) {
            long start = i * 2_000L;
            meter.segment(
                    "live_1", "hls", 4 + i, i == 0, segment(start, start + 2_000, List.of(start), true, 3_000_000));
            clock.advance(2_000);
        }
        assertThat(only(meter.report()).getRealtimePermille())
                .as("measured since the reconnect")
                .isEqualTo(1000);
    }

    @Test
    void reconnectsAndMissingSegmentsAreReported() {
        SegmentMedia segment = segment(0, 2_000, List.of(0L), true, 3_000_000);
        meter.segment("live_1", "hls", 0, false, segment);
        clock.advance(2_000);
        meter.segment("live_1", "hls", 1, false, segment(2_000, 4_000, List.of(2_000L), true, 3_000_000));
        clock.advance(2_000);
        // the encoder came back (a new timeline from 0), and sequence 2 never arrived
        meter.segment("live_1", "hls", 3, true, segment);

        StreamHealth fact = only(meter.report());
        assertThat(fact.getReconnects()).isEqualTo(1);
        assertThat(fact.getMissingSegments()).isEqualTo(1);
        assertThat(fact.getKeyframeIntervalMillis())
                .as("no interval across the reconnect")
                .isEqualTo(2_000L);
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.GOOD);
        assertThat(fact.getReasons())
                .containsExactly(
                        "the encoder reconnected 1 time in the last 5 minutes: check its network",
                        "1 segment missing: the encoder's upload is losing data (a slower connection than the bitrate"
                                + " needs)");
    }

    @Test
    void aRefusalIsReportedAtOnceWithItsReasonAndClearsWhenMediaFlows() {
        meter.refused("live_1", "rtmps", "video codec HEVC (Enhanced RTMP) is not played by every browser");

        StreamHealth fact = only(meter.report());
        assertThat(fact.getVerdict()).isEqualTo(HealthVerdict.POOR);
        assertThat(fact.getProtocol()).isEqualTo("rtmps");
        assertThat(fact.getType()).isEqualTo(StreamHealthType.REFUSED);
        assertThat(fact.getSegments()).isZero();
        assertThat(fact.getReasons())
                .containsExactly("refused: video codec HEVC (Enhanced RTMP) is not played by every browser");

        stream("live_1", 5, 2_000, 2_000, true, 3_000_000);
        assertThat(only(meter.report()).getVerdict()).isEqualTo(HealthVerdict.EXCELLENT);
    }

    @Test
    void anUnreadableSegmentIsPoorAndAnUnmeasuredOneIsNotJudged() {
        meter.segment("live_1", "hls", 0, false, SegmentMedia.unreadable("FFmpeg could not open: Invalid data"));
        assertThat(only(meter.report()).getReasons())
                .singleElement()
                .asString()
                .startsWith("1 of 1 segments could not be read");

        meter.segment("live_2", "hls", 0, false, null); // fMP4
        StreamHealth fmp4 = meter.report().stream()
                .filter(f -> f.getLiveId().equals("live_2"))
                .findFirst()
                .orElseThrow();
        assertThat(fmp4.getVerdict()).isEqualTo(HealthVerdict.GOOD);
        assertThat(fmp4.getReasons()).singleElement().asString().startsWith("codecs, frame rate and keyframes are not");
        assertThat(fmp4.getVideoCodec()).isNull();
        assertThat(fmp4.getSegments()).isEqualTo(1);
    }

    /** {@code count} segments of {@code length} ms, each one keyframe long, arriving one every {@code every} ms. */
    private void stream(String liveId, int count, long length, long every, boolean audio, long bitsPerSecond) {
        for (int i = 0; i < count; i++) {
            long start = i * length;
            meter.segment(
                    liveId, "rtmp", i, false, segment(start, start + length, List.of(start), audio, bitsPerSecond));
            if (i < count - 1) {
                clock.advance(every);
            }
        }
    }

    private static SegmentMedia segment(long start, long end, List<Long> keyframes, boolean audio, long bits) {
        long millis = end - start;
        return new SegmentMedia(
                "h264",
                "High",
                1280,
                720,
                millis * 30 / 1000,
                bits * millis / 8_000,
                start,
                end,
                keyframes,
                audio ? "aac" : null,
                audio ? 48_000 : 0,
                audio ? 2 : 0,
                audio ? 128_000L * millis / 8_000 : 0,
                audio ? millis : 0,
                null);
    }

    private static StreamHealth only(List<StreamHealth> facts) {
        assertThat(facts).hasSize(1);
        return facts.get(0);
    }

    private static final class Ticking extends Clock {
        private long millis = Instant.parse("2026-12-04T18:00:00Z").toEpochMilli();

        void advance(long by) {
            millis += by;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }
    }
}
