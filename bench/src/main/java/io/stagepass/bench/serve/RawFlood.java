package io.stagepass.bench.serve;

import io.stagepass.bench.Latencies;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * A fixed-rate flood of GET requests as an attacker's tool sends them: a few kept-alive HTTP/1.1 connections, a request
 * written as bytes, the answer read to its end. It costs the machine next to nothing per request, unlike a general
 * client (the JDK's keeps a synchronised connection pool and, on two cores, starts a thread per asynchronous answer),
 * so that what a phase measures is the server's cost. Latency counts from each request's scheduled time: when every
 * connection is busy, requests wait in the queue and that wait is counted (no coordinated omission).
 */
final class RawFlood {
    private final String host;
    private final int port;
    private final int connections;

    RawFlood(String host, int port, int connections) {
        this.host = host;
        this.port = port;
        this.connections = connections;
    }

    /** Sends {@code rate} requests a second for {@code length}; {@code head(i)} is the i-th request's head. */
    void run(
            int rate, Duration length, IntFunction<String> head, Latencies latencies, Map<Integer, AtomicLong> statuses)
            throws InterruptedException {
        BlockingQueue<Long> due = new LinkedBlockingQueue<>();
        long total = rate * length.toSeconds();
        AtomicInteger next = new AtomicInteger();
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Thread sender = new Thread(
                    () -> {
                        Conn socket = null;
                        try {
                            while (true) {
                                long scheduled = due.take();
                                if (scheduled < 0) {
                                    return;
                                }
                                int status;
                                try {
                                    if (socket == null) {
                                        socket = connect();
                                    }
                                    status = socket.exchange(head.apply(next.getAndIncrement()));
                                    if (status < 0) { // the server closed the connection after this answer
                                        socket.close();
                                        socket = null;
                                        status = -status;
                                    }
                                } catch (IOException e) {
                                    closeQuietly(socket);
                                    socket = null;
                                    status = 0;
                                }
                                latencies.add((System.nanoTime() - scheduled) / 1000);
                                statuses.computeIfAbsent(status, k -> new AtomicLong())
                                        .incrementAndGet();
                            }
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        } finally {
                            closeQuietly(socket);
                        }
                    },
                    "flood-" + c);
            sender.setDaemon(true);
            sender.start();
            senders.add(sender);
        }
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        AtomicLong scheduledCount = new AtomicLong();
        clock.scheduleAtFixedRate(
                () -> {
                    if (scheduledCount.getAndIncrement() < total) {
                        due.add(System.nanoTime());
                    }
                },
                0,
                1_000_000_000L / rate,
                TimeUnit.NANOSECONDS);
        TimeUnit.NANOSECONDS.sleep(length.toNanos());
        clock.shutdownNow();
        for (int c = 0; c < connections; c++) {
            due.add(-1L);
        }
        for (Thread sender : senders) {
            sender.join(TimeUnit.SECONDS.toMillis(10));
        }
    }

    private Conn connect() throws IOException {
        Socket socket = new Socket();
        socket.setTcpNoDelay(true);
        socket.connect(new InetSocketAddress(host, port), 5000);
        socket.setSoTimeout(10_000);
        return new Conn(socket, new BufferedInputStream(socket.getInputStream()), socket.getOutputStream());
    }

    /** A kept-alive connection, its input buffered across answers. */
    private record Conn(Socket socket, InputStream in, OutputStream out) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }

        /** Writes one request and reads its answer whole: its status, negative when the server closes. */
        int exchange(String head) throws IOException {
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return answer(in);
        }
    }

    private static int answer(InputStream in) throws IOException {
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        long contentLength = 0;
        boolean chunked = false;
        boolean close = false;
        for (String header = line(in); !header.isEmpty(); header = line(in)) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                contentLength = Long.parseLong(
                        lower.substring("content-length:".length()).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            } else if (lower.startsWith("connection:") && lower.contains("close")) {
                close = true;
            }
        }
        if (chunked) {
            for (long size = Long.parseLong(line(in).split(";")[0].trim(), 16);
                    size > 0;
                    size = Long.parseLong(line(in).split(";")[0].trim(), 16)) {
                skip(in, size);
                line(in);
            }
            line(in);
        } else {
            skip(in, contentLength);
        }
        return close ? -status : status;
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream(64);
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new IOException("the connection closed mid-answer");
            }
            if (b != '\r') {
                line.write(b);
            }
        }
        return line.toString(StandardCharsets.US_ASCII);
    }

    private static void skip(InputStream in, long bytes) throws IOException {
        long left = bytes;
        while (left > 0) {
            long skipped = in.skip(left);
            if (skipped <= 0) {
                if (in.read() < 0) {
                    throw new IOException("the connection closed mid-body");
                }
                skipped = 1;
            }
            left -= skipped;
        }
    }

    private static void closeQuietly(Conn socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already gone
            }
        }
    }
}
