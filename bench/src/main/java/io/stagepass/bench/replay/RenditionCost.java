package io.stagepass.bench.replay;

import static org.bytedeco.ffmpeg.global.avutil.AV_PIX_FMT_YUV420P;

import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.Encoder;
import io.stagepass.media.Muxer;
import io.stagepass.media.Pictures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * What a 360p rendition would cost: a sample of the live decoded, scaled and encoded again with the bundled
 * libopenh264 (the only H.264 encoder of the LGPL build), in this process, into FFmpeg's null muxer.
 */
final class RenditionCost {
    /** Seconds of live the sample holds and the seconds it took. */
    record Result(double liveSeconds, double seconds) {
        double realtime() {
            return liveSeconds / seconds;
        }
    }

    private RenditionCost() {}

    static Result measure(List<Path> segments, int sampleSegments) throws Exception {
        List<Path> sample = segments.subList(0, Math.min(sampleSegments, segments.size()));
        long[] frames = {0};
        long start = System.nanoTime();
        try (Demuxer first = Demuxer.open(sample.get(0).toString(), "mpegts", true);
                Decoder decoder = Decoder.open(first.stream(first.videoStream()).codecpar(), 0);
                Muxer sink = Muxer.create("null", "/dev/null");
                Encoder encoder = Encoder.h264(640, 360, 25, 50, 800_000, false).into(sink)) {
            sink.start(Map.of());
            for (Path segment : sample) {
                try (Demuxer in = Demuxer.open(segment.toString(), "mpegts", false)) {
                    int video = in.videoStream();
                    for (AVPacket packet = in.next(); packet != null; packet = in.next()) {
                        if (packet.stream_index() == video) {
                            decoder.decode(packet, picture -> encode(picture, encoder, frames));
                        }
                    }
                }
            }
            decoder.decode(null, picture -> encode(picture, encoder, frames));
            encoder.encode(null);
            sink.finish();
        }
        return new Result(frames[0] / 25.0, (System.nanoTime() - start) / 1e9);
    }

    private static void encode(AVFrame picture, Encoder encoder, long[] frames) {
        AVFrame scaled = Pictures.scaled(picture, 640, 360, AV_PIX_FMT_YUV420P);
        try {
            scaled.pts(frames[0]++);
            encoder.encode(scaled);
        } finally {
            Pictures.free(scaled);
        }
    }
}
