package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EOF;
import static org.bytedeco.ffmpeg.global.avutil.AVERROR_EXTERNAL;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * An FFmpeg I/O context that reads a Java {@link InputStream}. One callback serves every input (JavaCPP callbacks
 * are a scarce native resource): FFmpeg hands it the input's number as its opaque pointer.
 */
final class StreamInput implements AutoCloseable {
    private static final int BUFFER = 32 * 1024;
    private static final Map<Long, StreamInput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong NUMBERS = new AtomicLong();
    private static final Read_packet_Pointer_BytePointer_int READ = new Read_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            StreamInput input = OPEN.get(new LongPointer(opaque).get());
            return input == null ? AVERROR_EOF : input.read(buffer, size);
        }
    };

    private final InputStream in;
    private final long number;
    private final LongPointer opaque;
    private final AVIOContext context;
    private final byte[] chunk = new byte[BUFFER];

    private StreamInput(InputStream in) {
        this.in = in;
        this.number = NUMBERS.incrementAndGet();
        this.opaque = new LongPointer(1).put(number);
        BytePointer buffer = new BytePointer(av_malloc(BUFFER)).capacity(BUFFER);
        this.context = avio_alloc_context(
                buffer, BUFFER, 0, opaque, READ, (Write_packet_Pointer_BytePointer_int) null, (Seek_Pointer_long_int)
                        null);
        if (context == null) {
            av_free(buffer);
            throw new MediaException("FFmpeg could not allocate an input context");
        }
    }

    static StreamInput open(InputStream in) {
        StreamInput input = new StreamInput(in);
        OPEN.put(input.number, input);
        return input;
    }

    AVIOContext context() {
        return context;
    }

    private int read(BytePointer buffer, int size) {
        try {
            int n = in.read(chunk, 0, Math.min(size, chunk.length));
            if (n < 0) {
                return AVERROR_EOF;
            }
            buffer.position(0).put(chunk, 0, n);
            return n;
        } catch (IOException e) {
            return AVERROR_EXTERNAL;
        }
    }

    @Override
    public void close() {
        OPEN.remove(number);
        av_free(context.buffer()); // FFmpeg may have replaced the buffer it was given: free the one it holds now
        context.buffer(null);
        avio_context_free(context);
        opaque.close();
    }
}
