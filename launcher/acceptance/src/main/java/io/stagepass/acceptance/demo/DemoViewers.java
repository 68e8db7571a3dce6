package io.stagepass.acceptance.demo;

import io.stagepass.acceptance.client.BeaconReport;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.events.PlaybackTokens;
import java.time.Instant;
import java.util.List;

/** Viewers of a live, as their player pages report to ingest's beacon endpoint under playback tokens. */
public final class DemoViewers {
    /** Concurrency is sampled every 10 s of event time: the viewers watch across a sample so that they are seen. */
    private static final long SAMPLE_MILLIS = 10_000;
    /** Ingest's answer once Kafka has the beacons. */
    private static final int ACCEPTED = 202;

    private final IngestClient ingest;
    private final PlaybackTokens tokens;
    private final String liveId;
    private int viewers;
    private long startedAt;

    public DemoViewers(IngestClient ingest, PlaybackTokens tokens, String liveId) {
        this.ingest = ingest;
        this.tokens = tokens;
        this.liveId = liveId;
    }

    /** Each viewer opens the live's page anonymously, then starts watching with a ticket; returns the events sent. */
    public int start(int count) throws Exception {
        viewers = count;
        int events = 0;
        for (int viewer = 0; viewer < count; viewer++) {
            String session = session(viewer);
            events += send(token(null), List.of(BeaconReport.of("page_view", session, "page", 0)));
            events += send(token(ticket(viewer)), List.of(BeaconReport.of("view_start", session, "live", 0)));
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
                    List.of(
                            BeaconReport.of("heartbeat", session, "live", 10_000),
                            BeaconReport.of("view_end", session, "live", 15_000)));
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

    private int send(String token, List<BeaconReport> events) throws Exception {
        int status = ingest.beacons(token, events).statusCode();
        if (status != ACCEPTED) {
            throw new IllegalStateException("ingest answered the beacons " + status + ", not " + ACCEPTED);
        }
        return events.size();
    }
}
