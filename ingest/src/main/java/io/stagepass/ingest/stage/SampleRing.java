package io.stagepass.ingest.stage;

import java.util.Arrays;

/**
 * The last seconds of a guest's sound, each sample at its instant on ingest's clock. Samples are written where their
 * time says (a late packet fills its own place, a gap stays silent) and read by instant; what is older than the ring
 * holds, or was never written, reads as silence.
 */
final class SampleRing {
    private final int rate;
    private final int capacity;
    private final float[][] samples;
    private final long[] written; // the absolute sample index each slot holds, or -1
    private static final int CHANNELS = 2;

    SampleRing(int rate, int seconds) {
        this.rate = rate;
        this.capacity = rate * seconds;
        this.samples = new float[CHANNELS][capacity];
        this.written = new long[capacity];
        Arrays.fill(written, -1);
    }

    /** The absolute sample index of an instant; split so that epoch microseconds times the rate never overflow. */
    private long index(long wallMicros) {
        long seconds = Math.floorDiv(wallMicros, 1_000_000L);
        long micros = Math.floorMod(wallMicros, 1_000_000L);
        return seconds * rate + micros * rate / 1_000_000L;
    }

    void write(long wallMicros, float[][] block) {
        long first = index(wallMicros);
        for (int i = 0; i < block[0].length; i++) {
            long absolute = first + i;
            int slot = (int) Math.floorMod(absolute, (long) capacity);
            written[slot] = absolute;
            for (int c = 0; c < CHANNELS; c++) {
                samples[c][slot] = block[Math.min(c, block.length - 1)][i];
            }
        }
    }

    float[][] read(long wallMicros, int n) {
        float[][] out = new float[CHANNELS][n];
        long first = index(wallMicros);
        for (int i = 0; i < n; i++) {
            long absolute = first + i;
            int slot = (int) Math.floorMod(absolute, (long) capacity);
            if (written[slot] == absolute) {
                for (int c = 0; c < CHANNELS; c++) {
                    out[c][i] = samples[c][slot];
                }
            }
        }
        return out;
    }
}
