package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.nio.charset.StandardCharsets;

/** FFmpeg return codes as Java errors: a negative result becomes a {@link MediaException} that says what failed and why. */
public final class Av {
    private Av() {}

    /** Returns {@code result} when it is not an error; otherwise throws, naming {@code what} was attempted. */
    public static int check(int result, String what) {
        if (result < 0) {
            throw new MediaException("FFmpeg could not " + what + ": " + errorText(result), result);
        }
        return result;
    }

    /** FFmpeg's own text for an error code, e.g. "Invalid data found when processing input". */
    public static String errorText(int code) {
        byte[] message = new byte[256];
        av_strerror(code, message, message.length);
        int end = 0;
        while (end < message.length && message[end] != 0) {
            end++;
        }
        return new String(message, 0, end, StandardCharsets.UTF_8).trim();
    }
}
