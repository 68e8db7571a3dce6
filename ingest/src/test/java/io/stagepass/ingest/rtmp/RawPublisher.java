package io.stagepass.ingest.rtmp;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-driven RTMP publisher for what ffmpeg will not send: hostile bytes, and codecs its FLV muxer cannot carry.
 * It reads the server's answers with the production {@link ChunkReader}.
 */
final class RawPublisher implements AutoCloseable {
    final Socket socket;
    final OutputStream out;
    private final InputStream in;
    private ChunkReader reader;

    RawPublisher(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    void handshake() throws IOException {
        out.write(Handshake.VERSION);
        out.write(new byte[Handshake.SIZE]);
        out.flush();
        byte[] s0s1s2 = new byte[1 + 2 * Handshake.SIZE];
        new DataInputStream(in).readFully(s0s1s2);
        byte[] s1 = new byte[Handshake.SIZE];
        System.arraycopy(s0s1s2, 1, s1, 0, Handshake.SIZE);
        out.write(s1);
        out.flush();
        reader = new ChunkReader(in, 1 << 20, 16, 2 << 20);
    }

    void send(Chunks chunks) throws IOException {
        out.write(chunks.toByteArray());
        out.flush();
    }

    void command(int streamId, Object... values) throws IOException {
        send(new Chunks().message(3, 0, RtmpMessage.COMMAND_AMF0, streamId, Amf0.encode(values), 128));
    }

    /** connect, createStream and publish as OBS sends them; returns the publish's onStatus code. */
    String publish(String streamKey) throws Exception {
        Map<String, Object> connect = new LinkedHashMap<>();
        connect.put("app", "live");
        connect.put("type", "nonprivate");
        connect.put("tcUrl", "rtmp://127.0.0.1/live");
        command(0, "connect", 1.0, connect);
        awaitCommand("_result");
        command(0, "releaseStream", 2.0, null, streamKey);
        command(0, "FCPublish", 3.0, null, streamKey);
        command(0, "createStream", 4.0, null);
        awaitCommand("_result"); // releaseStream
        awaitCommand("_result"); // FCPublish
        awaitCommand("_result"); // createStream
        command(1, "publish", 5.0, null, streamKey, "live");
        return statusCode(awaitCommand("onStatus"));
    }

    /** The next command the server sends with this name (others are skipped), as its AMF0 values. */
    List<Object> awaitCommand(String name) throws Exception {
        while (true) {
            RtmpMessage message = reader.next();
            if (message.type() == RtmpMessage.SET_CHUNK_SIZE) {
                reader.setChunkSize(java.nio.ByteBuffer.wrap(message.payload()).getInt());
            } else if (message.type() == RtmpMessage.COMMAND_AMF0) {
                List<Object> values = Amf0.decodeAll(message.payload(), 0);
                if (name.equals(values.get(0))) {
                    return values;
                }
            }
        }
    }

    static String statusCode(List<Object> onStatus) {
        return String.valueOf(((Map<?, ?>) onStatus.get(3)).get("code"));
    }

    static String description(List<Object> onStatus) {
        return String.valueOf(((Map<?, ?>) onStatus.get(3)).get("description"));
    }

    /** Whether the server closed the connection: reading ends (or is reset) within the timeout. */
    boolean closedByServer() throws IOException {
        socket.setSoTimeout(20_000);
        try {
            while (in.read() >= 0) {
                // drain whatever was answered before the close
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
