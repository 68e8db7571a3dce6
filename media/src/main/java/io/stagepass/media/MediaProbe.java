package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.avcodec_get_name;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.javacpp.PointerPointer;

/** What FFmpeg's demuxers see in a media file: its streams and their codecs, as {@code ffprobe} would list them. */
public final class MediaProbe {
    /** One stream: {@code video} or {@code audio} (else {@code other}), the codec's short name and its main parameters. */
    public record Stream(String type, String codec, int width, int height, int sampleRate, int channels) {}

    private MediaProbe() {}

    /** The streams of the file (or URL) at {@code url}. */
    public static List<Stream> streams(String url) {
        FfmpegLog.install();
        AVFormatContext input = new AVFormatContext(null);
        Av.check(avformat_open_input(input, url, null, (AVDictionary) null), "open " + url);
        try {
            Av.check(avformat_find_stream_info(input, (PointerPointer<?>) null), "read the streams of " + url);
            List<Stream> streams = new ArrayList<>();
            for (int i = 0; i < input.nb_streams(); i++) {
                AVCodecParameters parameters = input.streams(i).codecpar();
                int kind = parameters.codec_type();
                streams.add(new Stream(
                        kind == AVMEDIA_TYPE_VIDEO ? "video" : kind == AVMEDIA_TYPE_AUDIO ? "audio" : "other",
                        avcodec_get_name(parameters.codec_id()).getString(),
                        parameters.width(),
                        parameters.height(),
                        parameters.sample_rate(),
                        parameters.ch_layout().nb_channels()));
            }
            return streams;
        } finally {
            avformat_close_input(input);
        }
    }
}
