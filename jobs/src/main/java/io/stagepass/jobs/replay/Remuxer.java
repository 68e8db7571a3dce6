package io.stagepass.jobs.replay;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_ref;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.media.Av;
import io.stagepass.media.BitstreamFilter;
import io.stagepass.media.Demuxer;
import io.stagepass.media.Muxer;
import io.stagepass.media.Packets;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * One pass over the live's segments, no re-encode: every packet goes to the download MP4 (one for the whole replay,
 * {@code +faststart}) and to the HLS fMP4 file of its run, and the keyframes the thumbnails need to {@link Thumbnails}.
 * A run is a stretch without discontinuity; each gets its own FFmpeg HLS muxer (6 s segments cut at keyframes, one
 * file with byte ranges), so that a reconnect with other stream parameters starts a fresh init section. Timestamps are
 * moved onto one replay timeline starting at 0, each run continuing where the previous one ended. A lower rendition
 * is remuxed by a second instance named after it, without thumbnails or download, each run shifted exactly as the
 * source's was (its segments carry the source's timestamps), so both renditions share one timeline.
 */
final class Remuxer implements AutoCloseable {
    static final int SEGMENT_SECONDS = 6;
    private static final AVRational MICROS = av_make_q(1, 1_000_000);
    private static final int VIDEO = 0;
    private static final int AUDIO = 1;
    /** A run's timeline starts once both streams showed a packet, or after this many (a stream may be missing). */
    private static final int PENDING_MAX = 64;

    private record Pending(AVPacket packet, int target, AVRational timeBase) {}

    private final Path out;
    private final String name;
    private final boolean withDownload;
    private final Thumbnails thumbnails;
    private final AVPacket copy = av_packet_alloc();
    private final AVPacket filtered = av_packet_alloc();
    private final AVPacket picture = av_packet_alloc();
    private final List<Playlists.Run> runs = new ArrayList<>();
    private final long[] lastDtsMicros = {Long.MIN_VALUE, Long.MIN_VALUE};
    private final List<Pending> pending = new ArrayList<>();
    private final boolean[] seen = new boolean[2];
    private Muxer download;
    private Muxer hls;
    private BitstreamFilter adts;
    private boolean runHasAudio;
    private boolean downloadHasAudio;
    /** The stream parameters of the download's one track each (a player does not expect its size to change). */
    private String downloadParameters;
    /** Whether this run's parameters are the download's: a run after a reconnect with other settings is left out. */
    private boolean runInDownload;

    private int runsLeftOut;
    private Long runShiftMicros;
    private long cursorMicros;
    private long endMicros;
    private long dropped;
    private byte[] videoExtradata;
    private int videoProfile;
    private int videoLevel;
    private int width;
    private int height;
    private AVRational frameRate;
    private int audioProfile = -1;

    /** The source's remuxer: {@code media-N.mp4} files, the download MP4 and the thumbnails. */
    Remuxer(Path out, Thumbnails thumbnails) {
        this(out, "media", thumbnails, true);
    }

    /** A remuxer writing {@code NAME-N.mp4} files, with thumbnails when given one and the download when asked. */
    Remuxer(Path out, String name, Thumbnails thumbnails, boolean withDownload) {
        this.out = out;
        this.name = name;
        this.thumbnails = thumbnails;
        this.withDownload = withDownload;
    }

    /** Starts a run at a segment whose demuxer probed its streams; {@code mpegTs} inputs carry AAC as ADTS. */
    void beginRun(Demuxer first, boolean mpegTs) {
        beginRun(first, mpegTs, null);
    }

