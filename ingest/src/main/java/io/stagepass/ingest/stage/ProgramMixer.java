package io.stagepass.ingest.stage;

import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_I;
import static org.bytedeco.ffmpeg.global.avutil.AV_PICTURE_TYPE_NONE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_get_buffer;
import static org.bytedeco.ffmpeg.global.avutil.av_q2d;

import io.stagepass.media.Av;
import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.Encoder;
import io.stagepass.media.MediaException;
import io.stagepass.media.Muxer;
import io.stagepass.media.Resampler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * The stage mixer of one run of a live (from a guest coming on stage until nobody is left there): each of the
 * creator's segments is decoded, every picture is composed with the guests' pictures of the same instant, the sound is
 * mixed with theirs, and the result is encoded to H.264 (libopenh264) and AAC at the creator's picture size and frame
 * rate, into a segment of the same span on the creator's own timeline. The encoders live as long as the run, so the
 * program flows on from segment to segment as one stream would; each segment begins with a keyframe.
 *
 * <p>The instant a creator's picture was taken is read on ingest's clock: the segment ended ({@code endWallMicros})
 * when ingest cut it, so a picture {@code d} before the segment's end was taken {@code d} before then.
 */
public final class ProgramMixer implements AutoCloseable {
    /** What one guest brings to the program: their feed, and whether the creator muted them. */
    public record OnStage(GuestFeed feed, boolean muted) {}

    private Encoder video;
    private Encoder audio;
    private int width;
    private int height;
    private int fps;
    private long lastVideoPts = Long.MIN_VALUE;
    private long nextAudioPts = Long.MIN_VALUE;
    private float[][] carry = new float[Resampler.CHANNELS][0];
    private AVCodecParameters videoParameters;
    private AVCodecParameters audioParameters;
    private final TileScaler creatorScaler = new TileScaler();
    /** One for the run: it keeps the samples it holds back between segments, so the sound never drifts. */
    private final Resampler resampler = new Resampler();

    private final List<TileScaler> guestScalers = new ArrayList<>();

    /**
     * Mixes {@code creator} (an MPEG-TS segment of H.264 and AAC lasting {@code durationMicros}) with {@code guests}
     * into {@code out}; a creator's picture of another size than the run's first is fitted into its cell.
     */
    public void mix(
            Path creator, long durationMicros, long endWallMicros, List<OnStage> guests, Layout layout, Path out)
            throws java.io.IOException {
        mix(creator, durationMicros, endWallMicros, guests, layout, out, null);
    }

    /** The same, handing the segment's first composed picture to {@code firstPicture} (the panel's program view). */
    void mix(
            Path creator,
            long durationMicros,
            long endWallMicros,
            List<OnStage> guests,
            Layout layout,
            Path out,
            java.util.function.Consumer<AVFrame> firstPicture)
            throws java.io.IOException {
        boolean first = video == null;
        // The run's first segment is probed for the creator's size and rate; the others are read as they come, with
        // the parameters found then (probing decodes frames of its own, which would be done twice).
        try (Demuxer in = Demuxer.open(creator.toString(), "mpegts", first)) {
            int v = in.videoStream();
            int a = in.audioStream();
            if (v < 0) {
                throw new MediaException("the creator's segment has no picture to put guests beside");
            }
            AVStream videoStream = in.stream(v);
            if (first) {
                open(videoStream.codecpar(), videoStream, Files.size(creator), durationMicros);
                videoParameters = copy(videoStream.codecpar());
                audioParameters = a < 0 ? null : copy(in.stream(a).codecpar());
            }
            float[][] sound;
            try (Muxer muxer = Muxer.create("mpegts", out.toString());
                    Decoder videoDecoder = Decoder.open(videoParameters, 1);
                    Decoder audioDecoder = a < 0 || audioParameters == null ? null : Decoder.open(audioParameters, 1)) {
                video.into(muxer);
                audio.into(muxer);
                muxer.start(Map.of());
                Timeline timeline = new Timeline(endWallMicros, durationMicros);
                List<Decoded> pictures = new ArrayList<>();
                try {
                    SoundCollector collected = new SoundCollector();
                    AVPacket packet;
                    while ((packet = in.next()) != null) {
                        int index = packet.stream_index();
                        AVRational timeBase = in.stream(index).time_base();
                        if (index == v) {
                            videoDecoder.decode(packet, frame -> {
                                long micros = micros(frame.best_effort_timestamp(), timeBase);
                                timeline.saw(micros);
                                pictures.add(new Decoded(micros, cloneFrame(frame)));
                            });
                        } else if (index == a && audioDecoder != null) {
                            audioDecoder.decode(packet, frame -> {
                                long micros = micros(frame.best_effort_timestamp(), timeBase);
                                timeline.saw(micros);
                                collected.add(micros, resampler.convert(frame));
                            });
                        }
                    }
                    videoDecoder.decode(null, frame -> {
                        long micros = micros(frame.best_effort_timestamp(), timeBase(in, v));
                        timeline.saw(micros);
                        pictures.add(new Decoded(micros, cloneFrame(frame)));
                    });
                    boolean keyframe = true; // each segment begins with one
                    for (Decoded picture : pictures) {
                        compose(picture, timeline, guests, layout, keyframe, keyframe ? firstPicture : null);
                        keyframe = false;
                    }
                    long soundStart = collected.start == Long.MIN_VALUE ? timeline.firstMicros : collected.start;
                    int samples = collected.start == Long.MIN_VALUE
                            ? (int) (durationMicros * Resampler.RATE / 1_000_000)
                            : collected.length();
                    sound = collected.samples(samples);
                    for (OnStage guest : guests) {
                        if (!guest.muted()) {
                            add(sound, guest.feed().samples(timeline.wall(soundStart), samples));
                        }
                    }
                    if (nextAudioPts == Long.MIN_VALUE) {
                        nextAudioPts = soundStart * Resampler.RATE / 1_000_000;
                    }
                    encodeSound(sound);
                    muxer.finish();
                } finally {
                    pictures.forEach(picture -> av_frame_free(picture.frame)); // on every path: native memory
                }
            }
        }
    }

