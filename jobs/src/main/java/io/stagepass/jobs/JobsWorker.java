package io.stagepass.jobs;

import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.Topic;
import io.stagepass.jobs.worker.TopicWorker;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs process: consumes the lives catalog as a consumer group and reacts to ended lives. Replay
 * packaging is its own capability (not built yet); until then an ended live is only logged.
 */
public final class JobsWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobsWorker.class);

    private final TopicWorker<Live> lives;

    private JobsWorker(TopicWorker<Live> lives) {
        this.lives = lives;
    }

    public static JobsWorker start(JobsConfig config) {
        LOG.info("FFmpeg libraries loaded: {} (libavformat {})", ffmpegVersion(), avformat.avformat_version());
        TopicWorker<Live> lives = new TopicWorker<Live>(config.kafka(), config.groupId(), Topic.LIVES,
                (key, live) -> {
                    if (live.getType() == LiveEventType.ENDED) {
                        LOG.info("live {} ended ({}); replay packaging is not built yet", live.getLiveId(), live.getEndReason());
                    }
                }).start();
        return new JobsWorker(lives);
    }

    /** The version string of the bundled FFmpeg libraries, e.g. {@code 8.1.2}. */
    public static String ffmpegVersion() {
        return avutil.av_version_info().getString();
    }

    @Override
    public void close() throws InterruptedException {
        lives.close();
    }
}
