package io.stagepass.ingest.rtmp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * Writes what the server says to a publisher (protocol control, command answers, status) as chunks: a full header,
 * then continuation chunks of {@link #CHUNK_SIZE} bytes. Each message goes out in one write and is flushed.
 */
final class ChunkWriter {
    /** Announced to the publisher with Set Chunk Size before anything longer than the default is sent. */
    static final int CHUNK_SIZE = 4096;

    static final int CONTROL_CHUNK_STREAM = 2;
    static final int COMMAND_CHUNK_STREAM = 3;

    private final OutputStream out;
    private int chunkSize = ChunkReader.DEFAULT_CHUNK_SIZE;

    ChunkWriter(OutputStream out) {
        this.out = out;
    }

    void write(int chunkStream, int type, int streamId, byte[] payload) throws IOException {
        ByteArrayOutputStream chunks = new ByteArrayOutputStream(payload.length + 32);
        chunks.write(chunkStream); // format 0
        chunks.writeBytes(new byte[] {0, 0, 0}); // timestamp 0: nothing we send is timed
        chunks.write(payload.length >>> 16);
        chunks.write(payload.length >>> 8);
        chunks.write(payload.length);
        chunks.write(type);
        chunks.writeBytes(ByteBuffer.allocate(4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putInt(streamId)
                .array());
        for (int offset = 0; offset < payload.length; offset += chunkSize) {
            if (offset > 0) {
                chunks.write(0xC0 | chunkStream); // format 3
            }
            chunks.write(payload, offset, Math.min(chunkSize, payload.length - offset));
        }
        out.write(chunks.toByteArray());
        out.flush();
    }

    void setChunkSize(int size) throws IOException {
        write(CONTROL_CHUNK_STREAM, RtmpMessage.SET_CHUNK_SIZE, 0, u32(size));
        chunkSize = size;
    }

    void windowAckSize(long size) throws IOException {
        write(CONTROL_CHUNK_STREAM, RtmpMessage.WINDOW_ACK_SIZE, 0, u32(size));
    }

    void peerBandwidth(long size) throws IOException {
        byte[] payload = ByteBuffer.allocate(5).putInt((int) size).put((byte) 2).array(); // 2: dynamic
        write(CONTROL_CHUNK_STREAM, RtmpMessage.SET_PEER_BANDWIDTH, 0, payload);
    }

    void acknowledgement(long received) throws IOException {
        write(CONTROL_CHUNK_STREAM, RtmpMessage.ACKNOWLEDGEMENT, 0, u32(received));
    }

    void streamBegin(int streamId) throws IOException {
        byte[] payload =
                ByteBuffer.allocate(6).putShort((short) 0).putInt(streamId).array();
        write(CONTROL_CHUNK_STREAM, RtmpMessage.USER_CONTROL, 0, payload);
    }

    void command(int streamId, Object... values) throws IOException {
        write(COMMAND_CHUNK_STREAM, RtmpMessage.COMMAND_AMF0, streamId, Amf0.encode(values));
    }

    private static byte[] u32(long value) {
        return ByteBuffer.allocate(4).putInt((int) value).array();
    }
}
