package io.stagepass.jobs.replay;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_clone;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.events.StreamKeys;
import io.stagepass.media.BitstreamFilter;
import io.stagepass.media.Demuxer;
import io.stagepass.media.MediaException;
import io.stagepass.media.Muxer;
import io.stagepass.media.Packets;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * The mux stage of incremental packaging: one stored segment, without re-encoding, becomes one CMAF fragment
 * ({@code moof} + {@code mdat}) on the replay's timeline, numbered and timed so that fragments made one at a time, by
 * any worker, in any process, line up as if one muxer had written them all. FFmpeg's MP4 muxer writes the segment as
 * a fresh fragmented file (so no muxer lives between segments, and nothing but {@link Timeline} carries over); the
 * fragment's {@code mfhd} sequence and {@code tfdt} decode times are then set from the timeline ({@link Fragments}).
 */
final class SegmentMux {
    private static final AVRational MICROS = av_make_q(1, 1_000_000);
    static final int VIDEO = 0;
    static final int AUDIO = 1;
    /** A run's timeline starts once both streams showed a packet, or after this many (a stream may be missing). */
    private static final int FIRST_PACKETS = 64;

    private SegmentMux() {}

    /**
     * Where one rendition's timeline stands between segments: all the next segment needs, and what a checkpoint
     * stores. Public fields: it is written and read back as JSON.
     */
    static final class Timeline {
        /** The current run (a stretch without discontinuity), -1 before the first. */
        public int run = -1;
        /** How the current run's timestamps move onto the replay timeline; null until its first packets decide. */
        public Long shiftMicros;

        public long lastVideoDtsMicros = Long.MIN_VALUE;
        public long lastAudioDtsMicros = Long.MIN_VALUE;
        /** Where the timeline has reached: the next run starts here. */
        public long endMicros;
        /** Fragments written so far: the next one's {@code mfhd} sequence is this plus one. */
        public int fragments;
        /** Packets dropped because their timestamps went backwards. */
        public long dropped;

        Timeline copy() {
            Timeline copy = new Timeline();
            copy.run = run;
            copy.shiftMicros = shiftMicros;
            copy.lastVideoDtsMicros = lastVideoDtsMicros;
            copy.lastAudioDtsMicros = lastAudioDtsMicros;
            copy.endMicros = endMicros;
            copy.fragments = fragments;
            copy.dropped = dropped;
            return copy;
        }
    }

    /** A keyframe of the segment at a time on the replay's timeline, for the thumbnails. */
    interface KeyframeTap {
        void keyframe(AVPacket packet, long atMicros, AVCodecParameters video);
    }

    /** What one segment became. */
    record Muxed(
            byte[] init,
            byte[] fragment,
            int sequence,
            long startMicros,
            long endMicros,
            long videoTimescale,
            long videoStartTicks,
            long videoTicks,
            String parameters,
            Description description,
            int packets) {}

    /** What the master playlist says of a rendition, read from its first segment. */
    record Description(String codecs, int width, int height, String frameRate) {}

    private record Packet(AVPacket packet, int target, AVRational timeBase) {}

