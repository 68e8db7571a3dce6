package io.stagepass.media;

import static org.bytedeco.ffmpeg.global.avformat.avio_alloc_context;
import static org.bytedeco.ffmpeg.global.avformat.avio_context_free;
import static org.bytedeco.ffmpeg.global.avutil.av_free;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.Read_packet_Pointer_BytePointer_int;
import org.bytedeco.ffmpeg.avformat.Seek_Pointer_long_int;
import org.bytedeco.ffmpeg.avformat.Write_packet_Pointer_BytePointer_int;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * An FFmpeg I/O context that hands what a muxer writes to Java, as it is flushed (a fragmented MP4's fragments to a
 * WebSocket, say). One callback serves every output, told apart by the opaque pointer, as {@link StreamInput} does.
 */
final class StreamOutput implements AutoCloseable {
    private static final int BUFFER = 256 * 1024;
    private static final Map<Long, StreamOutput> OPEN = new ConcurrentHashMap<>();
    private static final AtomicLong NUMBERS = new AtomicLong();
    private static final Write_packet_Pointer_BytePointer_int WRITE = new Write_packet_Pointer_BytePointer_int() {
        @Override
        public int call(Pointer opaque, BytePointer buffer, int size) {
            StreamOutput output = OPEN.get(new LongPointer(opaque).get());
            if (output != null && size > 0) {
                byte[] bytes = new byte[size];
                buffer.position(0).get(bytes, 0, size);
                output.sink.accept(bytes);
            }
            return size;
        }
    };

    private final Consumer<byte[]> sink;
    private final long number;
    private final LongPointer opaque;
    private final AVIOContext context;

    private StreamOutput(Consumer<byte[]> sink) {
        this.sink = sink;
        this.number = NUMBERS.incrementAndGet();
        this.opaque = new LongPointer(1).put(number);
        BytePointer buffer = new BytePointer(av_malloc(BUFFER)).capacity(BUFFER);
        this.context = avio_alloc_context(
                buffer, BUFFER, 1, opaque, (Read_packet_Pointer_BytePointer_int) null, WRITE, (Seek_Pointer_long_int)
                        null);
        if (context == null) {
            av_free(buffer);
            throw new MediaException("FFmpeg could not allocate an output context");
        }
    }

    static StreamOutput open(Consumer<byte[]> sink) {
        StreamOutput output = new StreamOutput(sink);
        OPEN.put(output.number, output);
        return output;
    }

    AVIOContext context() {
        return context;
    }

    @Override
    public void close() {
        OPEN.remove(number);
        av_free(context.buffer());
        context.buffer(null);
        avio_context_free(context);
        opaque.close();
    }
}
