package io.stagepass.ingest.rtmp;

import java.io.ByteArrayOutputStream;

/** Chunk bytes as a publisher would send them, built header by header, for tests of the reader and the server. */
final class Chunks {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** A full (format 0) header; timestamps of 0xFFFFFF or more go into the extended field. */
    Chunks full(int chunkStream, long timestamp, int length, int type, int streamId) {
        out.write(chunkStream);
        u24(Math.min(timestamp, 0xFFFFFF));
        u24(length);
        out.write(type);
        out.write(streamId);
        out.write(streamId >>> 8);
        out.write(streamId >>> 16);
        out.write(streamId >>> 24);
        if (timestamp >= 0xFFFFFF) {
            u32(timestamp);
        }
        return this;
    }

    /** A format 1 header: delta, length, type. */
    Chunks sameStream(int chunkStream, long delta, int length, int type) {
        out.write(0x40 | chunkStream);
        u24(delta);
        u24(length);
        out.write(type);
        return this;
    }

    /** A format 2 header: delta only. */
    Chunks deltaOnly(int chunkStream, long delta) {
        out.write(0x80 | chunkStream);
        u24(delta);
        return this;
    }

    /** A format 3 header (continuation, or a new message like the last one). */
    Chunks continuation(int chunkStream) {
        out.write(0xC0 | chunkStream);
        return this;
    }

    Chunks bytes(byte[] bytes, int offset, int length) {
        out.write(bytes, offset, length);
        return this;
    }

    Chunks bytes(byte... bytes) {
        out.writeBytes(bytes);
        return this;
    }

    Chunks u32(long value) {
        out.write((int) (value >>> 24));
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
        return this;
    }

    /** A whole message in chunks of {@code chunkSize}: a full header, then continuations. */
    Chunks message(int chunkStream, long timestamp, int type, int streamId, byte[] payload, int chunkSize) {
        full(chunkStream, timestamp, payload.length, type, streamId);
        for (int offset = 0; offset < payload.length; offset += chunkSize) {
            if (offset > 0) {
                continuation(chunkStream);
                if (timestamp >= 0xFFFFFF) {
                    u32(timestamp);
                }
            }
            bytes(payload, offset, Math.min(chunkSize, payload.length - offset));
        }
        return this;
    }

    byte[] toByteArray() {
        return out.toByteArray();
    }

    private void u24(long value) {
        out.write((int) (value >>> 16));
        out.write((int) (value >>> 8));
        out.write((int) value);
    }
}
