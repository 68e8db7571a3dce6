package io.stagepass.acceptance.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

/**
 * A live's server-sent events stream as the dashboard holds it open: events queue up until taken with {@link #next};
 * a stream that broke says so there; closing it closes the connection.
 */
public final class EventStream implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One server-sent event, and when it arrived ({@link System#nanoTime()}). */
    public record ServerEvent(String name, com.fasterxml.jackson.databind.JsonNode data, long receivedNanos) {}

    private final BlockingQueue<ServerEvent> events = new LinkedBlockingQueue<>();
    private final AtomicReference<Throwable> broken = new AtomicReference<>();
    private final AtomicReference<Stream<String>> lines = new AtomicReference<>();
    private final CompletableFuture<Void> reading;

    EventStream(CompletableFuture<HttpResponse<Stream<String>>> response) {
        this.reading = response.thenAccept(answer -> read(answer.body())).whenComplete((done, error) -> {
            if (error != null) {
                broken.set(error);
            }
        });
    }

    /** The next event, waiting up to {@code timeout}; null if none came. An error if the stream broke. */
    public ServerEvent next(Duration timeout) throws InterruptedException {
        ServerEvent event = events.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (event == null && broken.get() != null) {
            throw new IllegalStateException("the events stream broke", broken.get());
        }
        return event;
    }

    private void read(Stream<String> body) {
        lines.set(body);
        try (body) {
            String name = null;
            for (String line : (Iterable<String>) body::iterator) {
                if (line.startsWith("event:")) {
                    name = line.substring("event:".length()).strip();
                } else if (line.startsWith("data:") && name != null) {
                    events.add(new ServerEvent(
                            name, JSON.readTree(line.substring("data:".length()).strip()), System.nanoTime()));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable event on the events stream", e);
        }
    }

    @Override
    public void close() {
        Stream<String> body = lines.get();
        if (body != null) {
            body.close(); // closes the connection; the reader ends
        }
        reading.cancel(true);
    }
}
