package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

class ListeningTest {
    /** Today's clock, in microseconds: the products with the rate must not overflow. */
    private static final long NOW = 1_796_000_000_000_123L;

    @Test
    void anInstantAndItsSampleIndexConvertBothWaysWithoutOverflow() {
        for (long index = Listening.index(NOW); index < Listening.index(NOW) + 200; index++) {
            assertThat(Listening.index(Listening.micros(index))).isEqualTo(index);
        }
        assertThat(Listening.index(NOW + 1_000_000) - Listening.index(NOW)).isEqualTo(48_000);
    }

    @Test
    void stereoBecomesMonoSixteenBitLittleEndianAndLoudSoundIsClipped() {
        byte[] pcm = Listening.pcm(new float[][] {{0.5f, 1.0f, -2.0f}, {0.5f, 0.0f, -2.0f}});
        ByteBuffer samples = ByteBuffer.wrap(pcm).order(ByteOrder.LITTLE_ENDIAN);
        assertThat(pcm).hasSize(6);
        assertThat(samples.getShort()).isEqualTo((short) 16384);
        assertThat(samples.getShort()).isEqualTo((short) 16384);
        assertThat(samples.getShort()).isEqualTo((short) -32767);
    }
}
