package io.stagepass.ingest.rtmp;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.ingest.stage.ReturnFeed;
import io.stagepass.media.Decoder;
import io.stagepass.media.ElementaryStreams;
import io.stagepass.media.Muxer;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one publishing connection's frames to the live's {@link ReturnFeed}: while a guest watches, the H.264 and AAC
 * frames as they arrive are remuxed into a fragmented MP4 (one fragment per video frame, the audio since the last one
 * with it), never re-encoded. It starts at a keyframe, and again when the encoder's configuration changes. A failure
 * here only stops the return feed, never the live.
 */
final class ReturnTap implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ReturnTap.class);
    private static final AVRational MILLIS = av_make_q(1, 1000);

    private final String liveId;
    private final ReturnFeed feed;
    private final AVPacket packet = av_packet_alloc();
    private byte[] avcC;
    private byte[] audioConfig;
    private AudioSpecificConfig audio;
    private Muxer muxer;
    private int videoIndex = -1;
    private int audioIndex = -1;
    private long baseMillis;
    private long lastVideoDts = Long.MIN_VALUE;
    private long lastAudioDts = Long.MIN_VALUE;
    private boolean failed;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();

    ReturnTap(String liveId, ReturnFeed feed) {
        this.liveId = liveId;
        this.feed = feed;
    }

    void videoConfig(byte[] record) {
        if (avcC != null && !java.util.Arrays.equals(avcC, record)) {
            stop(); // new parameters: a new stream from the next keyframe
            failed = false; // and another try, if the last one failed
        }
        avcC = record;
    }

    void audioConfig(byte[] config) {
        try {
            AudioSpecificConfig parsed = AudioSpecificConfig.parse(config);
            if (audioConfig != null && !java.util.Arrays.equals(audioConfig, config)) {
                stop();
            }
            audio = parsed;
            audioConfig = config;
        } catch (ProtocolException e) {
            audio = null; // the segmenter refuses it; the feed goes without sound
        }
    }

    void video(long dts, int compositionMillis, boolean keyframe, byte[] data) {
        if (failed || avcC == null) {
            return;
        }
        if (!feed.wanted()) {
            stop();
            return;
        }
        try {
            if (muxer == null) {
                if (!keyframe) {
                    return;
                }
                begin(dts, data);
            }
            long at = Math.max(dts - baseMillis, lastVideoDts == Long.MIN_VALUE ? 0 : lastVideoDts + 1);
            lastVideoDts = at;
            write(videoIndex, data, at + Math.max(0, compositionMillis), at, keyframe);
            pending.reset();
            muxer.flush(); // one fragment: this frame and the sound since the last
            byte[] fragment = pending.toByteArray();
            if (fragment.length > 0) {
                feed.fragment(fragment, keyframe);
            }
        } catch (RuntimeException e) {
            failed = true;
            LOG.warn("live {}: the return feed stopped: {}", liveId, e.getMessage());
            stop();
        }
    }

    void audio(long dts, byte[] data) {
        if (failed || muxer == null || audioIndex < 0) {
            return;
        }
        try {
            long at = dts - baseMillis;
            if (at < 0) {
                return;
            }
            at = Math.max(at, lastAudioDts == Long.MIN_VALUE ? 0 : lastAudioDts + 1);
            lastAudioDts = at;
            write(audioIndex, data, at, at, true);
        } catch (RuntimeException e) {
            failed = true;
            LOG.warn("live {}: the return feed stopped: {}", liveId, e.getMessage());
            stop();
        }
    }

    private void begin(long dts, byte[] keyframe) {
        baseMillis = dts;
        lastVideoDts = Long.MIN_VALUE;
        lastAudioDts = Long.MIN_VALUE;
        muxer = Muxer.toSink("mp4", "the return feed of live " + liveId, pending::writeBytes);
        AVCodecParameters video = ElementaryStreams.h264(avcC);
        try {
            // MP4 must know the picture's size: the first keyframe says it.
            try (Decoder decoder = Decoder.open(video)) {
                ElementaryStreams.fill(packet, keyframe, 0, 0, 0, true);
                AVFrame picture = decoder.decodeKeyframe(packet);
                org.bytedeco.ffmpeg.global.avcodec.av_packet_unref(packet);
                if (picture == null) {
                    throw new io.stagepass.media.MediaException("the first keyframe does not decode");
                }
                video.width(picture.width()).height(picture.height());
            }
            videoIndex = muxer.addStream(video, MILLIS).index();
        } finally {
            ElementaryStreams.free(video);
        }
        audioIndex = -1;
        if (audio != null) {
            AVCodecParameters sound = ElementaryStreams.aac(audioConfig, audio.sampleRate(), audio.channels());
            try {
                audioIndex = muxer.addStream(sound, MILLIS).index();
            } finally {
                ElementaryStreams.free(sound);
            }
        }
        pending.reset();
        muxer.start(Map.of("movflags", "frag_custom+empty_moov+default_base_moof"));
        muxer.flush();
        byte[] init = pending.toByteArray();
        pending.reset();
        feed.start(mime(), init, System.currentTimeMillis());
    }

    /** The type a browser's MediaSource needs: avc1.PPCCLL from the configuration record, and AAC's object type. */
    String mime() {
        String codecs = String.format("avc1.%02x%02x%02x", avcC[1] & 0xff, avcC[2] & 0xff, avcC[3] & 0xff);
        if (audioIndex >= 0) {
            codecs += ", mp4a.40." + audio.objectType();
        }
        return "video/mp4; codecs=\"" + codecs + "\"";
    }

    private void write(int index, byte[] data, long pts, long dts, boolean key) {
        AVRational timeBase = muxer.stream(index).time_base();
        ElementaryStreams.fill(
                packet, data, index, av_rescale_q(pts, MILLIS, timeBase), av_rescale_q(dts, MILLIS, timeBase), key);
        muxer.writeInOrder(packet);
    }

    private void stop() {
        if (muxer != null) {
            muxer.close();
            muxer = null;
        }
    }

    @Override
    public void close() {
        stop();
        av_packet_free(packet);
    }
}