    /**
     * The same, with the run's shift onto the replay timeline given ({@code shiftMicros}, as {@link #runShiftMicros()}
     * reported for the source) rather than decided from the run's first packets.
     */
    void beginRun(Demuxer first, boolean mpegTs, Long shiftMicros) {
        int video = first.videoStream();
        if (video < 0) {
            throw new IllegalArgumentException("no video stream");
        }
        AVCodecParameters videoParameters = first.stream(video).codecpar();
        int audio = first.audioStream();
        runHasAudio = audio >= 0;
        AVCodecParameters audioParameters = null;
        if (runHasAudio) {
            audioParameters = first.stream(audio).codecpar();
            if (mpegTs) {
                adts = BitstreamFilter.open(
                        "aac_adtstoasc", audioParameters, first.stream(audio).time_base());
                audioParameters = adts.outputParameters();
            }
        }
        int run = runs.size();
        hls = Muxer.create("hls", out.resolve(name + "-run-" + run + ".m3u8").toString());
        hls.addStream(videoParameters, first.stream(video).time_base());
        if (runHasAudio) {
            hls.addStream(audioParameters, first.stream(audio).time_base());
        }
        hls.start(Map.of(
                "hls_time",
                Integer.toString(SEGMENT_SECONDS),
                "hls_playlist_type",
                "vod",
                "hls_segment_type",
                "fmp4",
                "hls_flags",
                "single_file",
                "hls_segment_filename",
                out.resolve(mediaFile(run)).toString(),
                "hls_fmp4_init_filename",
                mediaFile(run),
                "fflags",
                "+bitexact"));
        if (width == 0) {
            describe(first, video, audio);
        }
        String parameters = parameters(videoParameters, audioParameters);
        runInDownload = withDownload && (downloadParameters == null || downloadParameters.equals(parameters));
        if (withDownload && !runInDownload) {
            runsLeftOut++;
        }
        if (download == null && withDownload) {
            downloadParameters = parameters;
            download = Muxer.create("mp4", out.resolve("download.mp4").toString());
            download.addStream(videoParameters, first.stream(video).time_base());
            downloadHasAudio = runHasAudio;
            if (runHasAudio) {
                download.addStream(audioParameters, first.stream(audio).time_base());
            }
            download.start(Map.of("movflags", "+faststart", "fflags", "+bitexact"));
        }
        if (thumbnails != null) {
            thumbnails.beginRun(videoParameters);
        }
        runShiftMicros = shiftMicros;
    }

    /**
     * What must not change within one MP4 track: the codecs, the picture size, the sound's rate and channels. Another
     * encoder's parameter sets at the same size (the stage mixer's program between the creator's own stretches) play
     * on, carried in the samples, as they always have.
     */
    static String parameters(AVCodecParameters video, AVCodecParameters audio) {
        StringBuilder text = new StringBuilder()
                .append(video.codec_id())
                .append(' ')
                .append(video.width())
                .append('x')
                .append(video.height());
        if (audio != null) {
            text.append(" audio ")
                    .append(audio.codec_id())
                    .append(' ')
                    .append(audio.sample_rate())
                    .append(' ')
                    .append(audio.ch_layout().nb_channels());
        }
        return text.toString();
    }

    /** How many runs the download leaves out (their stream parameters differ from the first run's). */
    int runsLeftOutOfDownload() {
        return runsLeftOut;
    }

    String mediaFile(int run) {
        return name + "-" + run + ".mp4";
    }

    /** How the current run's timestamps move onto the replay timeline, once its first packets decided it. */
    Long runShiftMicros() {
        return runShiftMicros;
    }

    private void describe(Demuxer first, int video, int audio) {
        AVCodecParameters v = first.stream(video).codecpar();
        width = v.width();
        height = v.height();
        videoProfile = v.profile();
        videoLevel = v.level();
        if (v.extradata_size() > 0) {
            videoExtradata = new byte[v.extradata_size()];
            v.extradata().get(videoExtradata);
        }
        AVRational rate = first.stream(video).avg_frame_rate();
        frameRate = rate.num() > 0 && rate.den() > 0 ? av_make_q(rate.num(), rate.den()) : null;
        if (audio >= 0) {
            audioProfile = first.stream(audio).codecpar().profile();
        }
    }

    /** Copies every packet of one segment of the current run; returns how many it wrote. */
    long copy(Demuxer segment) throws IOException {
        int video = segment.videoStream();
        int audio = runHasAudio ? segment.audioStream() : -1;
        long written = 0;
        for (AVPacket packet = segment.next(); packet != null; packet = segment.next()) {
            int index = packet.stream_index();
            int target = index == video ? VIDEO : index == audio ? AUDIO : -1;
            if (target < 0 || !Packets.timestamped(packet)) {
                continue;
            }
            AVRational timeBase = segment.stream(index).time_base();
            if (runShiftMicros == null) {
                pending.add(new Pending(av_packet_clone(packet), target, av_make_q(timeBase.num(), timeBase.den())));
                seen[target] = true;
                if (seen[VIDEO] && (seen[AUDIO] || !runHasAudio) || pending.size() >= PENDING_MAX) {
                    written += startTimeline();
                }
                continue;
            }
            written += process(packet, target, timeBase);
        }
        if (runShiftMicros == null && !pending.isEmpty()) {
            written += startTimeline();
        }
        return written;
    }