    /**
     * Muxes a segment as the next piece of {@code timeline} (which it advances): a new run when {@code newRun}, its
     * shift then {@code givenShiftMicros} (a lower rendition follows the source's) or decided from its first packets.
     */
    static Muxed mux(
            Demuxer segment,
            boolean mpegTs,
            Timeline timeline,
            boolean newRun,
            Long givenShiftMicros,
            KeyframeTap tap) {
        int video = segment.videoStream();
        if (video < 0) {
            throw new IllegalArgumentException("no video stream");
        }
        int audio = segment.audioStream();
        AVCodecParameters videoParameters = segment.stream(video).codecpar();
        List<Packet> packets = new ArrayList<>();
        BitstreamFilter adts = null;
        try {
            for (AVPacket packet = segment.next(); packet != null; packet = segment.next()) {
                int index = packet.stream_index();
                int target = index == video ? VIDEO : index == audio ? AUDIO : -1;
                if (target >= 0 && Packets.timestamped(packet)) {
                    AVRational base = segment.stream(index).time_base();
                    packets.add(new Packet(av_packet_clone(packet), target, av_make_q(base.num(), base.den())));
                }
            }
            if (packets.isEmpty()) {
                throw new MediaException("it holds no audio or video packets");
            }
            boolean hasAudio = audio >= 0 && packets.stream().anyMatch(p -> p.target() == AUDIO);
            if (newRun) {
                timeline.run++;
                timeline.shiftMicros =
                        givenShiftMicros != null ? givenShiftMicros : firstShift(packets, hasAudio, timeline);
            }
            fillDurations(packets);
            AVCodecParameters audioParameters = null;
            if (hasAudio) {
                audioParameters = segment.stream(audio).codecpar();
                if (mpegTs) {
                    adts = BitstreamFilter.open(
                            "aac_adtstoasc",
                            audioParameters,
                            segment.stream(audio).time_base());
                    audioParameters = adts.outputParameters();
                }
            }
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            long[] first = {Long.MIN_VALUE, Long.MIN_VALUE};
            long[] videoTicks = {0};
            long startMicros = Long.MAX_VALUE;
            long endMicros = timeline.endMicros;
            int written = 0;
            long videoTimescale;
            try (Muxer muxer = Muxer.toSink("mp4", "a replay fragment", bytes::writeBytes)) {
                muxer.addStream(videoParameters, segment.stream(video).time_base());
                if (hasAudio) {
                    muxer.addStream(audioParameters, segment.stream(audio).time_base());
                }
                // delay_moov: the init section is written with the first fragment, once the sound's AudioSpecificConfig
                // came out of aac_adtstoasc with the first packet; written at the header, it lacks it, and browsers'
                // Media Source Extensions refuse the track (FFmpeg's own readers do not mind).
                muxer.start(Map.of(
                        "movflags", "frag_custom+empty_moov+delay_moov+default_base_moof+skip_trailer",
                        "use_editlist", "0",
                        "avoid_negative_ts", "disabled",
                        "fflags", "+bitexact"));
                AVRational videoBase = muxer.stream(VIDEO).time_base();
                videoTimescale = videoBase.den() / Math.max(1, videoBase.num());
                AVPacket filtered = av_packet_alloc();
                try {
                    for (Packet p : packets) {
                        AVPacket packet = p.packet();
                        if (!shift(packet, p.timeBase(), p.target(), timeline)) {
                            timeline.dropped++;
                            continue;
                        }
                        if (p.target() == AUDIO && !hasAudio) {
                            continue;
                        }
                        long atMicros = av_rescale_q(packet.dts(), p.timeBase(), MICROS);
                        endMicros = Math.max(
                                endMicros,
                                av_rescale_q(packet.pts() + Math.max(0, packet.duration()), p.timeBase(), MICROS));
                        if (p.target() == VIDEO) {
                            startMicros = Math.min(startMicros, atMicros);
                            if (tap != null && (packet.flags() & AV_PKT_FLAG_KEY) != 0) {
                                tap.keyframe(packet, av_rescale_q(packet.pts(), p.timeBase(), MICROS), videoParameters);
                            }
                        }
                        int target = p.target();
                        AVRational base = p.timeBase();
                        if (target == AUDIO && adts != null) {
                            adts.filter(packet, filtered, out -> write(muxer, out, target, base, first, videoTicks));
                        } else {
                            write(muxer, packet, target, base, first, videoTicks);
                        }
                        written++;
                    }
                } finally {
                    av_packet_free(filtered);
                }
                if (written == 0 || first[VIDEO] == Long.MIN_VALUE) {
                    throw new MediaException("none of its video packets comes after the previous segment's");
                }
                muxer.finish();
            }
            Fragments.Split split = Fragments.split(bytes.toByteArray());
            int sequence = ++timeline.fragments;
            Map<Integer, Long> times = new TreeMap<>();
            times.put(1, first[VIDEO]);
            if (hasAudio && first[AUDIO] != Long.MIN_VALUE) {
                times.put(2, first[AUDIO]);
            }
            Fragments.place(split.fragment(), sequence, times);
            timeline.endMicros = endMicros;
            return new Muxed(
                    split.init(),
                    split.fragment(),
                    sequence,
                    startMicros,
                    endMicros,
                    videoTimescale,
                    first[VIDEO],
                    videoTicks[0],
                    parameters(videoParameters, audioParameters, videoTimescale)
                            + (mpegTs ? "" : " init " + StreamKeys.sha256(split.init())),
                    describe(segment, video, hasAudio ? audio : -1),
                    written);
        } finally {
            packets.forEach(p -> av_packet_free(p.packet()));
            if (adts != null) {
                adts.close();
            }
        }
    }

