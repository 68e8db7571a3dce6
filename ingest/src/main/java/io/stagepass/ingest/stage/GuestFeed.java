package io.stagepass.ingest.stage;

import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_clone;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.Resampler;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One guest's camera and microphone as the stage mixer uses them: the browser's recording (WebM, VP8 or H.264 with
 * Opus, in MediaRecorder's chunks; or an encoder's RTMP as FLV tags, H.264 with AAC) decoded on a thread of its own into the last seconds of pictures (at most 640x360)
 * and of 48 kHz stereo sound, each placed on ingest's clock. The mixer asks for the picture and the samples of an
 * instant; a guest whose link stalls simply has nothing newer (the picture freezes, the sound is silent), and nothing
 * the guest sends can block the program.
 *
 * <p>Media time becomes ingest's clock at the first chunk: the recording's time 0 was captured about {@link
 * #CAPTURE_AHEAD_MICROS} before that chunk arrived (MediaRecorder's timeslice plus the trip). A recording whose clock
 * strays from ours by more than a second (a paused tab, a reconnect inside the recorder) is placed again.
 */
public final class GuestFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GuestFeed.class);

    /**
     * Where a guest's media comes from, and so what may be read from it: a browser's MediaRecorder WebM, or an
     * encoder's (OBS, a phone app) RTMP, which ingest turns into FLV tags. Only these containers and codecs are
     * opened, even while FFmpeg probes the streams.
     */
    public enum Source {
        BROWSER("browser", "matroska", "matroska,webm", "vp8,vp9,h264,opus"),
        ENCODER("encoder", "flv", "flv", "h264,aac");

        final String wire;
        final String format;
        final String formats;
        final String codecs;

        Source(String wire, String format, String formats, String codecs) {
            this.wire = wire;
            this.format = format;
            this.formats = formats;
            this.codecs = codecs;
        }

        public String wire() {
            return wire;
        }
    }

    static final long CAPTURE_AHEAD_MICROS = 300_000;
    private static final long KEEP_MICROS = 6_000_000;
    private static final long MAX_STRAY_MICROS = 1_000_000;
    private static final long MAX_QUEUED_BYTES = 8L * 1024 * 1024;
    /** At most this many pictures kept, and none closer than {@link #MIN_SPACING_MICROS}: a browser cannot flood memory. */
    private static final int MAX_PICTURES = 240;

    private static final long MIN_SPACING_MICROS = 15_000;
    /** The codecs a browser records with; anything else is refused before a decoder opens. */
    private static final java.util.Set<Integer> CODECS = java.util.Set.of(
            org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP8,
            org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_VP9,
            org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264,
            org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_OPUS,
            org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC);

    private static final int MAX_SOURCE_PIXELS = 1920 * 1080;
    /**
     * The decoder's own bound, checked before it allocates a picture: above {@link #MAX_SOURCE_PIXELS} because FFmpeg
     * counts the padded width (a portrait 1080x1920 is 1088 wide to it); the exact bound is checked on each picture.
     */
    private static final long DECODER_MAX_PIXELS = 2048L * 2048;

    static final int MAX_WIDTH = 640;
    static final int MAX_HEIGHT = 360;

    private final String name;
    private final Source source;
    private final Clock clock;
    private final ChunkPipe pipe = new ChunkPipe(MAX_QUEUED_BYTES);
    private final Thread thread;
    private final Object lock = new Object();
    private final Deque<Picture> pictures = new ArrayDeque<>();
    private final SampleRing sound = new SampleRing(Resampler.RATE, (int) (KEEP_MICROS / 1_000_000) + 1);
    private volatile long firstChunkMicros = Long.MIN_VALUE;
    private volatile long lastChunkMicros = Long.MIN_VALUE;
    private volatile long mediaUntilMicros = Long.MIN_VALUE;
    private volatile long soundUntilMicros = Long.MIN_VALUE;
    private volatile String failure;
    private volatile boolean hasVideo;
    private volatile boolean hasAudio;
    private volatile boolean closed;
    private long anchorWallMicros = Long.MIN_VALUE;
    private long nextSoundIndex = Long.MIN_VALUE;
    /** How far (samples, 48 kHz: 5 ms) a block may stray from continuing the last one and still continue it. */
    private static final int CONTINUOUS_SAMPLES = 240;

    private long anchorMediaMicros;

    private record Picture(long wallMicros, AVFrame frame) {}

    public GuestFeed(String name, Clock clock) {
        this(name, Source.BROWSER, clock);
    }

    public GuestFeed(String name, Source source, Clock clock) {
        this.name = name;
        this.source = source;
        this.clock = clock;
        this.thread = new Thread(this::decode, "stage-guest-" + name);
        thread.setDaemon(true);
    }

    public GuestFeed start() {
        thread.start();
        return this;
    }

    /** A chunk of the recording, as it came; false when the decoder is too far behind to keep up. */
    public boolean offer(byte[] chunk) {
        long now = nowMicros();
        if (firstChunkMicros == Long.MIN_VALUE) {
            firstChunkMicros = now;
        }
        lastChunkMicros = now;
        return pipe.offer(chunk);
    }

    /** When the last chunk arrived (ingest's clock, µs), or {@code Long.MIN_VALUE}. */
    long lastChunkMicros() {
        return lastChunkMicros;
    }

    /** Up to when pictures or sound are known, on ingest's clock (µs); {@code Long.MIN_VALUE} before any. */
    public long mediaUntilMicros() {
        return mediaUntilMicros;
    }

    /** Why the recording could not be read, or null. */
    String failure() {
        return failure;
    }

    Source source() {
        return source;
    }

    boolean hasVideo() {
        return hasVideo;
    }

    boolean hasAudio() {
        return hasAudio;
    }

    /** The loudness of the last 200 ms of sound, in dBFS (-100 for silence or none). */
    double levelDb() {
        long until = mediaUntilMicros;
        if (until == Long.MIN_VALUE) {
            return -100;
        }
        int n = Resampler.RATE / 5;
        float[][] samples = samples(until - 200_000, n);
        double sum = 0;
        for (float[] channel : samples) {
            for (float s : channel) {
                sum += s * s;
            }
        }
        double rms = Math.sqrt(sum / (n * samples.length));
        return rms <= 1e-5 ? -100 : Math.max(-100, 20 * Math.log10(rms));
    }

    /**
     * The picture shown at {@code wallMicros}: the newest one captured at or before it (a stalled link freezes the
     * last one), or the oldest kept if all came after; null before the first. The caller frees it ({@code
     * av_frame_free}): it is a new reference to the picture's buffer.
     */
    AVFrame pictureAt(long wallMicros) {
        synchronized (lock) {
            Picture chosen = null;
            for (Picture picture : pictures) {
                if (chosen == null || picture.wallMicros <= wallMicros) {
                    chosen = picture;
                } else {
                    break;
                }
            }
            return chosen == null ? null : av_frame_clone(chosen.frame);
        }
    }

    /** Up to when sound is known, on ingest's clock (µs); {@code Long.MIN_VALUE} before any. */
    long soundUntilMicros() {
        return soundUntilMicros;
    }

    /** {@code n} samples per channel from {@code wallMicros} on; silence where none were captured. */
    float[][] samples(long wallMicros, int n) {
        synchronized (lock) {
            return sound.read(wallMicros, n);
        }
    }

    private void decode() {
        // Only the decoders a browser's recording needs may open, even while its streams are being probed.
        try (Demuxer demuxer = Demuxer.read(
                pipe,
                source.format,
                "the camera of guest " + name,
                Map.of("codec_whitelist", source.codecs, "format_whitelist", source.formats))) {
            int video = demuxer.firstStream(AVMEDIA_TYPE_VIDEO);
            int audio = demuxer.firstStream(AVMEDIA_TYPE_AUDIO);
            for (int stream : new int[] {video, audio}) {
                if (stream >= 0
                        && !CODECS.contains(demuxer.stream(stream).codecpar().codec_id())) {
                    throw new io.stagepass.media.MediaException(
                            source == Source.BROWSER
                                    ? "the recording is not VP8, VP9 or H.264 with Opus: record with MediaRecorder's WebM"
                                    : "the stream is not H.264 with AAC: set the encoder to H.264 and AAC");
                }
            }
            if (video >= 0
                    && (long) demuxer.stream(video).codecpar().width()
                                    * demuxer.stream(video).codecpar().height()
                            > MAX_SOURCE_PIXELS) {
                throw new io.stagepass.media.MediaException("the camera's picture is larger than 1920x1080");
            }
            hasVideo = video >= 0;
            hasAudio = audio >= 0;
            try (Decoder videoDecoder = video < 0
                            ? null
                            : Decoder.open(demuxer.stream(video).codecpar(), 1, DECODER_MAX_PIXELS);
                    Decoder audioDecoder = audio < 0
                            ? null
                            : Decoder.open(demuxer.stream(audio).codecpar(), 1);
                    Resampler resampler = new Resampler();
                    TileScaler scaler = new TileScaler()) {
                AVPacket packet;
                while ((packet = demuxer.next()) != null) {
                    int index = packet.stream_index();
                    AVRational timeBase = demuxer.stream(index).time_base();
                    if (index == video) {
                        videoDecoder.decode(packet, frame -> picture(frame, timeBase, scaler));
                    } else if (index == audio) {
                        audioDecoder.decode(packet, frame -> sound(frame, timeBase, resampler));
                    }
                }
            }
        } catch (RuntimeException e) {
            failure = e.getMessage();
            LOG.info("stage: the recording of guest {} stopped: {}", name, e.getMessage());
        } finally {
            pipe.finish(); // nothing more is read: the next chunk is refused, and the page is told why
            synchronized (lock) {
                pictures.forEach(p -> av_frame_free(p.frame));
                pictures.clear();
            }
        }
    }

    private void picture(AVFrame frame, AVRational timeBase, TileScaler scaler) {
        if ((long) frame.width() * frame.height() > MAX_SOURCE_PIXELS) { // the decoder's own bound says so first
            throw new io.stagepass.media.MediaException("the camera's picture is larger than 1920x1080");
        }
        long pts = frame.best_effort_timestamp();
        if (pts == AV_NOPTS_VALUE) {
            return;
        }
        long wall = wall(pts * 1_000_000L * timeBase.num() / timeBase.den());
        int[] size = TileScaler.fit(frame.width(), frame.height(), MAX_WIDTH, MAX_HEIGHT);
        boolean fits = frame.format() == org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P
                && frame.width() <= MAX_WIDTH
                && frame.height() <= MAX_HEIGHT;
        // A browser's 640x360 is kept as it was decoded (a new reference to its buffer, no copy).
        AVFrame scaled =
                fits ? org.bytedeco.ffmpeg.global.avutil.av_frame_clone(frame) : scaler.scaled(frame, size[0], size[1]);
        synchronized (lock) {
            Picture last = pictures.peekLast();
            if (last != null && wall - last.wallMicros < MIN_SPACING_MICROS && wall >= last.wallMicros) {
                av_frame_free(scaled); // more than 60 pictures a second: the program has no use for them
                return;
            }
            pictures.add(new Picture(wall, scaled));
            while (pictures.size() > MAX_PICTURES
                    || pictures.size() > 1 && pictures.peekFirst().wallMicros < wall - KEEP_MICROS) {
                AVFrame old = pictures.pollFirst().frame;
                av_frame_free(old);
            }
        }
        mediaUntilMicros = Math.max(mediaUntilMicros, wall);
    }

    private void sound(AVFrame frame, AVRational timeBase, Resampler resampler) {
        long pts = frame.best_effort_timestamp();
        float[][] samples = resampler.convert(frame);
        if (pts == AV_NOPTS_VALUE || samples[0].length == 0) {
            return;
        }
        long wall = wall(pts * 1_000_000L * timeBase.num() / timeBase.den());
        // Timestamps in milliseconds (FLV's, WebM's) place a 1024-sample AAC frame up to half a millisecond off: a
        // block
        // that nearly continues the last one continues it exactly, or every frame would click.
        long index = Listening.index(wall);
        if (nextSoundIndex != Long.MIN_VALUE && Math.abs(index - nextSoundIndex) <= CONTINUOUS_SAMPLES) {
            index = nextSoundIndex;
            wall = Listening.micros(index);
        }
        nextSoundIndex = index + samples[0].length;
        synchronized (lock) {
            sound.write(wall, samples);
        }
        long end = wall + samples[0].length * 1_000_000L / Resampler.RATE;
        soundUntilMicros = Math.max(soundUntilMicros, end);
        mediaUntilMicros = Math.max(mediaUntilMicros, end);
    }

    /** Media time (µs) on ingest's clock, placed again when the recording strays from it. */
    private long wall(long mediaMicros) {
        long now = nowMicros();
        long wall = anchorWallMicros + (mediaMicros - anchorMediaMicros);
        if (anchorWallMicros == Long.MIN_VALUE || wall > now + MAX_STRAY_MICROS || wall < now - 2 * MAX_STRAY_MICROS) {
            anchorWallMicros = (anchorWallMicros == Long.MIN_VALUE ? firstChunkMicros : now) - CAPTURE_AHEAD_MICROS;
            anchorMediaMicros = mediaMicros;
            wall = anchorWallMicros;
        }
        return wall;
    }

    private long nowMicros() {
        java.time.Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Whether the guest left or was removed: chunks that still arrive are dropped, not refused. */
    public boolean closed() {
        return closed;
    }

    /** Stops reading (the guest left or was removed) and frees what was decoded. */
    @Override
    public void close() {
        closed = true;
        pipe.finish();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
