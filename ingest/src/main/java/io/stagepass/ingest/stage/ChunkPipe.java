package io.stagepass.ingest.stage;

import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The bytes of a browser's recording as FFmpeg reads them: the WebSocket's thread offers each chunk, the decoder's
 * thread blocks in {@link #read} until one comes. Bounded: a guest whose decoder falls this far behind is too slow to
 * be on stage (the offer is refused and the caller drops the connection), so memory never grows with a bad link.
 */
final class ChunkPipe extends InputStream {
    private final long maxQueuedBytes;
    private final Deque<byte[]> chunks = new ArrayDeque<>();
    private byte[] current;
    private int position;
    private long queuedBytes;
    private boolean finished;

    ChunkPipe(long maxQueuedBytes) {
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /** Queues a chunk; false when the reader is too far behind (nothing is queued then) or the pipe is finished. */
    synchronized boolean offer(byte[] chunk) {
        if (finished || queuedBytes + chunk.length > maxQueuedBytes) {
            return false;
        }
        chunks.add(chunk);
        queuedBytes += chunk.length;
        notifyAll();
        return true;
    }

    /** No more chunks: the reader gets the end of the input once it has read what was queued. */
    synchronized void finish() {
        finished = true;
        notifyAll();
    }

    @Override
    public synchronized int read(byte[] into, int offset, int length) {
        while (current == null || position == current.length) {
            current = chunks.poll();
            position = 0;
            if (current != null) {
                queuedBytes -= current.length;
                continue;
            }
            if (finished) {
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, into, offset, n);
        position += n;
        return n;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public void close() {
        finish();
    }
}
