package io.stagepass.jobs.replay;

import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;

import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.Encoder;
import io.stagepass.media.MediaException;
import io.stagepass.media.Muxer;
import io.stagepass.media.Pictures;
import java.nio.file.Path;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * A lower rendition of one segment (MPEG-TS, or fMP4 read through its init section), written as MPEG-TS: its pictures
 * decoded, scaled and encoded again with libopenh264 (the
 * bundled LGPL build's H.264 encoder; a keyframe first, so the segment plays on its own), its sound copied as it is.
 * Every timestamp is kept, so a player switches between the renditions at any segment boundary.
 */
public final class Renditions {
    /** The one lower rendition: 360 lines, what a phone on a slow connection still plays smoothly. */
    public static final String LOW = "360p";

    public static final int LOW_HEIGHT = 360;
    public static final long LOW_VIDEO_BITS = 800_000;

    /** The width of a scrub-bar thumbnail, as the replay's sprites have. */
    public static final int THUMBNAIL_WIDTH = 160;

    /**
     * What a rendition segment holds; {@code thumbnail} is a JPEG of its first picture, {@value #THUMBNAIL_WIDTH} wide
     * (null for one made before).
     */
    public record Made(int width, int height, String codecs, long pictures, byte[] thumbnail) {}

    private Renditions() {}

    /**
     * Writes the rendition of {@code source} to {@code target}: pictures {@code height} lines high (the width keeps
     * the aspect, even), H.264 at {@code videoBits}. Null when the source is not taller: a lower rendition would not be
     * lower. Throws {@link MediaException} when the segment cannot be read.
     */
    public static Made transcode(Path source, Path target, int height, long videoBits) {
        return transcode(source, null, target, height, videoBits);
    }

    /** The same for a segment that needs its fMP4 {@code init} section (null for MPEG-TS). */
    public static Made transcode(Path source, Path init, Path target, int height, long videoBits) {
        String url = init == null ? source.toString() : "concat:" + init + "|" + source;
        try (Demuxer in = Demuxer.open(url, init == null ? "mpegts" : "mov", true)) {
            int video = in.videoStream();
            if (video < 0) {
                throw new MediaException("the segment has no video stream");
            }
            AVStream pictures = in.stream(video);
            AVCodecParameters parameters = pictures.codecpar();
            if (parameters.height() <= height || parameters.width() <= 0) {
                return null;
            }
            int width = Math.max(2, (int) ((long) parameters.width() * height / parameters.height()) / 2 * 2);
            AVRational rate = frameRate(pictures);
            int keyframeInterval = Math.max(1, 2 * rate.num() / Math.max(1, rate.den()));
            int audio = in.audioStream();
            long[] encoded = {0};
            byte[][] thumbnail = {null};
            int thumbnailHeight = Math.max(2, (int) ((long) THUMBNAIL_WIDTH * height / width) / 2 * 2);
            try (Muxer out = Muxer.create("mpegts", target.toString());
                    Decoder decoder = Decoder.open(parameters, 1);
                    Encoder encoder = Encoder.h264(
                                    width,
                                    height,
                                    rate,
                                    pictures.time_base(),
                                    keyframeInterval,
                                    videoBits,
                                    out.needsGlobalHeader())
                            .into(out)) {
                AVStream sound = audio < 0
                        ? null
                        : out.addStream(
                                in.stream(audio).codecpar(), in.stream(audio).time_base());
                out.start(Map.of("mpegts_copyts", "1")); // the source's timestamps, not ones starting at 1.4 s
                for (AVPacket packet = in.next(); packet != null; packet = in.next()) {
                    if (packet.stream_index() == video) {
                        decoder.decode(packet, picture -> {
                            if (thumbnail[0] == null) {
                                thumbnail[0] = thumbnail(picture, thumbnailHeight);
                            }
                            encode(picture, encoder, width, height, encoded);
                        });
                    } else if (sound != null && packet.stream_index() == audio) {
                        av_packet_rescale_ts(packet, in.stream(audio).time_base(), sound.time_base());
                        packet.stream_index(sound.index());
                        out.write(packet);
                    }
                }
                decoder.decode(null, picture -> encode(picture, encoder, width, height, encoded));
                encoder.encode(null);
                out.finish();
            }
            if (encoded[0] == 0) {
                throw new MediaException("no picture of the segment could be decoded");
            }
            return new Made(width, height, codecs(target), encoded[0], thumbnail[0]);
        }
    }

    /** A JPEG of the picture, {@value #THUMBNAIL_WIDTH} wide. */
    private static byte[] thumbnail(AVFrame picture, int height) {
        AVFrame scaled = Pictures.scaled(picture, THUMBNAIL_WIDTH, height); // full range, as JPEG wants
        try {
            return Pictures.jpeg(scaled);
        } finally {
            Pictures.free(scaled);
        }
    }

    private static void encode(AVFrame picture, Encoder encoder, int width, int height, long[] encoded) {
        long pts = picture.best_effort_timestamp() != AV_NOPTS_VALUE ? picture.best_effort_timestamp() : picture.pts();
        if (pts == AV_NOPTS_VALUE) {
            return; // a picture with no time cannot be placed
        }
        AVFrame scaled = Pictures.scaled(picture, width, height, AV_PIX_FMT_YUV420P);
        try {
            scaled.pts(pts);
            encoder.encode(scaled);
            encoded[0]++;
        } finally {
            Pictures.free(scaled);
        }
    }

    /** The stream's frame rate, 25 when it does not say. */
    private static AVRational frameRate(AVStream stream) {
        AVRational rate = stream.avg_frame_rate();
        if (rate.num() <= 0 || rate.den() <= 0) {
            rate = stream.r_frame_rate();
        }
        return rate.num() > 0 && rate.den() > 0 ? av_make_q(rate.num(), rate.den()) : av_make_q(25, 1);
    }

    /** What a rendition segment made before holds (a redelivered fact publishes it again). */
    public static Made describe(Path segment) {
        try (Demuxer in = Demuxer.open(segment.toString(), "mpegts", true)) {
            int video = in.videoStream();
            if (video < 0) {
                throw new MediaException("the rendition segment has no video stream");
            }
            AVCodecParameters parameters = in.stream(video).codecpar();
            return new Made(parameters.width(), parameters.height(), codecs(segment), 0, null);
        }
    }

    /** The RFC 6381 codecs of what was written, read back from the file (the SPS the encoder put there). */
    private static String codecs(Path target) {
        try (Demuxer out = Demuxer.open(target.toString(), "mpegts", true)) {
            AVCodecParameters video = out.stream(out.videoStream()).codecpar();
            byte[] extradata = null;
            if (video.extradata_size() > 0) {
                extradata = new byte[video.extradata_size()];
                video.extradata().get(extradata);
            }
            String codecs = Codecs.avc1(extradata, video.profile(), video.level());
            int audio = out.audioStream();
            return audio < 0
                    ? codecs
                    : codecs + "," + Codecs.mp4a(out.stream(audio).codecpar().profile());
        }
    }
}
