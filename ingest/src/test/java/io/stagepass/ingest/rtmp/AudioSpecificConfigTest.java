package io.stagepass.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AudioSpecificConfigTest {

    @Test
    void readsAacLowComplexityAt44100Stereo() throws Exception {
        assertThat(AudioSpecificConfig.parse(new byte[] {0x12, 0x10})).isEqualTo(new AudioSpecificConfig(2, 44100, 2));
    }

    @Test
    void readsAacLowComplexityAt48000Mono() throws Exception {
        assertThat(AudioSpecificConfig.parse(new byte[] {0x11, (byte) 0x88}))
                .isEqualTo(new AudioSpecificConfig(2, 48000, 1));
    }

    @Test
    void readsAnExplicitSampleRate() throws Exception {
        // object type 2, frequency index 15, rate 0x00AC44 (44100), 2 channels
        byte[] config = {0x17, (byte) 0x80, 0x56, 0x22, 0x10};
        assertThat(AudioSpecificConfig.parse(config)).isEqualTo(new AudioSpecificConfig(2, 44100, 2));
    }

    @Test
    void refusesAReservedRateAndAMissingChannelConfiguration() {
        assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[] {0x16, (byte) 0x90}))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("reserved");
        assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[] {0x12, 0x00}))
                .isInstanceOf(ProtocolException.class)
                .hasMessageContaining("channel");
        assertThatThrownBy(() -> AudioSpecificConfig.parse(new byte[] {0x12})).isInstanceOf(ProtocolException.class);
    }
}
