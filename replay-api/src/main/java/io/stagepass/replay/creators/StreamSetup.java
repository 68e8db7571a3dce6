package io.stagepass.replay.creators;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a creator streams a live with its stream key: OBS's usual "Custom" streaming settings (server and stream key
 * over RTMP), the same as an ffmpeg command, and HLS over HTTP PUT for encoders that push segments (MPEG-TS or fMP4).
 * The key is in these, so all of this is shown once, with the key.
 *
 * @param rtmpServer OBS's "Server" (rtmp://HOST/live); the stream key is OBS's "Stream Key"
 * @param ffmpegRtmp the same push from the ffmpeg command line
 * @param ingestUrl  the HLS playlist URL for pushes over HTTP PUT
 * @param end        ends the live without the encoder (stopping an RTMP stream ends it too)
 * @param obs        OBS's settings, in the order its Settings window shows them
 */
public record StreamSetup(
        String rtmpServer,
        String ffmpegRtmp,
        String ingestUrl,
        String ffmpeg,
        String ffmpegFmp4,
        String end,
        Map<String, String> obs) {
    /** Stands for the key where it is not shown (it is shown once, when made): the creator pastes their own. */
    public static final String KEY_PLACEHOLDER = "YOUR_STREAM_KEY";

    /** A keyframe every 2 s whatever the frame rate: segments are cut at keyframes. */
    private static final String KEYFRAMES = "-force_key_frames 'expr:gte(t,n_forced*2)'";

    public static StreamSetup of(String rtmpServer, String ingestBase, String streamKey) {
        String base = ingestBase.replaceAll("/+$", "");
        String server = rtmpServer.replaceAll("/+$", "");
        String url = base + "/live/" + streamKey + "/index.m3u8";
        Map<String, String> obs = new LinkedHashMap<>();
        obs.put("Settings → Stream → Service", "Custom...");
        obs.put("Server", server);
        obs.put("Stream Key", streamKey);
        obs.put("Settings → Output → Output Mode", "Advanced");
        obs.put(
                "Streaming → Video Encoder",
                "x264, or your GPU's H.264 encoder (NVENC H.264, Quick Sync H.264, AMD HW H.264, Apple VT H.264); not HEVC or AV1");
        obs.put("Streaming → Rate Control", "CBR, 2500 to 6000 Kbps for 720p to 1080p");
        obs.put("Streaming → Keyframe Interval", "2 s");
        obs.put("Audio → Audio Encoder", "AAC (FFmpeg AAC or CoreAudio AAC), 128 to 160 Kbps");
        obs.put(
                "Then",
                "Start Streaming. Stop Streaming ends the live; if the network drops, OBS reconnects and the live goes on");
        return new StreamSetup(
                server,
                "ffmpeg -re -i INPUT -c:v libx264 " + KEYFRAMES + " -c:a aac -f flv " + server + "/" + streamKey,
                url,
                "ffmpeg -re -i INPUT -c:v libx264 -g 50 -c:a aac -f hls -hls_time 2 -method PUT " + url,
                "ffmpeg -re -i INPUT -c:v libx264 -g 50 -c:a aac -f hls -hls_time 2 -hls_segment_type fmp4 -method PUT "
                        + url,
                "curl -X POST " + base + "/live/" + streamKey + "/end",
                obs);
    }
}
