package io.stagepass.ingest.rtmp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Reassembles RTMP messages from the chunk streams of one connection. Every header form (full, same stream, delta
 * only, continuation), extended timestamps (also on continuation chunks, as FFmpeg and librtmp send them), a chunk
 * size the peer changes at any time, and Abort are handled here. A new message in a continuation header moves on by
 * the chunk stream's last delta; after a full header that is the full header's timestamp (section 5.3.1.2.4 of the
 * spec, as FFmpeg reads it); everything else is the connection's business.
 *
 * <p>What a hostile peer could make us hold is bounded: a message may declare at most {@code maxMessageBytes} (else
 * the connection is refused), its buffer grows only as its bytes arrive, at most {@code maxChunkStreams} chunk streams
 * may exist, and all unfinished messages together may hold at most {@code maxPendingBytes}.
 */
public final class ChunkReader {
    static final int DEFAULT_CHUNK_SIZE = 128;
    private static final int EXTENDED = 0xFFFFFF;

    private final InputStream in;
    private int maxMessageBytes;
    private final int maxChunkStreams;
    private long maxPendingBytes;
    private final Map<Integer, ChunkStream> streams = new HashMap<>();
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private long pendingBytes;

    /** What a chunk stream remembers from its last header, and the message it is assembling. */
    private static final class ChunkStream {
        long timestamp;
        long delta;
        int length;
        int type;
        int streamId;
        boolean extended;
        boolean started;
        byte[] buffer = new byte[0];
        int filled;
        boolean inProgress;
    }

    public ChunkReader(InputStream in, int maxMessageBytes, int maxChunkStreams, long maxPendingBytes) {
        this.in = in;
        this.maxMessageBytes = maxMessageBytes;
        this.maxChunkStreams = maxChunkStreams;
        this.maxPendingBytes = maxPendingBytes;
    }

    /**
     * Raises (or lowers) the bounds: a connection gets small ones until it has published with a valid key, and room
     * for video frames after.
     */
    public void setLimits(int maxMessageBytes, long maxPendingBytes) {
        this.maxMessageBytes = maxMessageBytes;
        this.maxPendingBytes = maxPendingBytes;
    }

    /** The chunk size the peer announced with Set Chunk Size (1 to 2^31 - 1). */
    public void setChunkSize(long size) throws ProtocolException {
        if (size < 1 || size > Integer.MAX_VALUE) {
            throw new ProtocolException("chunk size " + size + " is out of range (1 to 2^31 - 1)");
        }
        chunkSize = (int) size;
    }

    /** Drops the partial message of a chunk stream (Abort Message). */
    public void abort(int chunkStreamId) {
        ChunkStream stream = streams.get(chunkStreamId);
        if (stream != null && stream.inProgress) {
            pendingBytes -= stream.filled;
            stream.buffer = new byte[0];
            stream.filled = 0;
            stream.inProgress = false;
        }
    }

    /** The next complete message; {@link EOFException} at the end of the stream. */
    public RtmpMessage next() throws IOException, ProtocolException {
        while (true) {
            RtmpMessage message = chunk();
            if (message != null) {
                return message;
            }
        }
    }

    private RtmpMessage chunk() throws IOException, ProtocolException {
        int first = u8();
        int format = first >>> 6;
        int id = first & 0x3f;
        if (id == 0) {
            id = 64 + u8();
        } else if (id == 1) {
            id = 64 + u8() + (u8() << 8);
        }
        ChunkStream stream = streams.get(id);
        if (stream == null) {
            if (streams.size() >= maxChunkStreams) {
                throw new ProtocolException("more than " + maxChunkStreams + " chunk streams");
            }
            stream = new ChunkStream();
            streams.put(id, stream);
        }
        if (format != 0 && !stream.started) {
            throw new ProtocolException("chunk stream " + id + " starts without a full header (format " + format + ")");
        }
        boolean newMessage = !stream.inProgress;
        if (format == 3) {
            if (stream.extended) {
                u32(); // the extended field repeats on continuation chunks (FFmpeg, librtmp); its value is known
            }
            if (newMessage) {
                stream.timestamp += stream.delta; // a new message moves on by the last delta
            }
        } else {
            if (!newMessage) {
                throw new ProtocolException("chunk stream " + id + " got a new header in the middle of a message");
            }
            long field = u24();
            if (format <= 1) {
                int length = u24();
                if (length > maxMessageBytes) {
                    throw new ProtocolException(
                            "a message of " + length + " bytes is larger than the limit of " + maxMessageBytes);
                }
                stream.length = length;
                stream.type = u8();
                if (format == 0) {
                    stream.streamId = u32le();
                }
            }
            stream.extended = field == EXTENDED;
            if (stream.extended) {
                field = u32();
            }
            if (format == 0) {
                stream.timestamp = field;
                stream.delta = field; // the spec: a Type 3 after a Type 0 repeats its timestamp as the delta
            } else {
                stream.delta = field;
                stream.timestamp += field;
            }
            stream.started = true;
        }
        if (newMessage) {
            stream.inProgress = true;
            stream.filled = 0;
        }
        int want = Math.min(chunkSize, stream.length - stream.filled);
        if (pendingBytes + want > maxPendingBytes) {
            throw new ProtocolException("unfinished messages would hold more than " + maxPendingBytes + " bytes");
        }
        if (stream.buffer.length < stream.filled + want) {
            // Grow with what arrives, never to a declared length up front.
            int capacity = Math.min(stream.length, Math.max(stream.filled + want, stream.buffer.length * 2));
            stream.buffer = Arrays.copyOf(stream.buffer, capacity);
        }
        readFully(stream.buffer, stream.filled, want);
        stream.filled += want;
        pendingBytes += want;
        if (stream.filled < stream.length) {
            return null;
        }
        pendingBytes -= stream.filled;
        byte[] payload =
                stream.buffer.length == stream.length ? stream.buffer : Arrays.copyOf(stream.buffer, stream.length);
        stream.buffer = new byte[0];
        stream.filled = 0;
        stream.inProgress = false;
        return new RtmpMessage(stream.type, stream.streamId, stream.timestamp, payload);
    }

    private int u8() throws IOException {
        int b = in.read();
        if (b < 0) {
            throw new EOFException("the peer closed the connection");
        }
        return b;
    }

    private int u24() throws IOException {
        return (u8() << 16) | (u8() << 8) | u8();
    }

    private long u32() throws IOException {
        return ((long) u8() << 24) | ((long) u8() << 16) | ((long) u8() << 8) | u8();
    }

    private int u32le() throws IOException {
        return u8() | (u8() << 8) | (u8() << 16) | (u8() << 24);
    }

    private void readFully(byte[] buffer, int offset, int length) throws IOException {
        int done = 0;
        while (done < length) {
            int n = in.read(buffer, offset + done, length - done);
            if (n < 0) {
                throw new EOFException("the peer closed the connection in the middle of a message");
            }
            done += n;
        }
    }
}
