package io.stagepass.ingest.health;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_profile_name;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.media.Demuxer;
import io.stagepass.media.MediaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;

/**
 * Reads a stored MPEG-TS segment with FFmpeg's demuxer, as {@code ffprobe -show_packets} would: the same measurement
 * for a segment an encoder PUT over HLS and one ingest cut from an RTMP push. Packets alone (codecs, frames, bytes,
 * keyframes) cost about 1 ms for 2 s of 720p; the picture size, profile and sample rate need FFmpeg to decode the first
 * frames (about 12 ms), so the meter asks for them only now and then.
 */
public final class SegmentProbe {
    private static final AVRational MILLIS = av_make_q(1, 1000);
    /**
     * A segment is whatever a stream key's holder sent: only the decoders of the codecs we take may be opened to read
     * its parameters, with a bounded read-ahead. Another codec is still named (from the stream's header), not decoded.
     */
    static final Map<String, String> UNTRUSTED = Map.of(
            "codec_whitelist",
            "h264,aac",
            "format_whitelist",
            "mpegts",
            "probesize",
            Integer.toString(4 * 1024 * 1024),
            "analyzeduration",
            Long.toString(3_000_000));

    private SegmentProbe() {}

    /**
     * What the MPEG-TS file holds; a file FFmpeg cannot read is {@link SegmentMedia#unreadable}, never an exception.
     * Without {@code parameters}, the picture size, profile, sample rate and channels are left 0 (or null).
     */
    public static SegmentMedia mpegTs(Path file, boolean parameters) {
        try (Demuxer demuxer = Demuxer.open(file.toString(), "mpegts", parameters, UNTRUSTED)) {
            return read(demuxer);
        } catch (MediaException e) {
            return SegmentMedia.unreadable(e.getMessage());
        } catch (RuntimeException e) { // a measurement never refuses media
            return SegmentMedia.unreadable("FFmpeg could not read it: " + e);
        }
    }

    private static SegmentMedia read(Demuxer demuxer) {
        int video = demuxer.videoStream();
        int audio = demuxer.audioStream();
        String videoCodec = null;
        String profile = null;
        int width = 0;
        int height = 0;
        if (video >= 0) {
            AVCodecParameters parameters = demuxer.stream(video).codecpar();
            videoCodec = avcodec_get_name(parameters.codec_id()).getString();
            BytePointer name = avcodec_profile_name(parameters.codec_id(), parameters.profile());
            profile = name == null || name.isNull() || parameters.profile() < 0 ? null : name.getString();
            width = parameters.width();
            height = parameters.height();
        }
        String audioCodec = null;
        int sampleRate = 0;
        int channels = 0;
        if (audio >= 0) {
            AVCodecParameters parameters = demuxer.stream(audio).codecpar();
            audioCodec = avcodec_get_name(parameters.codec_id()).getString();
            sampleRate = parameters.sample_rate();
            channels = parameters.ch_layout().nb_channels();
        }
        long videoFrames = 0;
        long videoBytes = 0;
        long firstVideo = Long.MAX_VALUE;
        long lastVideo = Long.MIN_VALUE;
        long audioBytes = 0;
        long firstAudio = Long.MAX_VALUE;
        long lastAudioEnd = Long.MIN_VALUE;
        List<Long> keyframes = new ArrayList<>();
        for (AVPacket packet = demuxer.next(); packet != null; packet = demuxer.next()) {
            int index = packet.stream_index();
            AVRational timeBase = demuxer.stream(index).time_base();
            long time = packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
            if (time == AV_NOPTS_VALUE) {
                continue;
            }
            long millis = av_rescale_q(time, timeBase, MILLIS);
            if (index == video) {
                videoFrames++;
                videoBytes += packet.size();
                firstVideo = Math.min(firstVideo, millis);
                lastVideo = Math.max(lastVideo, millis);
                if ((packet.flags() & AV_PKT_FLAG_KEY) != 0) {
                    keyframes.add(millis);
                }
            } else if (index == audio) {
                audioBytes += packet.size();
                firstAudio = Math.min(firstAudio, millis);
                long duration = packet.duration() > 0 ? av_rescale_q(packet.duration(), timeBase, MILLIS) : 0;
                lastAudioEnd = Math.max(lastAudioEnd, millis + duration);
            }
        }
        if (videoFrames == 0) {
            videoCodec = null; // a stream listed with nothing in it: no video
        }
        if (audioBytes == 0) {
            audioCodec = null;
        }
        long videoStart = videoFrames == 0 ? 0 : firstVideo;
        // The last frame lasts as long as the average frame before it.
        long frame = videoFrames > 1 ? (lastVideo - firstVideo) / (videoFrames - 1) : 0;
        long videoEnd = videoFrames == 0 ? 0 : lastVideo + frame;
        keyframes.sort(null);
        return new SegmentMedia(
                videoCodec,
                profile,
                width,
                height,
                videoFrames,
                videoBytes,
                videoStart,
                videoEnd,
                List.copyOf(keyframes),
                audioCodec,
                audioCodec == null ? 0 : sampleRate,
                audioCodec == null ? 0 : channels,
                audioBytes,
                audioCodec == null ? 0 : Math.max(0, lastAudioEnd - firstAudio),
                null);
    }
}
