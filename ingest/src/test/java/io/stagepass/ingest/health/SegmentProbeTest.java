package io.stagepass.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.AV_SAMPLE_FMT_NONE;

import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.media.Demuxer;
import io.stagepass.media.GeneratedLive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The probe reads real MPEG-TS segments, written by FFmpeg's HLS muxer as an encoder would push them. */
class SegmentProbeTest {
    @TempDir
    Path dir;

    @Test
    void aSegmentsCodecsFramesAndKeyframesAreRead() {
        GeneratedLive.writeHls(dir, GeneratedLive.Spec.demo(Duration.ofSeconds(4)));

        SegmentMedia first = SegmentProbe.mpegTs(dir.resolve("index0.ts"), true);
        SegmentMedia second = SegmentProbe.mpegTs(dir.resolve("index1.ts"), false);

        assertThat(first.readable()).isTrue();
        assertThat(first.videoCodec()).isEqualTo("h264");
        assertThat(first.videoProfile()).isNotBlank();
        assertThat(first.width()).isEqualTo(640);
        assertThat(first.height()).isEqualTo(360);
        assertThat(first.videoFrames()).isEqualTo(50); // 2 s at 25 fps
        assertThat(first.videoMillis()).isEqualTo(2_000);
        assertThat(first.keyframesMillis()).hasSize(1);
        assertThat(first.audioCodec()).isEqualTo("aac");
        assertThat(first.audioSampleRate()).isEqualTo(48_000);
        assertThat(first.audioBytes()).isPositive();
        assertThat(second.width()).as("not asked for").isZero();
        assertThat(second.videoCodec()).isEqualTo("h264");
        assertThat(second.videoFrames()).isEqualTo(50);
        assertThat(second.audioCodec()).isEqualTo("aac");
        assertThat(second.keyframesMillis().get(0) - first.keyframesMillis().get(0))
                .as("keyframes 2 s apart on the stream's timeline")
                .isEqualTo(2_000);
        assertThat(second.videoStartMillis()).isEqualTo(first.videoEndMillis());
    }

    @Test
    void aCodecWeDoNotTakeIsNamedButNeverDecoded() throws Exception {
        FfmpegCli.assumeAvailable();
        // HEVC video (not in the bundled FFmpeg's decoders at all) and Opus audio (whose decoder it has)
        Path other = dir.resolve("other.ts");
        Process ffmpeg = new ProcessBuilder(
                        "ffmpeg",
                        "-hide_banner",
                        "-loglevel",
                        "error",
                        "-f",
                        "lavfi",
                        "-i",
                        "testsrc2=duration=2:size=320x180:rate=25",
                        "-f",
                        "lavfi",
                        "-i",
                        "sine=duration=2",
                        "-c:v",
                        "libx265",
                        "-c:a",
                        "libopus",
                        "-f",
                        "mpegts",
                        other.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("ffmpeg.log").toFile())
                .start();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS) && ffmpeg.exitValue() == 0)
                .as("ffmpeg made the segment: %s", Files.readString(dir.resolve("ffmpeg.log")))
                .isTrue();

        SegmentMedia media = SegmentProbe.mpegTs(other, true);

        assertThat(media.readable()).isTrue();
        assertThat(media.videoCodec()).isEqualTo("hevc");
        assertThat(media.videoFrames()).isEqualTo(50);
        assertThat(media.audioCodec()).isEqualTo("opus");
        // Only a decoder fills in the sample format: the Opus decoder is there, but not on the whitelist.
        try (Demuxer demuxer = Demuxer.open(other.toString(), "mpegts", true, SegmentProbe.UNTRUSTED)) {
            assertThat(demuxer.stream(demuxer.audioStream()).codecpar().format())
                    .as("Opus: no decoder opened")
                    .isEqualTo(AV_SAMPLE_FMT_NONE);
        }
        GeneratedLive.writeHls(dir, GeneratedLive.Spec.demo(Duration.ofSeconds(2)));
        try (Demuxer demuxer =
                Demuxer.open(dir.resolve("index0.ts").toString(), "mpegts", true, SegmentProbe.UNTRUSTED)) {
            assertThat(demuxer.stream(demuxer.audioStream()).codecpar().format())
                    .as("AAC: decoded")
                    .isNotEqualTo(AV_SAMPLE_FMT_NONE);
        }
    }

    @Test
    void bytesThatAreNotMpegTsAreUnreadableNotAnError() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.ts"), "not a transport stream".getBytes());

        SegmentMedia media = SegmentProbe.mpegTs(garbage, true);

        assertThat(media.readable()).isFalse();
        assertThat(media.problem()).isNotBlank();
    }
}
