package io.stagepass.jobs.clips;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.media.BitstreamFilter;
import io.stagepass.media.Demuxer;
import io.stagepass.media.MediaException;
import io.stagepass.media.Muxer;
import io.stagepass.media.Packets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Cuts a span of a live's stored segments into one MP4 ({@code +faststart}) without re-encoding: the pictures from the
 * last keyframe at or before the marked start (a clip cannot begin between keyframes without encoding again) to the
 * marked end, the sound over the same time, every timestamp moved so the clip starts at 0.
 *
 * <p>Positions are on the replay's timeline: a part's {@code offsetMicros} is where its segment lies (the stored
 * segments before it, gaps taking no time). Within a run of segments (from the first, or a reconnect, to the next) the
 * encoder's own timestamps are continuous, so a packet's position is the run's offset plus its time since the run's
 * first picture.
 */
public final class ClipCutter {
    private static final AVRational MICROS = av_make_q(1, 1_000_000);
    private static final int VIDEO = 0;
    private static final int AUDIO = 1;

    /** One stored segment (its fMP4 init section too, or null for MPEG-TS) and where it lies on the timeline. */
    public record Part(Path file, Path init, long offsetMicros, boolean runStart) {
        String url() {
            return init == null ? file.toString() : "concat:" + init + "|" + file;
        }

        String format() {
            return init == null ? "mpegts" : "mov";
        }
    }

    /** What was cut: where it really starts on the timeline, how long it is, the picture size. */
    public record Cut(long startMicros, long durationMicros, int width, int height) {}

    private ClipCutter() {}

    /**
     * Writes the clip of {@code parts} (in timeline order, covering the span) from {@code startMicros} to {@code
     * endMicros} to {@code target}. A {@link MediaException} says why it cannot be cut (no pictures, a reconnect with
     * other stream settings inside the span, unreadable media).
     */
    public static Cut cut(List<Part> parts, long startMicros, long endMicros, Path target) {
        if (parts.isEmpty()) {
            throw new MediaException("no stored media in the span");
        }
        Part first = parts.get(0);
        long firstOrigin = firstPictureMicros(first);
        long keyframe = keyframeAtOrBefore(first, firstOrigin, startMicros);
        try (Demuxer probe = Demuxer.open(first.url(), first.format(), true);
                Writer writer = new Writer(probe, first.init() == null, target, keyframe, endMicros)) {
            String layout = layout(probe, first);
            long runOffset = 0;
            long runOrigin = 0;
            for (int i = 0; i < parts.size(); i++) {
                Part part = parts.get(i);
                try (Demuxer in = i == 0 ? null : Demuxer.open(part.url(), part.format(), true)) {
                    Demuxer demuxer = in == null ? probe : in;
                    if (in != null && !layout.equals(layout(demuxer, part))) {
                        throw new MediaException("the span crosses a reconnect with other stream settings (" + layout
                                + " before, " + layout(demuxer, part) + " after): clip one side of it");
                    }
                    if (i == 0 || part.runStart()) {
                        // Where the playlist puts the run, unless the media before it ran longer than its playlist
                        // said: then just after that, so no packet (a keyframe least of all) goes back in time.
                        runOffset = Math.max(part.offsetMicros(), writer.endOnTimeline());
                        runOrigin = i == 0 ? firstOrigin : firstPictureMicros(part);
                    }
                    if (!writer.copy(demuxer, runOffset - runOrigin)) {
                        break; // past the end
                    }
                }
            }
            return writer.finish();
        }
    }

    /**
     * The last keyframe at or before {@code micros} in the part (its first picture if none is); {@code origin} is the
     * part's first picture time in its own clock.
     */
    static long keyframeAtOrBefore(Part part, long origin, long micros) {
        long found = part.offsetMicros();
        try (Demuxer in = Demuxer.open(part.url(), part.format(), false)) {
            int video = in.videoStream();
            AVRational timeBase = in.stream(video).time_base();
            for (AVPacket packet = in.next(); packet != null; packet = in.next()) {
                if (packet.stream_index() != video || (packet.flags() & AV_PKT_FLAG_KEY) == 0) {
                    continue;
                }
                long at = part.offsetMicros() + av_rescale_q(pts(packet), timeBase, MICROS) - origin;
                if (at > micros) {
                    break;
                }
                found = Math.max(found, at);
            }
        }
        return found;
    }

