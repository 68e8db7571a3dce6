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

    private volatile byte[] jpeg;
    private volatile long madeAtMillis;
    private volatile long sequence = -1;
    private volatile long askedAtMillis = Long.MIN_VALUE;

    /** The newest picture, when there is one; a panel asking keeps them coming. */
    public synchronized Snapshot ask(long nowMillis) {
        askedAtMillis = nowMillis;
        return jpeg == null ? null : new Snapshot(jpeg, madeAtMillis, sequence);
    }

    /** The picture of one program segment, and when it was made. */
    public record Snapshot(byte[] jpeg, long madeAtMillis, long sequence) {}

    boolean wanted(long nowMillis) {
        return askedAtMillis != Long.MIN_VALUE && nowMillis - askedAtMillis < WATCHED_MILLIS;
    }

    /** Keeps {@code picture} (any size) as the program's newest, scaled to {@link #WIDTH} wide. */
    void keep(AVFrame picture, long nowMillis) {
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
    }

    /** The program segment that {@link #keep} last showed went out as {@code sequence}. */
    void stored(long sequence) {
        this.sequence = sequence;
    }

    /** Keeps the first picture of a segment that passes through untouched (the creator alone). */
    void keepFirstOf(Path segment, long nowMillis) {
        try (Demuxer in = Demuxer.open(segment.toString(), "mpegts", true)) {
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
        } catch (RuntimeException e) {
            // a picture for the panel only: the segment itself goes out as it is
        }
    }
}
