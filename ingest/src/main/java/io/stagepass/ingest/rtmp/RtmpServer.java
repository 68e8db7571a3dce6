package io.stagepass.ingest.rtmp;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RTMP and RTMPS ingest on plain (or TLS) sockets, a thread per connection. Publishers are few per instance (a creator streams one live)
 * and each one's work is sequential (read a chunk, cut a segment, spool it), so a blocking thread per publisher is the
 * simplest thing that is correct; Netty's event loops would buy nothing here but a second I/O model in one service.
 *
 * <p>Bounds, enforced here: at most {@code maxConnections} at once and {@code maxConnectionsPerAddress} from one
 * address (more are closed on accept); a valid publish within {@code publishTimeout} of connecting; no silence longer
 * than {@code idleTimeout}; small messages until publish, then up to {@code maxMessageBytes}; a few chunk streams; and
 * no write to a publisher blocked for longer than {@code writeTimeout}. The last two are a watchdog's work.
 */
public final class RtmpServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RtmpServer.class);
    private static final long TAKEOVER_WAIT_MILLIS = 10_000;

    /**
     * @param maxConnections   connections served at once
     * @param maxConnectionsPerAddress connections from one address at once
     * @param maxMessageBytes  the largest RTMP message (a video frame) accepted
     * @param maxChunkStreams  chunk streams one connection may use
     * @param handshakeTimeout silence allowed during the handshake
     * @param publishTimeout   time from connecting to a valid publish
     * @param idleTimeout      silence after which a connection is dropped (the live stays open for the reconnect window)
     * @param writeTimeout     how long a write to a publisher may block
     * @param segmentTarget    the shortest segment: segments are cut at the first keyframe after it
     */
    public record Limits(
            int maxConnections,
            int maxConnectionsPerAddress,
            int maxMessageBytes,
            int maxChunkStreams,
            Duration handshakeTimeout,
            Duration publishTimeout,
            Duration idleTimeout,
            Duration writeTimeout,
            Duration segmentTarget) {
        public static Limits defaults() {
            return new Limits(
                    64,
                    16,
                    8 * 1024 * 1024,
                    16,
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(15),
                    Duration.ofSeconds(30),
                    Duration.ofSeconds(10),
                    Duration.ofSeconds(2));
        }
    }

    private final List<ServerSocket> listeners;
    private final RtmpIngest ingest;
    private final Limits limits;
    private final Set<RtmpConnection> connections = ConcurrentHashMap.newKeySet();
    private final Map<String, RtmpConnection> publishers = new HashMap<>();
    private final AtomicInteger connectionNumber = new AtomicInteger();
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "rtmp-watchdog");
        thread.setDaemon(true);
        return thread;
    });
    private final List<Thread> acceptors = new ArrayList<>();

    private RtmpServer(List<ServerSocket> listeners, RtmpIngest ingest, Limits limits) {
        this.listeners = listeners;
        this.ingest = ingest;
        this.limits = limits;
        for (ServerSocket listener : listeners) {
            Thread acceptor = new Thread(() -> accept(listener), "rtmp-accept-" + listener.getLocalPort());
            acceptor.setDaemon(true);
            acceptors.add(acceptor);
        }
    }

    /**
     * RTMP on {@code port}, and RTMPS (RTMP inside TLS, the same server otherwise) on {@code tlsPort} when {@code tls}
     * is given. A publisher of a live may come back on either.
     */
    public static RtmpServer start(
            String host, int port, int tlsPort, Optional<SSLContext> tls, RtmpIngest ingest, Limits limits)
            throws IOException {
        List<ServerSocket> listeners = new ArrayList<>();
        try {
            listeners.add(bind(new ServerSocket(), host, port, "RTMP"));
            if (tls.isPresent()) {
                listeners.add(bind(tls.get().getServerSocketFactory().createServerSocket(), host, tlsPort, "RTMPS"));
            }
        } catch (IOException e) {
            for (ServerSocket listener : listeners) {
                closeQuietly(listener);
            }
            throw e;
        }
        RtmpServer server = new RtmpServer(listeners, ingest, limits);
        server.acceptors.forEach(Thread::start);
        server.watchdog.scheduleWithFixedDelay(server::closeStuckWriters, 1, 1, TimeUnit.SECONDS);
        LOG.info("RTMP listening on rtmp://{}:{}/live", host, server.port());
        server.tlsPort().ifPresent(p -> LOG.info("RTMPS listening on rtmps://{}:{}/live", host, p));
        return server;
    }

    private static ServerSocket bind(ServerSocket listener, String host, int port, String what) throws IOException {
        try {
            listener.bind(new InetSocketAddress(InetAddress.getByName(host), port), 64);
            return listener;
        } catch (IOException e) {
            closeQuietly(listener);
            throw new IOException(what + " cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return listeners.get(0).getLocalPort();
    }

    /** The RTMPS port, when RTMPS is on. */
    public Optional<Integer> tlsPort() {
        return listeners.size() > 1 ? Optional.of(listeners.get(1).getLocalPort()) : Optional.empty();
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    private void accept(ServerSocket listener) {
        while (!listener.isClosed()) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
                LOG.warn("RTMP accept failed ({}); going on", e.getMessage()); // e.g. out of file descriptors
                sleepQuietly(100);
                continue;
            }
            if (connections.size() >= limits.maxConnections()) {
                LOG.warn(
                        "RTMP: refusing {}, already {} connections",
                        socket.getRemoteSocketAddress(),
                        connections.size());
                closeQuietly(socket);
                continue;
            }
            long fromSameAddress = connections.stream()
                    .filter(c -> c.address().equals(socket.getInetAddress()))
                    .count();
            if (fromSameAddress >= limits.maxConnectionsPerAddress()) {
                LOG.warn(
                        "RTMP: refusing {}, already {} connections from that address",
                        socket.getRemoteSocketAddress(),
                        fromSameAddress);
                closeQuietly(socket);
                continue;
            }
            RtmpConnection connection = new RtmpConnection(socket, this, ingest, limits);
            connections.add(connection);
            Thread thread = new Thread(
                    () -> {
                        try {
                            connection.run();
                        } finally {
                            connections.remove(connection);
                        }
                    },
                    "rtmp-" + connectionNumber.incrementAndGet());
            thread.setDaemon(true);
            thread.start();
        }
    }

    /**
     * Makes {@code connection} the publisher of a live. One that published it before is closed, and waited for, so its
     * last segment is stored before the new connection's first one; false (refuse the new one) if it does not finish.
     */
    boolean claim(String liveId, RtmpConnection connection) throws InterruptedException {
        RtmpConnection previous;
        synchronized (publishers) {
            previous = publishers.put(liveId, connection);
        }
        if (previous != null && previous != connection) {
            LOG.info("live {}: {} takes over from {}", liveId, connection.peer(), previous.peer());
            previous.stop();
            if (!previous.awaitDone(TAKEOVER_WAIT_MILLIS)) {
                LOG.warn(
                        "live {}: the previous publisher {} did not finish within {} ms; refusing the new one",
                        liveId,
                        previous.peer(),
                        TAKEOVER_WAIT_MILLIS);
                synchronized (publishers) {
                    publishers.remove(liveId, connection);
                }
                return false;
            }
        }
        return true;
    }

    void released(String liveId, RtmpConnection connection) {
        synchronized (publishers) {
            publishers.remove(liveId, connection);
        }
    }

    private void closeStuckWriters() {
        long now = System.nanoTime();
        for (RtmpConnection connection : connections) {
            if (connection.unpublishedFor(now, limits.publishTimeout())) {
                LOG.warn(
                        "{}: no publish within {} s of connecting, closing",
                        connection.peer(),
                        limits.publishTimeout().toSeconds());
                connection.stop();
                continue;
            }
            if (connection.writeBlockedNanos(now) > limits.writeTimeout().toNanos()) {
                LOG.warn(
                        "{}: a write has been blocked for over {} s (the publisher does not read), closing",
                        connection.peer(),
                        limits.writeTimeout().toSeconds());
                connection.stop();
            }
        }
    }

    @Override
    public void close() throws InterruptedException {
        listeners.forEach(RtmpServer::closeQuietly);
        watchdog.shutdownNow();
        for (RtmpConnection connection : connections) {
            connection.stop();
        }
        for (RtmpConnection connection : connections) {
            connection.awaitDone(TAKEOVER_WAIT_MILLIS);
        }
        for (Thread acceptor : acceptors) {
            acceptor.join(TAKEOVER_WAIT_MILLIS);
        }
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            // closing anyway
        }
    }
}
