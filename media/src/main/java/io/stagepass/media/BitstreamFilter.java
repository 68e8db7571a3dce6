package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_get_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_init;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_send_packet;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EAGAIN;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;

import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avcodec.AVBSFContext;
import org.bytedeco.ffmpeg.avcodec.AVBitStreamFilter;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * A bitstream filter between a demuxer and a muxer, e.g. {@code aac_adtstoasc}: MPEG-TS carries AAC with ADTS headers,
 * MP4 wants them gone and the AudioSpecificConfig in the stream's extradata ({@link #outputParameters()}).
 */
public final class BitstreamFilter implements AutoCloseable {
    private final AVBSFContext context;

    private BitstreamFilter(AVBSFContext context) {
        this.context = context;
    }

    public static BitstreamFilter open(String name, AVCodecParameters input, AVRational timeBase) {
        AVBitStreamFilter filter = av_bsf_get_by_name(name);
        if (filter == null) {
            throw new MediaException("the bundled FFmpeg has no bitstream filter " + name);
        }
        AVBSFContext context = new AVBSFContext(null);
        Av.check(av_bsf_alloc(filter, context), "allocate the " + name + " filter");
        BitstreamFilter bsf = new BitstreamFilter(context);
        try {
            Av.check(avcodec_parameters_copy(context.par_in(), input), "configure the " + name + " filter");
            context.time_base_in(timeBase);
            Av.check(av_bsf_init(context), "start the " + name + " filter");
            return bsf;
        } catch (RuntimeException e) {
            bsf.close();
            throw e;
        }
    }

    /** The stream parameters after filtering: what an output stream of this filter's packets is. */
    public AVCodecParameters outputParameters() {
        return context.par_out();
    }

    /** Filters one packet (taking its data) and hands each resulting packet to {@code out}, which may take it. */
    public void filter(AVPacket packet, AVPacket scratch, Consumer<AVPacket> out) {
        Av.check(av_bsf_send_packet(context, packet), "filter a packet");
        while (true) {
            int result = av_bsf_receive_packet(context, scratch);
            if (result == AVERROR_EAGAIN() || result == AVERROR_EOF) {
                return;
            }
            Av.check(result, "filter a packet");
            out.accept(scratch);
        }
    }

    @Override
    public void close() {
        av_bsf_free(context);
    }
}
