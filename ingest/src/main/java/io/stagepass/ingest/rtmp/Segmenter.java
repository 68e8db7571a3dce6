package io.stagepass.ingest.rtmp;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.media.ElementaryStreams;
import io.stagepass.media.Muxer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Cuts one RTMP connection's H.264 and AAC frames into MPEG-TS segments with FFmpeg's muxer, without re-encoding.
 * A segment starts at a video keyframe once the current one holds at least {@code target} of video (a stream with no
 * video is cut on its audio), so segments are as long as the encoder's keyframe interval allows. Each segment is a
 * complete MPEG-TS file (its own PAT/PMT, SPS/PPS before the keyframe, ADTS audio) on the RTMP timeline, handed to
 * the sink with its measured duration: the time to the next segment's first frame, or for the last one, to its last
 * frame plus one frame. A segment larger than {@code maxSegmentBytes} (no keyframe for too long) or a clock that jumps
 * by more than 10 s refuses the stream: the scratch file never grows past the spool's largest segment.
 */
final class Segmenter implements AutoCloseable {
    private static final AVRational MILLIS = av_make_q(1, 1000);

    /** Receives each finished segment; the file is the sink's from then on. */
    interface Sink {
        void segment(long sequence, Path file, long durationMicros) throws Exception;
    }

    /** Gives a fresh temporary file for the next segment. */
    interface Scratch {
        Path next() throws IOException;
    }

    /** A jump of the publisher's clock beyond this is not a live going on: the connection is refused. */
    private static final long MAX_JUMP_MILLIS = 10_000;

    private final long targetMillis;
    private final long maxSegmentBytes;
    private final Scratch scratch;
    private final Sink sink;
    private final AVPacket packet = av_packet_alloc();
    private byte[] avcC;
    private AudioSpecificConfig audio;
    private byte[] audioConfig;
    private boolean configChanged;
    private Segment current;
    private long nextSequence;
    private long lastVideoDts = Long.MIN_VALUE;
    private long frameMillis;
    private long frames;

    /** The segment being written: its muxer, file, stream indexes and the last timestamps of each stream. */
    private static final class Segment {
        final Muxer muxer;
        final Path file;
        final int videoIndex;
        final int audioIndex;
        final long startMillis;
        long lastVideoDts = Long.MIN_VALUE;
        long lastAudioDts = Long.MIN_VALUE;
        long bytes;

        Segment(Muxer muxer, Path file, int videoIndex, int audioIndex, long startMillis) {
            this.muxer = muxer;
            this.file = file;
            this.videoIndex = videoIndex;
            this.audioIndex = audioIndex;
            this.startMillis = startMillis;
        }
    }

    Segmenter(long targetMillis, long maxSegmentBytes, Scratch scratch, Sink sink) {
        this.targetMillis = targetMillis;
        this.maxSegmentBytes = maxSegmentBytes;
        this.scratch = scratch;
        this.sink = sink;
    }

    void videoConfig(byte[] record) {
        if (!Arrays.equals(record, avcC)) {
            configChanged = avcC != null;
            avcC = record;
        }
    }

    void audioConfig(byte[] config) throws ProtocolException {
        if (!Arrays.equals(config, audioConfig)) {
            audio = AudioSpecificConfig.parse(config);
            configChanged |= audioConfig != null; // its ADTS headers change: from the next keyframe on
            audioConfig = config;
        }
    }

    boolean hasVideo() {
        return avcC != null;
    }

    /** Frames written so far (video and audio). */
    long frames() {
        return frames;
    }

    void video(long dts, int compositionMillis, boolean keyframe, byte[] data) throws Exception {
        if (avcC == null) {
            return; // no configuration record yet: nothing could decode it
        }
        if (lastVideoDts != Long.MIN_VALUE && dts - lastVideoDts > MAX_JUMP_MILLIS) {
            throw new ProtocolException("video timestamps jumped by " + (dts - lastVideoDts) + " ms");
        }
        if (keyframe
                && (current == null
                        || current.videoIndex < 0
                        || configChanged
                        || dts - current.startMillis >= targetMillis)) {
            cut(dts);
        }
        if (current == null || current.videoIndex < 0) {
            return; // frames before the first keyframe cannot be decoded: they belong to no segment
        }
        if (lastVideoDts != Long.MIN_VALUE && dts > lastVideoDts) {
            frameMillis = dts - lastVideoDts;
        }
        lastVideoDts = Math.max(lastVideoDts, dts);
        long safeDts = current.lastVideoDts == Long.MIN_VALUE ? dts : Math.max(dts, current.lastVideoDts + 1);
        current.lastVideoDts = safeDts;
        write(current.videoIndex, data, safeDts + Math.max(0, compositionMillis), safeDts, keyframe);
    }

