package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_ERROR;
import static org.bytedeco.ffmpeg.global.avutil.AV_LOG_WARNING;
import static org.bytedeco.ffmpeg.global.avutil.av_log_set_level;
import static org.bytedeco.ffmpeg.global.avutil.setLogCallback;

import java.nio.charset.StandardCharsets;
import org.bytedeco.ffmpeg.avutil.LogCallback;
import org.bytedeco.javacpp.BytePointer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * FFmpeg's own log lines go to our logger ({@code ffmpeg}), warnings and errors only: FFmpeg formats nothing below
 * {@code AV_LOG_WARNING}, and nothing reaches standard error behind the logger's back.
 */
public final class FfmpegLog {
    private static final Logger LOG = LoggerFactory.getLogger("ffmpeg");
    /** Held for good: FFmpeg keeps the function pointer, so the Java object must never be collected. */
    private static LogCallback callback;

    private FfmpegLog() {}

    /** Installs the callback once per JVM; later calls do nothing. */
    public static synchronized void install() {
        if (callback != null) {
            return;
        }
        callback = new LogCallback() {
            @Override
            public void call(int level, BytePointer message) {
                String line = message.getString(StandardCharsets.UTF_8).stripTrailing();
                if (line.isEmpty()) {
                    return;
                }
                if (level <= AV_LOG_ERROR) {
                    LOG.error(line);
                } else {
                    LOG.warn(line);
                }
            }
        }.retainReference();
        setLogCallback(callback);
        av_log_set_level(AV_LOG_WARNING);
    }
}
