package io.stagepass.ingest.rtmp;

import io.stagepass.events.Live;
import io.stagepass.ingest.stage.ProgramLine;
import io.stagepass.ingest.stage.Stage;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publisher's connection, on its own thread: the handshake, then the commands OBS and FFmpeg send ({@code
 * connect}, {@code releaseStream}, {@code FCPublish}, {@code createStream}, {@code publish}, {@code @setDataFrame},
 * {@code FCUnpublish}, {@code deleteStream}), then media until the publisher stops or goes away.
 *
 * <ul>
 *   <li>{@code publish} checks the stream key. A wrong, rotated or ended live's key gets {@code
 *       NetStream.Publish.BadName} with the reason, and the connection closes.
 *   <li>A codec browsers cannot play gets {@code NetStream.Publish.Rejected} saying what to set, and the connection
 *       closes. What was stored before stays.
 *   <li>{@code FCUnpublish} or {@code deleteStream} ends the live, as an HLS #EXT-X-ENDLIST does. A publisher that just
 *       goes away leaves the live open for the reconnect window; the next publish with its key continues it after a
 *       discontinuity.
 *   <li>A second publish of the same live takes over: the older connection is closed first, and its last segment
 *       stored.
 * </ul>
 */
final class RtmpConnection implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpConnection.class);
    /** Acknowledgement window we ask of the publisher, and its bandwidth limit (which publishers ignore). */
    private static final long WINDOW = 2_500_000;
    /** Commands and data a connection may send before it publishes: OBS and FFmpeg need 5. */
    private static final int MAX_MESSAGES_BEFORE_PUBLISH = 64;
    /** Before a valid publish, messages are commands: no room for more (a keyless client holds little). */
    private static final int MAX_MESSAGE_BEFORE_PUBLISH = 64 * 1024;
    /** The metadata kept (for the log and, later, stream health); anything else a publisher sends is dropped. */
    private static final List<String> METADATA = List.of(
            "encoder",
            "width",
            "height",
            "framerate",
            "videocodecid",
            "videodatarate",
            "audiocodecid",
            "audiodatarate",
            "audiosamplerate",
            "audiochannels");
    /** How long a refused publisher may go on sending before its connection closes, so it reads why. */
    private static final java.time.Duration LINGER = java.time.Duration.ofSeconds(3);

    private final Socket socket;
    private final RtmpServer server;
    private final RtmpIngest ingest;
    private final RtmpServer.Limits limits;
    private final String peer;
    private final CountDownLatch done = new CountDownLatch(1);
    private final long acceptedNanos = System.nanoTime();
    private volatile boolean published;
    private volatile long writeStartedNanos;
    private ChunkWriter writer;
    private ChunkReader reader;
    private CountingInput counted;
    private long peerWindow;
    private long acknowledged;
    private boolean connected;
    private int nextStreamId = 1;
    private int messagesBeforePublish;
    private Live live;
    private int publishStreamId;
    private Segmenter segmenter;
    private ProgramLine program;
    /** A guest's encoder in a live's green room (a guest stage key), instead of a creator's live. */
    private Stage.Guest guest;
    /** Why the stage removed this guest (a refund, a dispute), told to the encoder before the connection closes. */
    private volatile String removedReason;

    private boolean flvStarted;

    private ReturnTap returnTap;
    private Map<String, Object> metadata = Map.of();

    RtmpConnection(Socket socket, RtmpServer server, RtmpIngest ingest, RtmpServer.Limits limits) {
        this.socket = socket;
        this.server = server;
        this.ingest = ingest;
        this.limits = limits;
        this.peer = socket.getRemoteSocketAddress().toString();
    }

    @Override
    public void run() {
        try {
            socket.setSoTimeout((int) limits.handshakeTimeout().toMillis());
            socket.setTcpNoDelay(true);
            counted = new CountingInput(new BufferedInputStream(socket.getInputStream(), 64 * 1024));
            OutputStream out = new WatchedOutput(new BufferedOutputStream(socket.getOutputStream()));
            Handshake.serve(counted, out);
            writer = new ChunkWriter(out);
            socket.setSoTimeout((int) limits.idleTimeout().toMillis());
            reader = new ChunkReader(
                    counted, MAX_MESSAGE_BEFORE_PUBLISH, limits.maxChunkStreams(), 2L * MAX_MESSAGE_BEFORE_PUBLISH);
            while (!socket.isClosed()) {
                RtmpMessage message = reader.next();
                acknowledge();
                if (!handle(message)) {
                    break;
                }
            }
        } catch (EOFException e) {
            if (live != null) {
                LOG.info(
                        "live {}: publisher {} went away ({}); the live stays open for the reconnect window",
                        live.getLiveId(),
                        peer,
                        e.getMessage());
            }
        } catch (SocketTimeoutException e) {
            LOG.warn(
                    "{}: nothing received for {} s, closing{}",
                    peer,
                    limits.idleTimeout().toSeconds(),
                    liveSuffix());
        } catch (ProtocolException e) {
            LOG.warn("{}: closing, {}{}", peer, e.getMessage(), liveSuffix());
        } catch (IOException e) {
            if (!socket.isClosed()) {
                LOG.info("{}: connection lost ({}){}", peer, e.getMessage(), liveSuffix());
            }
        } catch (Exception e) {
            LOG.error("{}: publishing failed{}", peer, liveSuffix(), e);
        } finally {
            // An orderly close: what was last said (a refusal's onStatus) still reaches the publisher. Only this
            // thread writes, so a TLS close cannot wait on another writer here.
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
            flushSegment();
            if (live != null) {
                server.released(live.getLiveId(), this);
            }
            leaveStage();
            done.countDown();
        }
    }

    /** Whether to go on reading. */
    private boolean handle(RtmpMessage message) throws Exception {
        countBeforePublish();
        switch (message.type()) {
            case RtmpMessage.SET_CHUNK_SIZE -> reader.setChunkSize(u32(message, "Set Chunk Size"));
            case RtmpMessage.ABORT -> reader.abort((int) u32(message, "Abort"));
            case RtmpMessage.WINDOW_ACK_SIZE -> peerWindow = u32(message, "Window Acknowledgement Size");
            case RtmpMessage.ACKNOWLEDGEMENT, RtmpMessage.USER_CONTROL, RtmpMessage.SET_PEER_BANDWIDTH -> {}
            case RtmpMessage.COMMAND_AMF0, RtmpMessage.COMMAND_AMF3 -> {
                return command(
                        message, Amf0.decodeAll(message.payload(), message.type() == RtmpMessage.COMMAND_AMF3 ? 1 : 0));
            }
            case RtmpMessage.DATA_AMF0, RtmpMessage.DATA_AMF3 ->
                data(Amf0.decodeAll(message.payload(), message.type() == RtmpMessage.DATA_AMF3 ? 1 : 0));
            case RtmpMessage.VIDEO, RtmpMessage.AUDIO -> {
                return media(message);
            }
            default -> LOG.debug("{}: ignoring message type {}", peer, message.type());
        }
        return true;
    }

    private void countBeforePublish() throws ProtocolException {
        if (live == null && guest == null && ++messagesBeforePublish > MAX_MESSAGES_BEFORE_PUBLISH) {
            throw new ProtocolException(MAX_MESSAGES_BEFORE_PUBLISH + " messages without publishing");
        }
    }

    private boolean command(RtmpMessage message, List<Object> values) throws Exception {
        if (values.isEmpty() || !(values.get(0) instanceof String name)) {
            throw new ProtocolException("a command without a name");
        }
        Object transaction = values.size() > 1 ? values.get(1) : 0.0;
        switch (name) {
            case "connect" -> {
                return connect(transaction, values.size() > 2 ? values.get(2) : null);
            }
            case "createStream" -> {
                requireConnected(name);
                writer.command(0, "_result", transaction, null, (double) nextStreamId++);
            }
            case "releaseStream", "FCPublish" -> {
                requireConnected(name);
                writer.command(0, "_result", transaction, null, null);
            }
            case "publish" -> {
                requireConnected(name);
                return publish(message.streamId(), values.size() > 3 ? values.get(3) : null);
            }
            case "FCUnpublish", "deleteStream", "closeStream" -> {
                if (live != null) {
                    unpublish(name);
                }
                leaveStage();
                return name.equals("FCUnpublish"); // after deleteStream a publisher only closes
            }
            default -> LOG.debug("{}: ignoring command {}", peer, name);
        }
        return true;
    }

    private boolean connect(Object transaction, Object commandObject) throws IOException {
        String app = commandObject instanceof Map<?, ?> map && map.get("app") instanceof String a ? a : "";
        String bare = app.replaceFirst("\\?.*$", "").replaceFirst("/+$", "");
        if (!bare.equals("live")) {
            writer.command(
                    0,
                    "_error",
                    transaction,
                    null,
                    status(
                            "error",
                            "NetConnection.Connect.Rejected",
                            "the server URL must end in /live (rtmp://HOST/live), with the stream key as the stream name"));
            // not the application's name: a stream key pasted into OBS's Server field would be logged
            LOG.info("{}: refused connect to an application other than 'live' ({} characters)", peer, bare.length());
            return false;
        }
        writer.windowAckSize(WINDOW);
        writer.peerBandwidth(WINDOW);
        writer.setChunkSize(ChunkWriter.CHUNK_SIZE);
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("fmsVer", "FMS/3,0,1,123");
        properties.put("capabilities", 31.0);
        Map<String, Object> information = status("status", "NetConnection.Connect.Success", "Connection succeeded.");
        information.put("objectEncoding", 0.0);
        writer.command(0, "_result", transaction, properties, information);
        connected = true;
        return true;
    }

    private boolean publish(int streamId, Object streamName) throws Exception {
        if (live != null) {
            throw new ProtocolException("a second publish on one connection");
        }
        String key = streamName instanceof String s ? s.replaceFirst("\\?.*$", "") : "";
        if (guest != null) {
            throw new ProtocolException("a second publish on one connection");
        }
        if (RtmpIngest.isGuestKey(key)) {
            return publishAsGuest(streamId, key);
        }
        Live authorized;
        try {
            authorized = ingest.authorize(key);
        } catch (RtmpIngest.Refusal refusal) {
            writer.command(
                    streamId,
                    "onStatus",
                    0.0,
                    null,
                    status("error", "NetStream.Publish.BadName", refusal.getMessage()));
            LOG.info("{}: publish refused, {}", peer, refusal.getMessage());
            return false;
        }
        // An older connection of this live is closed and its last segment stored first: two connections never feed
        // one live at once (their segment numbers would collide).
        if (!server.claim(authorized.getLiveId(), this)) {
            writer.command(
                    streamId,
                    "onStatus",
                    0.0,
                    null,
                    status(
                            "error",
                            "NetStream.Publish.BadName",
                            "the previous connection of this live is still closing: try again in a few seconds"));
            return false;
        }
        live = authorized;
        published = true;
        reader.setLimits(limits.maxMessageBytes(), 2L * limits.maxMessageBytes());
        publishStreamId = streamId;
        String liveId = live.getLiveId();
        ProgramLine line = ingest.line(liveId, protocol());
        program = line;
        returnTap = ingest.returnTap(liveId);
        segmenter = new Segmenter(
                limits.segmentTarget().toMillis(),
                ingest.maxSegmentBytes(),
                () -> ingest.scratch(liveId),
                (sequence, file, micros) -> line.segment(file, micros));
        writer.streamBegin(streamId);
        writer.command(
                streamId,
                "onStatus",
                0.0,
                null,
                status("status", "NetStream.Publish.Start", "Publishing live " + liveId + "."));
        LOG.info("live {}: publishing over RTMP from {}", liveId, peer);
        return true;
    }

    /**
     * A guest's encoder (OBS, a phone app) publishing with a guest stage key: into the green room of the key's live,
     * where the creator sees, hears and brings them on stage as a guest from a browser. Nothing of it is stored; its
     * FLV tags go to the stage's decoder.
     */
    private boolean publishAsGuest(int streamId, String key) throws Exception {
        Stage.Guest admitted;
        try {
            admitted = ingest.admitGuest(key, new Stage.GuestLink() {
                @Override
                public void send(String json) {
                    // an encoder has no page to tell: the creator's panel shows where the guest is
                }

                @Override
                public String address() {
                    return socket.getInetAddress().getHostAddress();
                }

                @Override
                public void close(int code, String reason) {
                    removedReason = reason;
                    // Told on this connection's thread at its next message; one that sends nothing is closed anyway.
                    java.util.concurrent.CompletableFuture.delayedExecutor(LINGER.toMillis(), TimeUnit.MILLISECONDS)
                            .execute(RtmpConnection.this::stop);
                }
            });
        } catch (RtmpIngest.Refusal refusal) {
            writer.command(
                    streamId,
                    "onStatus",
                    0.0,
                    null,
                    status("error", "NetStream.Publish.BadName", refusal.getMessage()));
            LOG.info("{}: guest publish refused, {}", peer, refusal.getMessage());
            return false;
        }
        guest = admitted;
        published = true;
        reader.setLimits(limits.maxMessageBytes(), 2L * limits.maxMessageBytes());
        publishStreamId = streamId;
        writer.streamBegin(streamId);
        writer.command(
                streamId,
                "onStatus",
                0.0,
                null,
                status(
                        "status",
                        "NetStream.Publish.Start",
                        "In the green room of live " + guest.liveId() + " as " + guest.name()
                                + ": the creator brings you on stage."));
        LOG.info("live {}: guest {} publishing over RTMP from {}", guest.liveId(), guest.guestId(), peer);
        return true;
    }

    /** A guest's media: checked as a creator's is (H.264 and AAC only), then handed to the stage as FLV tags. */
    private boolean guestMedia(RtmpMessage message) throws Exception {
        String removed = removedReason;
        if (removed != null) {
            return refuseMedia("NetStream.Publish.Rejected", removed);
        }
        if (message.streamId() != publishStreamId) {
            return true;
        }
        try {
            boolean ignored = message.type() == RtmpMessage.VIDEO
                    ? FlvMedia.video(message.payload()).kind() == FlvMedia.Kind.IGNORED
                    : FlvMedia.audio(message.payload()).kind() == FlvMedia.Kind.IGNORED;
            if (ignored) {
                return true;
            }
        } catch (UnsupportedMediaException e) {
            return refuseMedia("NetStream.Publish.Rejected", e.getMessage());
        }
        byte[] tag = flvTag(message.type(), message.timestamp(), message.payload());
        if (!flvStarted) { // with the first media, not at publish: the guest's clock starts when their media does
            tag = concat(FLV_HEADER, tag);
            flvStarted = true;
        }
        if (!guest.offer(tag)) {
            if (guest.removed()) {
                return refuseMedia(
                        "NetStream.Publish.Rejected",
                        removedReason != null ? removedReason : "you have left the stage");
            }
            String failure = guest.failure();
            return refuseMedia(
                    "NetStream.Publish.Rejected",
                    failure != null
                            ? "the stage cannot read your stream: " + failure
                            : "your stream arrives faster than the stage can take it: lower its bitrate or size");
        }
        return true;
    }

    private boolean refuseMedia(String code, String reason) throws IOException {
        writer.command(publishStreamId, "onStatus", 0.0, null, status("error", code, reason));
        LOG.info("{}: closing the guest's stream ({}): {}", peer, code, reason);
        lingerForTheRefusal();
        return false;
    }

    /** The guest of this connection leaves the stage and the green room, once. */
    private void leaveStage() {
        if (guest != null) {
            ingest.guestLeft(guest);
            guest = null;
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }

    /** The FLV file header (audio and video, then PreviousTagSize0) that FFmpeg's flv demuxer reads first. */
    private static final byte[] FLV_HEADER = {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0};

    /** An RTMP audio or video message as the FLV tag it is (RTMP took its message types from FLV's tag types). */
    static byte[] flvTag(int type, long timestampMillis, byte[] data) {
        ByteBuffer tag = ByteBuffer.allocate(11 + data.length + 4);
        tag.put((byte) type);
        tag.put((byte) (data.length >>> 16)).put((byte) (data.length >>> 8)).put((byte) data.length);
        tag.put((byte) (timestampMillis >>> 16))
                .put((byte) (timestampMillis >>> 8))
                .put((byte) timestampMillis)
                .put((byte) (timestampMillis >>> 24));
        tag.put((byte) 0).put((byte) 0).put((byte) 0);
        tag.put(data);
        tag.putInt(11 + data.length);
        return tag.array();
    }

    /** How this publisher reached us, as stream health reports it. */
    private String protocol() {
        return socket instanceof javax.net.ssl.SSLSocket ? "rtmps" : "rtmp";
    }

    private void unpublish(String command) throws Exception {
        String liveId = live.getLiveId();
        long frames = segmenter.frames();
        flushSegment();
        ingest.ended(liveId); // after the program's last segments: flushSegment waited for them
        LOG.info("live {}: the publisher stopped ({}) after {} frames; the live has ended", liveId, command, frames);
        server.released(liveId, this);
        live = null;
    }

    private void data(List<Object> values) {
        int at = !values.isEmpty() && "@setDataFrame".equals(values.get(0)) ? 1 : 0;
        if (values.size() > at + 1
                && "onMetaData".equals(values.get(at))
                && values.get(at + 1) instanceof Map<?, ?> map) {
            Map<String, Object> kept = new LinkedHashMap<>();
            for (String name : METADATA) {
                Object value = map.get(name);
                if (value instanceof Number
                        || value instanceof Boolean
                        || value instanceof String text && text.length() <= 200) {
                    kept.put(name, value);
                }
            }
            metadata = kept;
            LOG.info("{}: stream metadata {}", peer, describe(metadata));
        }
    }

    private boolean media(RtmpMessage message) throws Exception {
        if (guest != null) {
            return guestMedia(message);
        }
        if (live == null) {
            throw new ProtocolException("media before publish");
        }
        if (message.streamId() != publishStreamId) {
            return true;
        }
        try {
            if (message.type() == RtmpMessage.VIDEO) {
                FlvMedia.Video video = FlvMedia.video(message.payload());
                switch (video.kind()) {
                    case CONFIG -> {
                        segmenter.videoConfig(video.data());
                        returnTap.videoConfig(video.data());
                    }
                    case FRAME -> {
                        segmenter.video(
                                message.timestamp(), video.compositionTimeMillis(), video.keyframe(), video.data());
                        returnTap.video(
                                message.timestamp(), video.compositionTimeMillis(), video.keyframe(), video.data());
                    }
                    case IGNORED -> {}
                }
            } else {
                FlvMedia.Audio audio = FlvMedia.audio(message.payload());
                switch (audio.kind()) {
                    case CONFIG -> {
                        segmenter.audioConfig(audio.data());
                        returnTap.audioConfig(audio.data());
                    }
                    case FRAME -> {
                        segmenter.audio(message.timestamp(), audio.data());
                        returnTap.audio(message.timestamp(), audio.data());
                    }
                    case IGNORED -> {}
                }
            }
        } catch (UnsupportedMediaException e) {
            writer.command(
                    publishStreamId,
                    "onStatus",
                    0.0,
                    null,
                    status("error", "NetStream.Publish.Rejected", e.getMessage()));
            LOG.warn("live {}: refused the stream from {}: {}", live.getLiveId(), peer, e.getMessage());
            ingest.refused(live.getLiveId(), protocol(), e.getMessage());
            lingerForTheRefusal();
            return false;
        }
        return true;
    }

    /**
     * A publisher that is sending media reads the server's messages only between its writes: closing at once would
     * break its next write before it read why. So its bytes are read and dropped for a moment (or until it closes),
     * and the encoder shows our reason instead of "Broken pipe".
     */
    private void lingerForTheRefusal() {
        long until = System.nanoTime() + LINGER.toNanos();
        byte[] sink = new byte[16 * 1024];
        try {
            socket.setSoTimeout(100);
            while (System.nanoTime() < until) {
                try {
                    if (counted.read(sink) < 0) {
                        return;
                    }
                } catch (SocketTimeoutException e) {
                    // nothing sent for a moment: keep waiting for the close
                }
            }
        } catch (IOException e) {
            // gone already
        }
    }

    private void requireConnected(String command) throws ProtocolException {
        if (!connected) {
            throw new ProtocolException(command + " before connect");
        }
    }

    private void acknowledge() throws IOException {
        if (peerWindow > 0 && counted.count - acknowledged >= peerWindow) {
            acknowledged = counted.count;
            writer.acknowledgement(acknowledged & 0xffffffffL);
        }
    }

    /** Stores the segment in progress, once; a failure here loses only that segment, and says so. */
    private void flushSegment() {
        if (segmenter == null) {
            return;
        }
        try {
            segmenter.flush();
        } catch (Exception e) {
            LOG.error(
                    "live {}: the last segment from {} could not be stored",
                    live == null ? "?" : live.getLiveId(),
                    peer,
                    e);
        } finally {
            segmenter.close();
            segmenter = null;
            if (returnTap != null) {
                returnTap.close();
                returnTap = null;
            }
            if (program != null) {
                program.finish(); // the segments still being mixed go out before anything else of this live
                program = null;
            }
        }
    }

    /**
     * Closes the socket from another thread (the watchdog, a takeover, shutdown): the connection's thread stops
     * reading, stores its last segment and ends. Abortive (no lingering): a TLS socket would otherwise wait for its
     * write lock to send close_notify, which a writer blocked on a publisher that does not read holds forever.
     */
    void stop() {
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException e) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    boolean awaitDone(long millis) throws InterruptedException {
        return done.await(millis, TimeUnit.MILLISECONDS);
    }

    /** Whether this connection has gone on for longer than {@code timeout} without publishing. */
    boolean unpublishedFor(long now, java.time.Duration timeout) {
        return !published && now - acceptedNanos > timeout.toNanos();
    }

    /** Nanos since a write to this publisher began and has not finished, or 0. */
    long writeBlockedNanos(long now) {
        long started = writeStartedNanos;
        return started == 0 ? 0 : now - started;
    }

    String peer() {
        return peer;
    }

    java.net.InetAddress address() {
        return socket.getInetAddress();
    }

    private String liveSuffix() {
        if (guest != null) {
            return " (guest " + guest.guestId() + " of live " + guest.liveId() + ")";
        }
        return live == null ? "" : " (live " + live.getLiveId() + ")";
    }

    private static Map<String, Object> status(String level, String code, String description) {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("level", level);
        status.put("code", code);
        status.put("description", description);
        return status;
    }

    private static long u32(RtmpMessage message, String what) throws ProtocolException {
        if (message.payload().length < 4) {
            throw new ProtocolException(what + " of " + message.payload().length + " bytes");
        }
        return ByteBuffer.wrap(message.payload()).getInt() & 0xffffffffL;
    }

    private static String describe(Map<String, Object> metadata) {
        StringBuilder text = new StringBuilder();
        for (String name : metadata.keySet()) {
            Object value = metadata.get(name);
            if (value != null) {
                text.append(text.length() == 0 ? "" : ", ")
                        .append(name)
                        .append('=')
                        .append(printable(String.valueOf(value)));
            }
        }
        return text.toString();
    }

    private static String printable(String text) {
        String clean = text.replaceAll("[^ -~]", "?");
        return clean.length() > 80 ? clean.substring(0, 80) + "..." : clean;
    }

    /** Counts the bytes read, for acknowledgements. */
    private static final class CountingInput extends FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = super.read(buffer, offset, length);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** Marks when a write starts, so that the server can close a publisher that stopped reading. */
    private final class WatchedOutput extends OutputStream {
        private final OutputStream out;

        WatchedOutput(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            writeStartedNanos = System.nanoTime() | 1;
            try {
                out.write(bytes, offset, length);
            } finally {
                writeStartedNanos = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            writeStartedNanos = System.nanoTime() | 1;
            try {
                out.flush();
            } finally {
                writeStartedNanos = 0;
            }
        }
    }
}