    /**
     * A run starts at the timeline's end with its earliest packet among the first ones (until each stream showed
     * one): B-frames put a video dts before its pts, AAC priming puts audio before video, and none is cut.
     */
    private static long firstShift(List<Packet> packets, boolean hasAudio, Timeline timeline) {
        long earliest = Long.MAX_VALUE;
        boolean[] seen = new boolean[2];
        int count = 0;
        for (Packet p : packets) {
            earliest = Math.min(earliest, av_rescale_q(p.packet().dts(), p.timeBase(), MICROS));
            seen[p.target()] = true;
            if (seen[VIDEO] && (seen[AUDIO] || !hasAudio) || ++count >= FIRST_PACKETS) {
                break;
            }
        }
        return timeline.endMicros - earliest;
    }

    /** Packets without a duration get the time to the next of their stream (the last, the one before it's). */
    private static void fillDurations(List<Packet> packets) {
        for (int target = 0; target < 2; target++) {
            Packet previous = null;
            long lastDuration = 0;
            for (Packet p : packets) {
                if (p.target() != target) {
                    continue;
                }
                if (previous != null && previous.packet().duration() <= 0) {
                    long gap = av_rescale_q(p.packet().dts(), p.timeBase(), previous.timeBase())
                            - previous.packet().dts();
                    previous.packet().duration(Math.max(0, gap));
                }
                if (previous != null && previous.packet().duration() > 0) {
                    lastDuration = previous.packet().duration();
                }
                previous = p;
            }
            if (previous != null && previous.packet().duration() <= 0) {
                previous.packet().duration(lastDuration);
            }
        }
    }

    /** Moves a packet onto the timeline; false when it must be dropped (not after the previous of its stream). */
    private static boolean shift(AVPacket packet, AVRational timeBase, int target, Timeline timeline) {
        long shift = av_rescale_q(timeline.shiftMicros, MICROS, timeBase);
        packet.dts(packet.dts() + shift);
        packet.pts(packet.pts() + shift);
        long dtsMicros = av_rescale_q(packet.dts(), timeBase, MICROS);
        long last = target == VIDEO ? timeline.lastVideoDtsMicros : timeline.lastAudioDtsMicros;
        if (dtsMicros < 0 || dtsMicros <= last) {
            return false;
        }
        if (target == VIDEO) {
            timeline.lastVideoDtsMicros = dtsMicros;
        } else {
            timeline.lastAudioDtsMicros = dtsMicros;
        }
        return true;
    }

    private static void write(
            Muxer muxer, AVPacket packet, int target, AVRational timeBase, long[] first, long[] videoTicks) {
        packet.stream_index(target);
        av_packet_rescale_ts(packet, timeBase, muxer.stream(target).time_base());
        if (first[target] == Long.MIN_VALUE) {
            first[target] = packet.dts();
        }
        if (target == VIDEO) {
            videoTicks[0] = packet.dts() + Math.max(0, packet.duration()) - first[VIDEO];
        }
        muxer.writeInOrder(packet);
    }

    /**
     * What must not change within one MP4 track of the download: what the whole-replay packager compares (the codecs,
     * the picture size, the sound's rate and channels), and the video timescale the fragments' times are counted in.
     */
    static String parameters(AVCodecParameters video, AVCodecParameters audio, long videoTimescale) {
        return Remuxer.parameters(video, audio) + " timescale " + videoTimescale;
    }

    private static Description describe(Demuxer first, int video, int audio) {
        AVCodecParameters v = first.stream(video).codecpar();
        byte[] extradata = null;
        if (v.extradata_size() > 0) {
            extradata = new byte[v.extradata_size()];
            v.extradata().get(extradata);
        }
        String codecs = Codecs.avc1(extradata, v.profile(), v.level());
        if (audio >= 0) {
            codecs += "," + Codecs.mp4a(first.stream(audio).codecpar().profile());
        }
        AVRational rate = first.stream(video).avg_frame_rate();
        String frameRate = null;
        if (rate.num() > 0 && rate.den() > 0) {
            long milli = (rate.num() * 1000L + rate.den() / 2) / rate.den();
            frameRate = milli / 1000 + "." + String.format("%03d", milli % 1000);
        }
        return new Description(codecs, v.width(), v.height(), frameRate);
    }
}
