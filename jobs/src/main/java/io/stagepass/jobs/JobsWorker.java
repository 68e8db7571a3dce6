package io.stagepass.jobs;

import io.minio.MinioClient;
import io.stagepass.events.Clip;
import io.stagepass.events.Live;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.Topic;
import io.stagepass.jobs.clips.ClipService;
import io.stagepass.jobs.replay.LiveBuilds;
import io.stagepass.jobs.replay.LowRenditions;
import io.stagepass.jobs.replay.ReplayService;
import io.stagepass.jobs.replay.Retention;
import io.stagepass.jobs.worker.TopicWorker;
import io.stagepass.media.FfmpegLog;
import io.stagepass.platform.kafka.EventPublisher;
import io.stagepass.platform.lifecycle.Resources;
import io.stagepass.platform.s3.ObjectStore;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs process: consumes the lives catalog as a member of a consumer group (workers sharing the group share the
 * lives) and turns every ended live into its replay; consumes the segment facts in a group of its own and makes each
 * segment's 360p rendition while the live streams; consumes the clips catalog and cuts the clips creators ask for; on
 * a schedule, deletes the replays whose window has closed.
 */
public final class JobsWorker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JobsWorker.class);

    private final Resources resources;

    private JobsWorker(Resources resources) {
        this.resources = resources;
    }

    public static JobsWorker start(JobsConfig config) throws Exception {
        FfmpegLog.install();
        LOG.info("FFmpeg libraries loaded: {} (libavformat {})", ffmpegVersion(), avformat.avformat_version());
        Resources resources = new Resources();
        try {
            MinioClient s3 = resources.add(ObjectStore.client(config.s3()));
            EventPublisher publisher = resources.add(new EventPublisher(config.kafka(), config.groupId()));
            // Replays are built while their lives stream (a group of its own on the segment facts, one consumer per
            // core); the end of a live then only finalises what its build made.
            LiveBuilds builds = config.buildWhileStreaming()
                    ? resources.add(new LiveBuilds(
                            config.kafka(), s3, config.workDir().resolve("replay-builds"), config.buildIdle()))
                    : null;
            for (int i = 0; builds != null && i < Runtime.getRuntime().availableProcessors(); i++) {
                resources.add(new TopicWorker<SegmentStored>(
                                config.kafka(), config.groupId() + "-replay-build", Topic.SEGMENTS, builds::onSegment)
                        .start());
            }
            ReplayService replays = resources.add(new ReplayService(
                    config.kafka(), s3, publisher, config.workDir().resolve("replays"), config.fetchers(), builds));
            resources.add(
                    new TopicWorker<Live>(config.kafka(), config.groupId(), Topic.LIVES, replays::onLive).start());
            // One consumer per core in the renditions group: a transcode keeps one core busy, and the lives'
            // partitions spread over the consumers.
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                LowRenditions renditions = resources.add(new LowRenditions(
                        config.kafka(), s3, publisher, config.workDir().resolve("renditions")));
                resources.add(new TopicWorker<SegmentStored>(
                                config.kafka(), config.groupId() + "-renditions", Topic.SEGMENTS, renditions::onSegment)
                        .start());
            }
            ClipService clips = resources.add(new ClipService(
                    config.kafka(), s3, publisher, config.workDir().resolve("clips")));
            resources.add(new TopicWorker<Clip>(config.kafka(), config.groupId() + "-clips", Topic.CLIPS, clips::onClip)
                    .start());
            if (!config.retentionInterval().isZero()) {
                Retention retention = resources.add(new Retention(config.kafka(), s3, publisher));
                ScheduledExecutorService schedule = Executors.newSingleThreadScheduledExecutor(runnable -> {
                    Thread thread = new Thread(runnable, "jobs-retention");
                    thread.setDaemon(true);
                    return thread;
                });
                resources.add(schedule::shutdownNow);
                long every = config.retentionInterval().toMillis();
                schedule.scheduleWithFixedDelay(() -> expire(retention), every, every, TimeUnit.MILLISECONDS);
            }
            return new JobsWorker(resources);
        } catch (Exception | Error e) {
            resources.close();
            throw e;
        }
    }

    private static void expire(Retention retention) {
        try {
            retention.run(Instant.now(), false);
        } catch (Exception e) {
            LOG.warn("retention run failed; it runs again at the next interval: {}", e.toString());
        }
    }

    /** The version string of the bundled FFmpeg libraries, e.g. {@code 8.1.2}. */
    public static String ffmpegVersion() {
        return avutil.av_version_info().getString();
    }

    @Override
    public void close() {
        resources.close();
    }
}
