package io.stagepass.launcher.demo;

import io.stagepass.events.PlaybackTokens;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.List;

/** The demo's viewers, as their player pages report to ingest's beacon endpoint under playback tokens. */
public final class DemoViewers {
    /** Concurrency is sampled every 10 s of event time: the viewers watch across a sample so that they are seen. */
    private static final long SAMPLE_MILLIS = 10_000;

    private final HttpClient http;
    private final String ingestUrl;
    private final PlaybackTokens tokens;
    private final String liveId;
    private int viewers;
    private long startedAt;

    public DemoViewers(HttpClient http, String ingestUrl, PlaybackTokens tokens, String liveId) {
        this.http = http;
        this.ingestUrl = ingestUrl;
        this.tokens = tokens;
        this.liveId = liveId;
    }

    /** Each viewer opens the live's page anonymously, then starts watching with a ticket; returns the events sent. */
    public int start(int count) throws Exception {
        viewers = count;
        int events = 0;
        for (int viewer = 0; viewer < count; viewer++) {
            String session = session(viewer);
            events += send(token(null), List.of(beacon("page_view", session, "page", 0)));
            events += send(token(ticket(viewer)), List.of(beacon("view_start", session, "live", 0)));
        }
        startedAt = System.currentTimeMillis();
        return events;
    }

    /** A heartbeat and the end of each viewer's session, after the next concurrency sample; returns the events sent. */
    public int stop() throws Exception {
        long sampled = (startedAt / SAMPLE_MILLIS + 1) * SAMPLE_MILLIS + 200;
        Thread.sleep(Math.max(0, sampled - System.currentTimeMillis()));
        int events = 0;
        for (int viewer = 0; viewer < viewers; viewer++) {
            String session = session(viewer);
            events += send(
                    token(ticket(viewer)),
                    List.of(beacon("heartbeat", session, "live", 10_000), beacon("view_end", session, "live", 15_000)));
        }
        return events;
    }

    private static String session(int viewer) {
        return "demo-session-" + viewer;
    }

    private static String ticket(int viewer) {
        return "cs_demo_" + viewer;
    }

    private String token(String ticketId) {
        return tokens.issue(liveId, ticketId, Instant.now().plusSeconds(3600));
    }

    private static String beacon(String type, String session, String mode, long positionMs) {
        return String.format(
                "{\"type\": \"%s\", \"sessionId\": \"%s\", \"mode\": \"%s\", \"positionMs\": %d}",
                type, session, mode, positionMs);
    }

    private int send(String token, List<String> events) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(ingestUrl + "/v1/beacons"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("[" + String.join(",", events) + "]"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 202) {
            throw new IllegalStateException(
                    "ingest refused the demo's beacons: " + response.statusCode() + " " + response.body());
        }
        return events.size();
    }
}
