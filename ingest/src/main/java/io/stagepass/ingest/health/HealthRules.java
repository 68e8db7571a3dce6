package io.stagepass.ingest.health;

import io.stagepass.events.HealthVerdict;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The verdict a creator sees, as YouTube's Live Control Room gives one: POOR when viewers are hurt now (no audio, a
 * codec browsers cannot play, keyframes too far apart for players to start and switch, media arriving slower than
 * real time, silence), GOOD when something should be changed before it hurts, EXCELLENT otherwise. Every reason says
 * what was measured and what to set.
 */
public final class HealthRules {
    /** Players start and cut at keyframes: 2 s is what every platform asks for; beyond 4 s a viewer waits. */
    static final long KEYFRAME_GOOD_MILLIS = 2_500;

    static final long KEYFRAME_POOR_MILLIS = 4_000;
    static final int FPS_POOR_X100 = 1_500;
    static final int FPS_GOOD_X100 = 2_400;
    static final int REALTIME_POOR = 800;
    static final int REALTIME_GOOD = 950;
    static final long SILENCE_POOR_MILLIS = 10_000;
    static final int RECONNECTS_POOR = 3;

    /** A verdict and its reasons, worst first. */
    public record Verdict(HealthVerdict verdict, List<String> reasons) {}

    private HealthRules() {}

    static Verdict judge(Measured m) {
        List<String> poor = new ArrayList<>();
        List<String> good = new ArrayList<>();
        if (m.refusal() != null) {
            poor.add("refused: " + m.refusal());
        }
        // Segments as long as the keyframe interval arrive that far apart: only longer silence is the encoder away.
        if (m.silentMillis() > Math.max(SILENCE_POOR_MILLIS, m.lastSegmentMillis() * 3 / 2)) {
            poor.add("no media for " + m.silentMillis() / 1000 + " s: the encoder is not sending (check its network"
                    + " and that it is still streaming)");
        }
        if (m.unreadable() > 0) {
            poor.add(m.unreadable() + " of " + m.probed()
                    + " segments could not be read: check the encoder's output format (MPEG-TS with H.264 and AAC)");
        }
        if (m.probed() > m.unreadable()) {
            judgeMedia(m, poor, good);
        } else if (m.segments() > 0 && m.probed() == 0) {
            good.add("codecs, frame rate and keyframes are not measured for fMP4 segments: push MPEG-TS (ffmpeg's HLS"
                    + " default) or RTMP to have them checked");
        }
        if (m.reconnects() >= RECONNECTS_POOR) {
            poor.add(reconnected(m.reconnects()));
        } else if (m.reconnects() > 0) {
            good.add(reconnected(m.reconnects()));
        }
        if (m.missingSegments() > 0) {
            good.add(m.missingSegments() + " segment" + (m.missingSegments() == 1 ? "" : "s")
                    + " missing: the encoder's upload is losing data (a slower connection than the bitrate needs)");
        }
        List<String> reasons = new ArrayList<>(poor);
        reasons.addAll(good);
        HealthVerdict verdict =
                !poor.isEmpty() ? HealthVerdict.POOR : !good.isEmpty() ? HealthVerdict.GOOD : HealthVerdict.EXCELLENT;
        return new Verdict(verdict, List.copyOf(reasons));
    }

    private static void judgeMedia(Measured m, List<String> poor, List<String> good) {
        if (m.videoCodec() == null) {
            poor.add("no video: add a video source (a camera, a window or display capture)");
        } else if (!"h264".equals(m.videoCodec())) {
            poor.add("video codec " + m.videoCodec() + ": browsers cannot all play it; set the encoder to H.264");
        }
        if (m.audioCodec() == null) {
            poor.add("no audio: add a microphone or an audio source (viewers hear nothing)");
        } else if (!"aac".equals(m.audioCodec())) {
            poor.add("audio codec " + m.audioCodec() + ": set the encoder's audio to AAC");
        }
        Long keyframes = m.keyframeIntervalMillis();
        if (keyframes != null && keyframes > KEYFRAME_POOR_MILLIS) {
            poor.add(keyframeReason(keyframes));
        } else if (keyframes != null && keyframes > KEYFRAME_GOOD_MILLIS) {
            good.add(keyframeReason(keyframes));
        }
        Integer fps = m.framesPerSecondX100();
        if (fps != null && fps < FPS_POOR_X100) {
            poor.add(fpsReason(fps));
        } else if (fps != null && fps < FPS_GOOD_X100) {
            good.add(fpsReason(fps));
        }
        Integer realtime = m.realtimePermille();
        if (realtime != null && realtime < REALTIME_POOR) {
            poor.add(realtimeReason(realtime));
        } else if (realtime != null && realtime < REALTIME_GOOD) {
            good.add(realtimeReason(realtime));
        }
        Long bitrate = m.videoBitsPerSecond();
        Integer height = m.height();
        if (bitrate != null && height != null) {
            if (height >= 1080 && bitrate < 3_000_000) {
                good.add(bitrateReason(bitrate, "1080p", "4.5–6 Mb/s"));
            } else if (height >= 720 && height < 1080 && bitrate < 1_500_000) {
                good.add(bitrateReason(bitrate, "720p", "2.5–4 Mb/s"));
            }
        }
    }

    private static String keyframeReason(long millis) {
        return "keyframe interval " + seconds(millis)
                + " s: set it to 2 s (OBS: Settings → Output → Keyframe Interval 2)";
    }

    private static String fpsReason(int fpsX100) {
        return "frame rate " + fps(fpsX100)
                + " fps: the encoder is dropping frames or the source is slow (30 fps recommended)";
    }

    private static String realtimeReason(int permille) {
        return "media arrives at " + String.format(Locale.ROOT, "%.2f", permille / 1000.0)
                + "× real time: lower the bitrate or the resolution, or use a faster connection";
    }

    private static String bitrateReason(long bits, String resolution, String recommended) {
        return "video bitrate " + String.format(Locale.ROOT, "%.1f", bits / 1_000_000.0) + " Mb/s is low for "
                + resolution + ": " + recommended + " recommended";
    }

    private static String reconnected(int times) {
        return "the encoder reconnected " + times + " time" + (times == 1 ? "" : "s")
                + " in the last 5 minutes: check its network";
    }

    /** 10000 and 9999 → "10", 2500 → "2.5". */
    static String seconds(long millis) {
        String text = String.format(Locale.ROOT, "%.1f", millis / 1000.0);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }

    private static String fps(int x100) {
        return x100 % 100 == 0 ? Integer.toString(x100 / 100) : String.format(Locale.ROOT, "%.2f", x100 / 100.0);
    }
}
