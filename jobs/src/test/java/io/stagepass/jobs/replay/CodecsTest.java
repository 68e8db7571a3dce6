package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CodecsTest {
    @Test
    void avc1IsReadFromAnAvcCBox() {
        // configurationVersion 1, profile 100 (High), constraint flags 0, level 31
        byte[] avcC = {1, 0x64, 0x00, 0x1f, (byte) 0xff, (byte) 0xe1};
        assertThat(Codecs.avc1(avcC, 77, 40)).isEqualTo("avc1.64001f");
    }

    @Test
    void avc1IsReadFromTheSpsOfAnnexBStartCodes() {
        // a PPS-less extradata: start code, SPS (NAL type 7) with profile 66 (Baseline), flags 0xc0, level 30
        byte[] annexB = {0, 0, 0, 1, 0x67, 0x42, (byte) 0xc0, 0x1e, 0x11};
        assertThat(Codecs.avc1(annexB, 100, 31)).isEqualTo("avc1.42c01e");
    }

    @Test
    void withoutAnSpsTheProfileAndLevelTheDecoderReportedAreUsed() {
        assertThat(Codecs.avc1(null, 100, 40)).isEqualTo("avc1.640028");
        assertThat(Codecs.avc1(new byte[] {0, 0, 1, 0x68, 1, 2, 3}, 77, 30))
                .as("a PPS only")
                .isEqualTo("avc1.4d001e");
    }

    @Test
    void mp4aIsTheAudioObjectTypeFfmpegsProfilePlusOneAndLcWhenUnknown() {
        assertThat(Codecs.mp4a(1)).isEqualTo("mp4a.40.2"); // FFmpeg's FF_PROFILE_AAC_LOW = 1
        assertThat(Codecs.mp4a(4)).isEqualTo("mp4a.40.5"); // HE-AAC
        assertThat(Codecs.mp4a(-99)).isEqualTo("mp4a.40.2");
    }
}
