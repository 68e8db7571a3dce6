package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_FLTP;
import static org.bytedeco.ffmpeg.global.avutil.av_channel_layout_default;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_alloc;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;
import static org.bytedeco.ffmpeg.global.avutil.av_frame_unref;
import static org.bytedeco.ffmpeg.global.swresample.swr_alloc_set_opts2;
import static org.bytedeco.ffmpeg.global.swresample.swr_convert_frame;
import static org.bytedeco.ffmpeg.global.swresample.swr_free;
import static org.bytedeco.ffmpeg.global.swresample.swr_init;

import org.bytedeco.ffmpeg.avutil.AVChannelLayout;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.bytedeco.ffmpeg.swresample.SwrContext;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * Decoded audio of any layout, format and rate as 48 kHz stereo float samples, the one form a mix adds up. The
 * resampler is made for the first frame and again whenever the input's format changes.
 */
public final class Resampler implements AutoCloseable {
    public static final int RATE = 48_000;
    public static final int CHANNELS = 2;

    private final AVFrame out = av_frame_alloc();
    private final AVChannelLayout stereo = new AVChannelLayout();
    private SwrContext context;
    private int inRate;
    private int inFormat = -1;
    private int inChannels;

    public Resampler() {
        av_channel_layout_default(stereo, CHANNELS);
    }

    /** Samples of {@code frame} (decoded audio) at 48 kHz: {@code [channel][sample]}; possibly none yet. */
    public float[][] convert(AVFrame frame) {
        if (context == null
                || frame.sample_rate() != inRate
                || frame.format() != inFormat
                || frame.ch_layout().nb_channels() != inChannels) {
            open(frame);
        }
        av_frame_unref(out);
        out.ch_layout(stereo).sample_rate(RATE).format(AV_SAMPLE_FMT_FLTP);
        Av.check(swr_convert_frame(context, out, frame), "resample audio");
        int n = out.nb_samples();
        float[][] samples = new float[CHANNELS][n];
        for (int c = 0; c < CHANNELS; c++) {
            new FloatPointer(out.data(c)).get(samples[c], 0, n);
        }
        return samples;
    }

    private void open(AVFrame frame) {
        free();
        SwrContext created = new SwrContext(null);
        PointerPointer<SwrContext> holder = new PointerPointer<SwrContext>(1);
        holder.put(0, created);
        try {
            Av.check(
                    swr_alloc_set_opts2(
                            holder,
                            stereo,
                            AV_SAMPLE_FMT_FLTP,
                            RATE,
                            frame.ch_layout(),
                            frame.format(),
                            frame.sample_rate(),
                            0,
                            null),
                    "set up the audio resampler");
            context = new SwrContext(holder.get(0));
        } finally {
            holder.close();
        }
        Av.check(swr_init(context), "start the audio resampler");
        inRate = frame.sample_rate();
        inFormat = frame.format();
        inChannels = frame.ch_layout().nb_channels();
    }

    private void free() {
        if (context != null) {
            swr_free(context);
            context = null;
        }
    }

    @Override
    public void close() {
        free();
        av_frame_free(out);
        stereo.close();
    }
}
