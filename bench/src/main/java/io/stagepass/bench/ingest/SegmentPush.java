package io.stagepass.bench.ingest;

import io.stagepass.bench.Sleep;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Simulated encoders, one per stream key: each PUTs a segment every 2 s, then the playlist naming it. */
final class SegmentPush {
    static final Duration SEGMENT_INTERVAL = Duration.ofSeconds(2);

    /** Where a file of a stream key goes. */
    interface Url {
        String of(String key, String file);
    }

    private final HttpClient http =
            HttpClient.newBuilder().executor(Executors.newFixedThreadPool(16)).build();
    private final byte[] segment;
    private final Url url;
    private final PushResult result = new PushResult();

    private SegmentPush(byte[] segment, Url url) {
        this.segment = segment;
        this.url = url;
    }

    /**
     * Pushes for {@code seconds} and waits for the answers; with {@code events} (null: none), also for the events of
     * the segments that were created.
     */
    static PushResult push(List<String> keys, int seconds, byte[] segment, Url url, SegmentEvents events)
            throws InterruptedException {
        SegmentPush push = new SegmentPush(segment, url);
        if (events != null) {
            events.start(push.result);
        }
        push.run(keys, seconds);
        push.awaitAnswers();
        if (events != null) {
            push.awaitEvents();
            events.stop();
        }
        return push.result;
    }

    private void run(List<String> keys, int seconds) throws InterruptedException {
        ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4);
        int segments = (int) (seconds / SEGMENT_INTERVAL.toSeconds());
        for (int live = 0; live < keys.size(); live++) {
            String key = keys.get(live);
            long offset = SEGMENT_INTERVAL.toMillis() * live / keys.size(); // spread the encoders over the interval
            for (int i = 0; i < segments; i++) {
                int sequence = i;
                scheduler.schedule(
                        () -> putSegment(key, sequence),
                        offset + i * SEGMENT_INTERVAL.toMillis(),
                        TimeUnit.MILLISECONDS);
            }
        }
        scheduler.shutdown();
        scheduler.awaitTermination(seconds + 60L, TimeUnit.SECONDS);
    }

    private void awaitAnswers() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (result.created.get() + result.failed.get() < result.sent.get() && System.nanoTime() < deadline) {
            Sleep.millis(100);
        }
    }

    private void awaitEvents() {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (result.events.count() < result.created.get() && System.nanoTime() < deadline) {
            Sleep.millis(200);
        }
    }

    private void putSegment(String key, int sequence) {
        long start = System.nanoTime();
        result.putStarted(key, sequence, start);
        result.sent.incrementAndGet();
        http.sendAsync(
                        HttpRequest.newBuilder(URI.create(url.of(key, "index" + sequence + ".ts")))
                                .PUT(HttpRequest.BodyPublishers.ofByteArray(segment))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .whenComplete((response, error) -> {
                    result.answers.add((System.nanoTime() - start) / 1000);
                    if (error == null && response.statusCode() == 201) {
                        result.created.incrementAndGet();
                    } else {
                        result.failed.incrementAndGet();
                    }
                    putPlaylist(key, sequence);
                });
    }

    private void putPlaylist(String key, int sequence) {
        String playlist = "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:" + sequence
                + "\n#EXTINF:2.000000,\nindex" + sequence + ".ts\n";
        http.sendAsync(
                HttpRequest.newBuilder(URI.create(url.of(key, "index.m3u8")))
                        .PUT(HttpRequest.BodyPublishers.ofString(playlist))
                        .build(),
                HttpResponse.BodyHandlers.discarding());
    }
}