    private static AVCodecParameters copy(AVCodecParameters from) {
        AVCodecParameters to = org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc();
        io.stagepass.media.Av.check(
                org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy(to, from), "keep the stream's parameters");
        return to;
    }

    private static AVRational timeBase(Demuxer in, int index) {
        return in.stream(index).time_base();
    }

    private record Decoded(long micros, AVFrame frame) {}

    /** Where this segment's pictures and sound lie on ingest's clock. */
    private static final class Timeline {
        final long endWallMicros;
        final long durationMicros;
        long firstMicros = Long.MAX_VALUE;

        Timeline(long endWallMicros, long durationMicros) {
            this.endWallMicros = endWallMicros;
            this.durationMicros = durationMicros;
        }

        void saw(long micros) {
            if (micros != Long.MIN_VALUE) {
                firstMicros = Math.min(firstMicros, micros);
            }
        }

        long wall(long micros) {
            return endWallMicros - (firstMicros + durationMicros - micros);
        }
    }

    /** The creator's sound of one segment, as 48 kHz stereo, from its first sample on. */
    private static final class SoundCollector {
        long start = Long.MIN_VALUE;
        final List<float[][]> blocks = new ArrayList<>();

        void add(long micros, float[][] block) {
            if (start == Long.MIN_VALUE && micros != Long.MIN_VALUE) {
                start = micros;
            }
            if (block[0].length > 0) {
                blocks.add(block);
            }
        }

        int length() {
            return blocks.stream().mapToInt(b -> b[0].length).sum();
        }

        float[][] samples(int n) {
            float[][] all = new float[Resampler.CHANNELS][n];
            int at = 0;
            for (float[][] block : blocks) {
                int len = Math.min(block[0].length, n - at);
                for (int c = 0; c < Resampler.CHANNELS; c++) {
                    System.arraycopy(block[c], 0, all[c], at, len);
                }
                at += len;
            }
            return all;
        }
    }

    private static long micros(long pts, AVRational timeBase) {
        return pts == AV_NOPTS_VALUE ? Long.MIN_VALUE : Math.round(pts * av_q2d(timeBase) * 1_000_000);
    }

    private static AVFrame cloneFrame(AVFrame frame) {
        return org.bytedeco.ffmpeg.global.avutil.av_frame_clone(frame);
    }

    private void open(AVCodecParameters parameters, AVStream stream, long bytes, long durationMicros) {
        width = parameters.width() & ~1;
        height = parameters.height() & ~1;
        AVRational rate = stream.avg_frame_rate().num() > 0 ? stream.avg_frame_rate() : stream.r_frame_rate();
        fps = rate.num() > 0 && rate.den() > 0 ? (int) Math.max(1, Math.min(60, Math.round(av_q2d(rate)))) : 30;
        long measured = durationMicros > 0 ? bytes * 8 * 1_000_000 / durationMicros : 0;
        long bits = Math.max(1_000_000, Math.min(6_000_000, Math.max(measured, (long) width * height * fps / 12)));
        video = Encoder.h264(width, height, fps, fps * 3600, bits, false);
        audio = Encoder.aac(Resampler.RATE, Resampler.CHANNELS, 128_000, false);
    }

