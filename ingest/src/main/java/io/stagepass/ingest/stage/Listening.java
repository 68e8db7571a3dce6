package io.stagepass.ingest.stage;

import io.stagepass.media.Resampler;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The creator hearing one guest before bringing them on: the guest's sound as ingest decoded it (48 kHz, on ingest's
 * clock), mixed to mono and sent as 16-bit little-endian PCM in blocks of about 100 ms. The cursor counts samples, so
 * that consecutive blocks neither repeat nor skip one; a listener that falls more than a second behind (a stalled
 * guest who comes back) starts again near the newest sound.
 */
final class Listening {
    static final int RATE = Resampler.RATE;
    /** How far behind the newest sound a listener starts: room for the decoder's next block. */
    private static final long LEAD_MICROS = 300_000;

    private static final long MAX_BEHIND_MICROS = 1_000_000;
    /** The longest block sent at once (half a second), so one message stays small. */
    private static final int MAX_BLOCK = RATE / 2;

    private final GuestFeed feed;
    private long cursor = Long.MIN_VALUE; // absolute sample index of the next sample to send

    Listening(GuestFeed feed) {
        this.feed = feed;
    }

    /** The next block of sound, or null when there is none yet. */
    byte[] next() {
        long until = feed.soundUntilMicros();
        if (until == Long.MIN_VALUE) {
            return null;
        }
        long untilIndex = index(until);
        if (cursor == Long.MIN_VALUE || untilIndex - cursor > MAX_BEHIND_MICROS * RATE / 1_000_000) {
            cursor = index(until - LEAD_MICROS);
        }
        int n = (int) Math.min(MAX_BLOCK, untilIndex - cursor);
        if (n < RATE / 100) {
            return null; // less than 10 ms: wait for more
        }
        float[][] samples = feed.samples(micros(cursor), n);
        cursor += n;
        return pcm(samples);
    }

    /** Mono 16-bit little-endian PCM of stereo samples. */
    static byte[] pcm(float[][] samples) {
        int n = samples[0].length;
        ByteBuffer out = ByteBuffer.allocate(2 * n).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            float sum = 0;
            for (float[] channel : samples) {
                sum += channel[i];
            }
            float mono = Math.max(-1f, Math.min(1f, sum / samples.length));
            out.putShort((short) Math.round(mono * 32767));
        }
        return out.array();
    }

    /** The absolute sample index of an instant, as {@link SampleRing} counts them. */
    static long index(long wallMicros) {
        return Math.floorDiv(wallMicros, 1_000_000L) * RATE + Math.floorMod(wallMicros, 1_000_000L) * RATE / 1_000_000L;
    }

    /** The first instant whose {@link #index} is {@code index} (epoch microseconds times the rate would overflow). */
    static long micros(long index) {
        long seconds = Math.floorDiv(index, (long) RATE);
        long rest = Math.floorMod(index, (long) RATE);
        return seconds * 1_000_000L + (rest * 1_000_000L + RATE - 1) / RATE;
    }
}
