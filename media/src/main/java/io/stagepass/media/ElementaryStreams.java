package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_AAC;
import static org.bytedeco.ffmpeg.global.avcodec.AV_CODEC_ID_H264;
import static org.bytedeco.ffmpeg.global.avcodec.AV_INPUT_BUFFER_PADDING_SIZE;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_new_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_free;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;

import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.javacpp.BytePointer;

/**
 * Codec parameters and packets built from bytes that did not come out of an FFmpeg demuxer: an encoder's H.264
 * configuration record and AAC AudioSpecificConfig as RTMP carries them, and their frames.
 */
public final class ElementaryStreams {
    private ElementaryStreams() {}

    /** H.264 with its AVCDecoderConfigurationRecord (avcC) as extradata; frames are AVCC (length-prefixed). Free it. */
    public static AVCodecParameters h264(byte[] avcC) {
        AVCodecParameters parameters = avcodec_parameters_alloc();
        parameters.codec_type(AVMEDIA_TYPE_VIDEO);
        parameters.codec_id(AV_CODEC_ID_H264);
        setExtradata(parameters, avcC);
        return parameters;
    }

    /** AAC with its AudioSpecificConfig as extradata; frames are raw (no ADTS). Free it. */
    public static AVCodecParameters aac(byte[] audioSpecificConfig, int sampleRate, int channels) {
        AVCodecParameters parameters = avcodec_parameters_alloc();
        parameters.codec_type(AVMEDIA_TYPE_AUDIO);
        parameters.codec_id(AV_CODEC_ID_AAC);
        parameters.sample_rate(sampleRate);
        av_channel_layout_default(parameters.ch_layout(), channels);
        setExtradata(parameters, audioSpecificConfig);
        return parameters;
    }

    public static void free(AVCodecParameters parameters) {
        avcodec_parameters_free(parameters);
    }

    /** Fills {@code packet} (allocated, empty) with a copy of {@code data} and its timing, in its stream's time base. */
    public static void fill(AVPacket packet, byte[] data, int streamIndex, long pts, long dts, boolean key) {
        Av.check(av_new_packet(packet, data.length), "allocate a packet of " + data.length + " bytes");
        packet.data().put(data, 0, data.length);
        packet.stream_index(streamIndex);
        packet.pts(pts);
        packet.dts(dts);
        packet.flags(key ? AV_PKT_FLAG_KEY : 0);
    }

    private static void setExtradata(AVCodecParameters parameters, byte[] bytes) {
        BytePointer extradata = new BytePointer(av_mallocz(bytes.length + AV_INPUT_BUFFER_PADDING_SIZE));
        if (extradata.isNull()) {
            throw new MediaException("FFmpeg could not allocate " + bytes.length + " bytes of extradata");
        }
        extradata.put(bytes, 0, bytes.length);
        parameters.extradata(extradata);
        parameters.extradata_size(bytes.length);
    }
}
