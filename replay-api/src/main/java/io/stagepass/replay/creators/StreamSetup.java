package io.stagepass.replay.creators;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a creator pushes a live to ingest with a stream key: the exact ffmpeg commands (MPEG-TS or fMP4 segments over
 * HTTP PUT) and OBS's settings. The key is in the URL, so all of this is shown once, with the key.
 */
public record StreamSetup(String ingestUrl, String ffmpeg, String ffmpegFmp4, String end, Map<String, String> obs) {

    public static StreamSetup of(String ingestBase, String streamKey) {
        String base = ingestBase.replaceAll("/+$", "");
        String url = base + "/live/" + streamKey + "/index.m3u8";
        Map<String, String> obs = new LinkedHashMap<>();
        obs.put("Settings → Output → Output Mode", "Advanced");
        obs.put("Recording → Type", "Custom Output (FFmpeg)");
        obs.put("FFmpeg Output Type", "Output to URL");
        obs.put("File path or URL", url + " (with the muxer settings below)");
        obs.put("Container Format", "hls");
        obs.put("Muxer Settings", "hls_time=2 hls_list_size=6 method=PUT");
        obs.put("Video Encoder", "libx264 (or libopenh264), keyframe interval 2 s");
        obs.put("Audio Encoder", "aac");
        obs.put("Then", "Start Recording: OBS pushes segments to ingest as they are cut");
        return new StreamSetup(
                url,
                "ffmpeg -re -i INPUT -c:v libx264 -g 50 -c:a aac -f hls -hls_time 2 -method PUT " + url,
                "ffmpeg -re -i INPUT -c:v libx264 -g 50 -c:a aac -f hls -hls_time 2 -hls_segment_type fmp4 -method PUT "
                        + url,
                "curl -X POST " + base + "/live/" + streamKey + "/end",
                obs);
    }
}