    /** The presentation time of the part's first picture, in its own clock: where its segment starts. */
    private static long firstPictureMicros(Part part) {
        try (Demuxer in = Demuxer.open(part.url(), part.format(), false)) {
            int video = in.videoStream();
            if (video < 0) {
                throw new MediaException("a segment without pictures");
            }
            AVRational timeBase = in.stream(video).time_base();
            for (AVPacket packet = in.next(); packet != null; packet = in.next()) {
                if (packet.stream_index() == video && pts(packet) != AV_NOPTS_VALUE) {
                    return av_rescale_q(pts(packet), timeBase, MICROS);
                }
            }
        }
        throw new MediaException("a segment without pictures");
    }

    private static long pts(AVPacket packet) {
        return packet.pts() != AV_NOPTS_VALUE ? packet.pts() : packet.dts();
    }

    /**
     * What must not change within a clip: the container, the picture's codec and size, for fMP4 its decoder setup
     * (the init section's SPS and PPS, which the clip's MP4 carries once), and the sound's codec and layout. MPEG-TS
     * carries its SPS and PPS with every keyframe, and they stay in the samples, so a TS encoder that rewrites them
     * (libopenh264 does, segment to segment) changes nothing that matters.
     */
    private static String layout(Demuxer in, Part part) {
        int video = in.videoStream();
        if (video < 0) {
            throw new MediaException("a segment without pictures");
        }
        AVCodecParameters v = in.stream(video).codecpar();
        String layout = part.format() + ", video " + v.codec_id() + " " + v.width() + "x" + v.height();
        if (part.init() != null && v.extradata_size() > 0) {
            byte[] setup = new byte[v.extradata_size()];
            v.extradata().get(setup);
            layout += " setup " + Integer.toHexString(java.util.Arrays.hashCode(setup));
        }
        int audio = in.audioStream();
        if (audio >= 0) {
            AVCodecParameters a = in.stream(audio).codecpar();
            layout += ", audio " + a.codec_id() + " " + a.sample_rate() + " Hz "
                    + a.ch_layout().nb_channels() + " ch";
        }
        return layout;
    }

    /** The clip's MP4, fed packet by packet. */
    private static final class Writer implements AutoCloseable {
        private final Muxer muxer;
        private final BitstreamFilter adts;
        private final boolean hasAudio;
        private final long keyframeMicros;
        private final long endMicros;
        private final int width;
        private final int height;
        private final AVPacket filtered = av_packet_alloc();
        private final long[] lastDts = {Long.MIN_VALUE, Long.MIN_VALUE};
        private boolean started;
        private boolean videoDone;
        private long lastMicros;
        /** The end of the last packet written, on the timeline (microseconds). */
        private long endOnTimeline = Long.MIN_VALUE;

        Writer(Demuxer first, boolean mpegTs, Path target, long keyframeMicros, long endMicros) {
            int video = first.videoStream();
            int audio = first.audioStream();
            AVCodecParameters videoParameters = first.stream(video).codecpar();
            this.width = videoParameters.width();
            this.height = videoParameters.height();
            this.keyframeMicros = keyframeMicros;
            this.endMicros = endMicros;
            this.hasAudio = audio >= 0;
            AVCodecParameters audioParameters = hasAudio ? first.stream(audio).codecpar() : null;
            BitstreamFilter filter = null;
            if (hasAudio && mpegTs && audioParameters.codec_id() == AV_CODEC_ID_AAC) {
                filter = BitstreamFilter.open(
                        "aac_adtstoasc", audioParameters, first.stream(audio).time_base());
                audioParameters = filter.outputParameters();
            }
            this.adts = filter;
            Muxer created = null;
            try {
                created = Muxer.create("mp4", target.toString());
                created.addStream(videoParameters, first.stream(video).time_base());
                if (hasAudio) {
                    created.addStream(audioParameters, first.stream(audio).time_base());
                }
                created.start(Map.of("movflags", "+faststart", "fflags", "+bitexact"));
            } catch (RuntimeException e) { // nothing of it reaches try-with-resources: free it here
                if (created != null) {
                    created.close();
                }
                if (filter != null) {
                    filter.close();
                }
                av_packet_free(filtered);
                throw e;
            }
            this.muxer = created;
        }

