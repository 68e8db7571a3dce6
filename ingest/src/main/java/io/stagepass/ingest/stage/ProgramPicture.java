package io.stagepass.ingest.stage;

import static org.bytedeco.ffmpeg.global.avutil.av_frame_free;

import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.Pictures;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;

/**
 * What viewers of a live see, for the creator's Stage panel: the first picture of the program's newest segment (the
 * creator alone, or the composition with the guests), as a small JPEG. Made only while a panel asks for it (within
 * the last {@link #WATCHED_MILLIS}), so a live nobody is watching from the dashboard costs nothing.
 */
public final class ProgramPicture {
    static final long WATCHED_MILLIS = 10_000;
    static final int WIDTH = 480;
    /** A picture older than this is not shown: segments come every 2 s while the live streams. */
    static final long STALE_MILLIS = 10_000;

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ProgramPicture.class);

    private volatile byte[] jpeg;
    private volatile long madeAtMillis;
    private volatile long sequence = -1;
    private volatile long askedAtMillis = Long.MIN_VALUE;

    /** The newest picture, when there is one; a panel asking keeps them coming. */
    public synchronized Snapshot ask(long nowMillis) {
        askedAtMillis = nowMillis;
        if (jpeg == null || nowMillis - madeAtMillis > STALE_MILLIS) {
            return null; // none yet, or the live stopped streaming: an old picture would mislead
        }
        return new Snapshot(jpeg, madeAtMillis, sequence);
    }

    /** The picture of one program segment, and when it was made. */
    public record Snapshot(byte[] jpeg, long madeAtMillis, long sequence) {}

    boolean wanted(long nowMillis) {
        return askedAtMillis != Long.MIN_VALUE && nowMillis - askedAtMillis < WATCHED_MILLIS;
    }

    /** Keeps {@code picture} (any size) as the program's newest, scaled to {@link #WIDTH} wide. */
    void keep(AVFrame picture, long nowMillis) {
        try {
            int height = Math.max(2, (int) ((long) WIDTH * picture.height() / picture.width()) & ~1);
            AVFrame small = Pictures.scaled(picture, WIDTH, height);
            try {
                byte[] made = Pictures.jpeg(small);
                synchronized (this) {
                    jpeg = made;
                    madeAtMillis = nowMillis;
                }
            } finally {
                Pictures.free(small);
            }
        } catch (RuntimeException e) { // a picture for the panel only: the program goes on without it
            LOG.debug("no program picture: {}", e.toString());
        }
    }

    /** A program segment went out as {@code sequence}; the picture kept for it, if one was, is that segment's. */
    void stored(long sequence, long pictureMadeAtMillis) {
        if (pictureMadeAtMillis != Long.MIN_VALUE && madeAtMillis == pictureMadeAtMillis) {
            this.sequence = sequence;
        }
    }

    /** Keeps the first picture of a segment that passes through untouched (the creator alone). */
    void keepFirstOf(Path segment, long nowMillis) {
        // Not probed: the first picture's parameters come with its keyframe (in-band SPS and PPS in MPEG-TS).
        try (Demuxer in = Demuxer.open(segment.toString(), "mpegts", false)) {
            int video = in.videoStream();
            if (video < 0) {
                return;
            }
            AVFrame[] first = new AVFrame[1];
            try (Decoder decoder = Decoder.open(in.stream(video).codecpar(), 1)) {
                AVPacket packet;
                while (first[0] == null && (packet = in.next()) != null) {
                    if (packet.stream_index() == video) {
                        decoder.decode(packet, frame -> {
                            if (first[0] == null) {
                                first[0] = org.bytedeco.ffmpeg.global.avutil.av_frame_clone(frame);
                            }
                        });
                    }
                }
            }
            if (first[0] != null) {
                try {
                    keep(first[0], nowMillis);
                } finally {
                    av_frame_free(first[0]);
                }
            }
        } catch (RuntimeException e) { // a picture for the panel only: the segment itself goes out as it is
            LOG.debug("no program picture of {}: {}", segment.getFileName(), e.toString());
        }
    }
}
