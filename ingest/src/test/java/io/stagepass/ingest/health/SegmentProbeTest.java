package io.stagepass.ingest.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.media.GeneratedLive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void bytesThatAreNotMpegTsAreUnreadableNotAnError() throws Exception {
        Path garbage = Files.write(dir.resolve("garbage.ts"), "not a transport stream".getBytes());

        SegmentMedia media = SegmentProbe.mpegTs(garbage, true);

        assertThat(media.readable()).isFalse();
        assertThat(media.problem()).isNotBlank();
    }
}