    private void compose(
            Decoded picture,
            Timeline timeline,
            List<OnStage> guests,
            Layout layout,
            boolean keyframe,
            java.util.function.Consumer<AVFrame> shown) {
        AVFrame canvas = blank(width, height);
        try {
            List<Layout.Cell> cells = layout.cells(guests.size(), width, height);
            Layout.Cell creatorCell = cells.get(0).fitted(picture.frame.width(), picture.frame.height());
            creatorScaler.into(
                    picture.frame, canvas, creatorCell.x(), creatorCell.y(), creatorCell.width(), creatorCell.height());
            long wall = timeline.wall(picture.micros);
            for (int i = 0; i < guests.size(); i++) {
                while (guestScalers.size() <= i) {
                    guestScalers.add(new TileScaler());
                }
                AVFrame guest = guests.get(i).feed().pictureAt(wall);
                if (guest == null) {
                    continue; // not yet a picture: the tile stays dark
                }
                try {
                    Layout.Cell cell = cells.get(i + 1).fitted(guest.width(), guest.height());
                    guestScalers.get(i).into(guest, canvas, cell.x(), cell.y(), cell.width(), cell.height());
                } finally {
                    av_frame_free(guest);
                }
            }
            long pts = Math.round(picture.micros * (double) fps / 1_000_000);
            if (lastVideoPts != Long.MIN_VALUE && pts <= lastVideoPts) {
                pts = lastVideoPts + 1;
            }
            lastVideoPts = pts;
            canvas.pts(pts);
            canvas.pict_type(keyframe ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE);
            if (shown != null) {
                shown.accept(canvas);
            }
            video.encode(canvas);
        } finally {
            av_frame_free(canvas);
        }
    }

    /** A black YUV 4:2:0 picture (video range: Y 16, chroma 128). */
    private static AVFrame blank(int width, int height) {
        AVFrame frame = av_frame_alloc();
        frame.format(AV_PIX_FMT_YUV420P).width(width).height(height);
        Av.check(av_frame_get_buffer(frame, 0), "allocate the program's picture");
        for (int plane = 0; plane < 3; plane++) {
            int rows = plane == 0 ? height : (height + 1) / 2;
            byte value = plane == 0 ? (byte) 16 : (byte) 128;
            BytePointer data = frame.data(plane);
            data.position(0).limit((long) rows * frame.linesize(plane)).fill(value);
            data.position(0).limit(0);
        }
        return frame;
    }

    private static void add(float[][] into, float[][] other) {
        for (int c = 0; c < into.length; c++) {
            for (int i = 0; i < into[c].length; i++) {
                into[c][i] += other[c][i];
            }
        }
    }

    /** Encodes the segment's sound in the encoder's frames; what does not fill a frame waits for the next segment. */
    private void encodeSound(float[][] sound) {
        int frameSize = audio.frameSize();
        int total = carry[0].length + sound[0].length;
        float[][] all = new float[Resampler.CHANNELS][total];
        for (int c = 0; c < Resampler.CHANNELS; c++) {
            System.arraycopy(carry[c], 0, all[c], 0, carry[c].length);
            System.arraycopy(sound[c], 0, all[c], carry[c].length, sound[c].length);
        }
        int at = 0;
        while (total - at >= frameSize) {
            AVFrame frame = av_frame_alloc();
            try {
                frame.nb_samples(frameSize).format(AV_SAMPLE_FMT_FLTP).sample_rate(Resampler.RATE);
                av_channel_layout_default(frame.ch_layout(), Resampler.CHANNELS);
                Av.check(av_frame_get_buffer(frame, 0), "allocate an audio frame");
                for (int c = 0; c < Resampler.CHANNELS; c++) {
                    float[] block = new float[frameSize];
                    for (int i = 0; i < frameSize; i++) {
                        block[i] = Math.max(-1f, Math.min(1f, all[c][at + i])); // a hard limit: sums can exceed 1
                    }
                    new FloatPointer(frame.data(c)).put(block, 0, frameSize);
                }
                frame.pts(nextAudioPts);
                nextAudioPts += frameSize;
                audio.encode(frame);
            } finally {
                av_frame_free(frame);
            }
            at += frameSize;
        }
        carry = new float[Resampler.CHANNELS][total - at];
        for (int c = 0; c < Resampler.CHANNELS; c++) {
            System.arraycopy(all[c], at, carry[c], 0, total - at);
        }
    }

    @Override
    public void close() {
        if (video != null) {
            video.close();
        }
        if (audio != null) {
            audio.close();
        }
        if (videoParameters != null) {
            org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free(videoParameters);
        }
        if (audioParameters != null) {
            org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free(audioParameters);
        }
        creatorScaler.close();
        guestScalers.forEach(TileScaler::close);
        resampler.close();
    }
}
