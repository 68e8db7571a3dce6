package io.stagepass.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FlvMediaTest {

    @Test
    void readsAnH264KeyframeWithItsCompositionTime() throws Exception {
        byte[] body = {0x17, 1, 0, 0, 80, 0, 0, 0, 2, 0x65, (byte) 0x88};

        FlvMedia.Video video = FlvMedia.video(body);

        assertThat(video.kind()).isEqualTo(FlvMedia.Kind.FRAME);
        assertThat(video.keyframe()).isTrue();
        assertThat(video.compositionTimeMillis()).isEqualTo(80);
        assertThat(video.data()).containsExactly(0, 0, 0, 2, 0x65, 0x88);
    }

    @Test
    void aNegativeCompositionTimeKeepsItsSign() throws Exception {
        byte[] body = {0x27, 1, (byte) 0xff, (byte) 0xff, (byte) 0xd8, 0, 0, 0, 1, 0x41};

        FlvMedia.Video video = FlvMedia.video(body);

        assertThat(video.keyframe()).isFalse();
        assertThat(video.compositionTimeMillis()).isEqualTo(-40);
    }

    @Test
    void readsTheConfigurationRecordAndTheAacHeader() throws Exception {
        assertThat(FlvMedia.video(new byte[] {0x17, 0, 0, 0, 0, 1, 0x64}).kind())
                .isEqualTo(FlvMedia.Kind.CONFIG);
        FlvMedia.Audio config = FlvMedia.audio(new byte[] {(byte) 0xaf, 0, 0x12, 0x10});
        assertThat(config.kind()).isEqualTo(FlvMedia.Kind.CONFIG);
        assertThat(config.data()).containsExactly(0x12, 0x10);
        assertThat(FlvMedia.audio(new byte[] {(byte) 0xaf, 1, 0x21}).kind()).isEqualTo(FlvMedia.Kind.FRAME);
    }

    @Test
    void hevcOverEnhancedRtmpIsRefusedWithWhatToSet() {
        byte[] body = {(byte) 0x91, 'h', 'v', 'c', '1', 0, 0, 0};

        assertThatThrownBy(() -> FlvMedia.video(body))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageContaining("HEVC")
                .hasMessageContaining("set the encoder to H.264");
    }

    @Test
    void av1AndLegacyHevcIdsAreRefused() {
        assertThatThrownBy(() -> FlvMedia.video(new byte[] {(byte) 0x90, 'a', 'v', '0', '1'}))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageContaining("AV1");
        assertThatThrownBy(() -> FlvMedia.video(new byte[] {0x1c, 0, 0, 0, 0}))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageContaining("HEVC");
    }

    @Test
    void mp3AudioIsRefusedWithWhatToSet() {
        assertThatThrownBy(() -> FlvMedia.audio(new byte[] {0x2f, 0x00}))
                .isInstanceOf(UnsupportedMediaException.class)
                .hasMessageContaining("MP3")
                .hasMessageContaining("AAC");
    }

    @Test
    void aTruncatedH264HeaderIsAProtocolError() {
        assertThatThrownBy(() -> FlvMedia.video(new byte[] {0x17, 1})).isInstanceOf(ProtocolException.class);
    }

    @Test
    void aGuestsMediaMessageBecomesTheFlvTagItWasWithTheTimestampsHighByteLast() {
        byte[] tag = RtmpConnection.flvTag(RtmpMessage.VIDEO, 0x12345678L, new byte[] {1, 2, 3});
        assertThat(tag)
                .containsExactly(
                        9, 0, 0, 3, // type, 24-bit size
                        0x34, 0x56, 0x78, 0x12, // timestamp: the low 24 bits, then the extended byte
                        0, 0, 0, // stream id
                        1, 2, 3, // the RTMP message's payload, FLV's tag body
                        0, 0, 0, 14); // PreviousTagSize: 11 + 3
    }

    @Test
    void onlyAStageKeyThatIsNoCreatorKeyIsAGuests() {
        assertThat(RtmpIngest.isGuestKey("stage_" + "A".repeat(120))).isTrue();
        assertThat(RtmpIngest.isGuestKey("stage_" + "A".repeat(10)))
                .as("a truncated guest key")
                .isTrue();
        assertThat(RtmpIngest.isGuestKey("stage_" + "A".repeat(26)))
                .as("a creator's 32-character key that happens to begin so")
                .isFalse();
        assertThat(RtmpIngest.isGuestKey(io.stagepass.events.StreamKeys.newKey()))
                .isFalse();
    }
}