    void audio(long dts, byte[] data) throws Exception {
        if (audio == null) {
            return;
        }
        if (avcC == null && (current == null || dts - current.startMillis >= targetMillis)) {
            cut(dts); // an audio-only stream
        }
        if (current == null || current.audioIndex < 0) {
            return; // audio before the first video keyframe, or a configuration that came after the segment began
        }
        long safeDts = current.lastAudioDts == Long.MIN_VALUE ? dts : Math.max(dts, current.lastAudioDts + 1);
        current.lastAudioDts = safeDts;
        if (avcC == null) {
            lastVideoDts = Math.max(lastVideoDts, safeDts);
        }
        write(current.audioIndex, data, safeDts, safeDts, true);
    }

    private void write(int index, byte[] data, long pts, long dts, boolean key) throws UnsupportedMediaException {
        current.bytes += data.length;
        if (current.bytes > maxSegmentBytes) {
            long seconds = (dts - current.startMillis) / 1000;
            discard(); // too large to store: it would be refused anyway
            throw new UnsupportedMediaException("no keyframe for " + seconds
                    + " s, and a segment would exceed " + maxSegmentBytes / (1024 * 1024)
                    + " MB: set the encoder's keyframe interval to 2 s");
        }
        AVRational timeBase = current.muxer.stream(index).time_base();
        ElementaryStreams.fill(
                packet, data, index, av_rescale_q(pts, MILLIS, timeBase), av_rescale_q(dts, MILLIS, timeBase), key);
        current.muxer.writeInOrder(packet); // RTMP is interleaved already: nothing waits in memory
        frames++;
    }

    /** Ends the current segment at {@code dts} (the first frame of the next) and starts the next one there. */
    private void cut(long dts) throws Exception {
        finish(dts);
        Path file = scratch.next();
        Muxer muxer = Muxer.create("mpegts", file.toString());
        Segment segment = null;
        try {
            int videoIndex = -1;
            int audioIndex = -1;
            if (avcC != null) {
                AVCodecParameters parameters = ElementaryStreams.h264(avcC);
                try {
                    videoIndex = muxer.addStream(parameters, MILLIS).index();
                } finally {
                    ElementaryStreams.free(parameters);
                }
            }
            if (audio != null) {
                AVCodecParameters parameters = ElementaryStreams.aac(audioConfig, audio.sampleRate(), audio.channels());
                try {
                    audioIndex = muxer.addStream(parameters, MILLIS).index();
                } finally {
                    ElementaryStreams.free(parameters);
                }
            }
            muxer.start(Map.of());
            segment = new Segment(muxer, file, videoIndex, audioIndex, dts);
        } finally {
            if (segment == null) {
                muxer.close();
                Files.deleteIfExists(file);
            }
        }
        current = segment;
        configChanged = false;
    }

    /** Finishes the current segment, if any, as lasting until {@code endMillis}, and hands it to the sink. */
    private void finish(long endMillis) throws Exception {
        Segment segment = current;
        if (segment == null) {
            return;
        }
        current = null;
        try (Muxer muxer = segment.muxer) {
            muxer.finish();
        } catch (RuntimeException e) {
            Files.deleteIfExists(segment.file);
            throw e;
        }
        long durationMillis = Math.max(1, endMillis - segment.startMillis);
        sink.segment(nextSequence++, segment.file, durationMillis * 1000);
    }

    /** Hands over the segment in progress (the publisher stopped or went away): it lasts to its last frame plus one. */
    void flush() throws Exception {
        if (current != null) {
            finish(lastVideoDts + Math.max(frameMillis, 1));
        }
    }

    /** Drops the segment in progress, if any, without handing it over. */
    private void discard() {
        Segment segment = current;
        current = null;
        if (segment != null) {
            segment.muxer.close();
            try {
                Files.deleteIfExists(segment.file);
            } catch (IOException e) {
                // a temporary file: the spool deletes it at the next start
            }
        }
    }

    /** Drops the segment in progress (after {@link #flush}, there is none) and frees the packet. */
    @Override
    public void close() {
        discard();
        av_packet_free(packet);
    }
}