    /**
     * The run's first packets were held until each stream showed its first one: the earliest of them (B-frames put a
     * video dts before its pts, AAC priming puts audio before video) starts the run at the cursor, so none is cut.
     */
    private long startTimeline() throws IOException {
        long earliest = Long.MAX_VALUE;
        for (Pending p : pending) {
            earliest = Math.min(earliest, av_rescale_q(p.packet().dts(), p.timeBase(), MICROS));
        }
        runShiftMicros = cursorMicros - earliest;
        long written = 0;
        for (Pending p : pending) {
            written += process(p.packet(), p.target(), p.timeBase());
            av_packet_free(p.packet());
        }
        pending.clear();
        seen[VIDEO] = seen[AUDIO] = false;
        return written;
    }

    private long process(AVPacket packet, int target, AVRational timeBase) throws IOException {
        if (!shift(packet, timeBase, target)) {
            dropped++;
            return 0;
        }
        if (thumbnails != null && target == VIDEO && (packet.flags() & AV_PKT_FLAG_KEY) != 0) {
            long at = av_rescale_q(packet.pts(), timeBase, MICROS);
            if (thumbnails.wants(at)) {
                Av.check(av_packet_ref(picture, packet), "copy a keyframe");
                try {
                    thumbnails.keyframe(picture, at);
                } finally {
                    av_packet_unref(picture);
                }
            }
        }
        if (target == AUDIO && adts != null) {
            adts.filter(packet, filtered, p -> write(p, AUDIO, timeBase));
        } else {
            write(packet, target, timeBase);
        }
        return 1;
    }

    /**
     * Moves a packet onto the replay timeline; false when it must be dropped (not after the previous packet of its
     * stream: a muxer refuses time going backwards).
     */
    private boolean shift(AVPacket packet, AVRational timeBase, int target) {
        long shift = av_rescale_q(runShiftMicros, MICROS, timeBase);
        packet.dts(packet.dts() + shift);
        packet.pts(packet.pts() + shift);
        long dtsMicros = av_rescale_q(packet.dts(), timeBase, MICROS);
        if (dtsMicros < 0 || dtsMicros <= lastDtsMicros[target]) {
            return false;
        }
        lastDtsMicros[target] = dtsMicros;
        endMicros = Math.max(endMicros, av_rescale_q(packet.pts() + Math.max(0, packet.duration()), timeBase, MICROS));
        return true;
    }

    private void write(AVPacket packet, int target, AVRational timeBase) {
        Av.check(av_packet_ref(copy, packet), "copy a packet");
        copy.stream_index(target);
        av_packet_rescale_ts(copy, timeBase, hls.stream(target).time_base());
        hls.write(copy);
        if (download == null || !runInDownload || target == AUDIO && !downloadHasAudio) {
            return;
        }
        packet.stream_index(target);
        av_packet_rescale_ts(packet, timeBase, download.stream(target).time_base());
        download.write(packet);
    }

    /** Ends the current run: its HLS file is complete and its segments are read back from the muxer's playlist. */
    void endRun() throws IOException {
        if (hls == null) {
            return;
        }
        int run = runs.size();
        try {
            hls.finish();
        } finally {
            hls.close();
            hls = null;
            if (adts != null) {
                adts.close();
                adts = null;
            }
        }
        Path playlist = out.resolve(name + "-run-" + run + ".m3u8");
        runs.add(Playlists.parseRun(Files.readString(playlist), mediaFile(run)));
        Files.delete(playlist);
        cursorMicros = endMicros;
    }

    /** Finishes the download MP4 (its index moves before the media: faststart). */
    void finish() throws IOException {
        endRun();
        if (download != null) {
            download.finish();
        }
    }

    List<Playlists.Run> runs() {
        return runs;
    }

    long durationMicros() {
        return runs.stream().mapToLong(Playlists.Run::durationMicros).sum();
    }

    long droppedPackets() {
        return dropped;
    }

    /** The RFC 6381 codecs of the replay, as its master playlist names them. */
    String codecs() {
        String videoCodec = Codecs.avc1(videoExtradata, videoProfile, videoLevel);
        return audioProfile >= 0 || downloadHasAudio ? videoCodec + "," + Codecs.mp4a(audioProfile) : videoCodec;
    }

    int width() {
        return width;
    }

    int height() {
        return height;
    }

    /** The frame rate with three decimals, or null when the stream does not say. */
    String frameRate() {
        if (frameRate == null) {
            return null;
        }
        long milli = (frameRate.num() * 1000L + frameRate.den() / 2) / frameRate.den();
        return milli / 1000 + "." + String.format("%03d", milli % 1000);
    }

    @Override
    public void close() {
        if (hls != null) {
            hls.close();
        }
        if (adts != null) {
            adts.close();
        }
        if (download != null) {
            download.close();
        }
        pending.forEach(p -> av_packet_free(p.packet()));
        pending.clear();
        av_packet_free(copy);
        av_packet_free(filtered);
        av_packet_free(picture);
    }
}