        long endOnTimeline() {
            return endOnTimeline;
        }

        /**
         * Copies the packets of one part that fall in the clip, {@code shiftMicros} moving its clock onto the
         * timeline; false once the pictures have reached the end.
         */
        boolean copy(Demuxer in, long shiftMicros) {
            int video = in.videoStream();
            int audio = in.audioStream();
            for (AVPacket packet = in.next(); packet != null; packet = in.next()) {
                int target = packet.stream_index() == video ? VIDEO : packet.stream_index() == audio ? AUDIO : -1;
                if (target < 0 || target == AUDIO && !hasAudio || !Packets.timestamped(packet)) {
                    continue;
                }
                AVRational timeBase = in.stream(packet.stream_index()).time_base();
                long at = av_rescale_q(packet.pts(), timeBase, MICROS) + shiftMicros;
                long decodeAt = av_rescale_q(packet.dts(), timeBase, MICROS) + shiftMicros;
                if (target == VIDEO) {
                    if (videoDone || decodeAt >= endMicros && started) {
                        videoDone = true; // decode order: nothing after this may be kept without what it refers to
                        continue;
                    }
                    if (!started) {
                        if ((packet.flags() & AV_PKT_FLAG_KEY) == 0 || at < keyframeMicros) {
                            continue;
                        }
                        started = true;
                    }
                    if (at < keyframeMicros) {
                        continue; // a picture shown before the keyframe refers to the GOP left out
                    }
                } else if (!started || at < keyframeMicros || at >= endMicros) {
                    continue;
                }
                shiftOnto(packet, timeBase, shiftMicros - keyframeMicros);
                long dts = av_rescale_q(packet.dts(), timeBase, MICROS);
                if (dts <= lastDts[target] && lastDts[target] != Long.MIN_VALUE) {
                    continue; // a muxer refuses time going backwards
                }
                lastDts[target] = dts;
                lastMicros = Math.max(
                        lastMicros, av_rescale_q(packet.pts() + Math.max(0, packet.duration()), timeBase, MICROS));
                endOnTimeline = lastMicros + keyframeMicros;
                if (target == AUDIO && adts != null) {
                    adts.filter(packet, filtered, p -> write(p, AUDIO, timeBase));
                } else {
                    write(packet, target, timeBase);
                }
            }
            return !videoDone;
        }

        private static void shiftOnto(AVPacket packet, AVRational timeBase, long shiftMicros) {
            long shift = av_rescale_q(shiftMicros, MICROS, timeBase);
            packet.pts(packet.pts() + shift);
            packet.dts(packet.dts() + shift);
        }

        /** Hands the packet to the muxer, which takes its data (the packet is left empty). */
        private void write(AVPacket packet, int target, AVRational timeBase) {
            av_packet_rescale_ts(packet, timeBase, muxer.stream(target).time_base());
            packet.stream_index(target);
            muxer.write(packet);
        }

        Cut finish() {
            if (!started) {
                throw new MediaException("no keyframe in the span");
            }
            muxer.finish();
            return new Cut(keyframeMicros, lastMicros, width, height);
        }

        @Override
        public void close() {
            av_packet_free(filtered);
            if (adts != null) {
                adts.close();
            }
            muxer.close();
        }
    }
}
