package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SampleRingTest {
    /** Today's clock, in microseconds: the products with the rate must not overflow. */
    private static final long NOW = 1_796_000_000_000_000L;

    @Test
    void samplesAreReadBackAtTheirInstantAndWhatWasNeverWrittenIsSilence() {
        SampleRing ring = new SampleRing(48_000, 2);
        float[][] block = {{0.1f, 0.2f, 0.3f}, {-0.1f, -0.2f, -0.3f}};
        ring.write(NOW, block);
        float[][] read = ring.read(NOW - 2 * 1_000_000 / 48_000, 6);
        assertThat(read[0]).containsExactly(0f, 0f, 0.1f, 0.2f, 0.3f, 0f);
        assertThat(read[1]).containsExactly(0f, 0f, -0.1f, -0.2f, -0.3f, 0f);
    }

    @Test
    void whatTheRingNoLongerHoldsReadsAsSilenceNotAsNewerSamples() {
        SampleRing ring = new SampleRing(48_000, 1);
        ring.write(NOW, new float[][] {{0.5f}, {0.5f}});
        ring.write(NOW + 1_000_000, new float[][] {{0.9f}, {0.9f}}); // the same slot, a second later
        assertThat(ring.read(NOW, 1)[0]).containsExactly(0f);
        assertThat(ring.read(NOW + 1_000_000, 1)[0]).containsExactly(0.9f);
    }
}
