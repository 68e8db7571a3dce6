package io.stagepass.acceptance.load;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.BeaconReport;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Interruptions;
import io.stagepass.acceptance.client.RefusedException;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.events.Ids;
import io.stagepass.events.PlaybackTokens;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The load's three kinds of client, each on its own thread, recording what they were told in the {@link GroundTruth}:
 * an encoder pushing HLS at the pace of real time, players sending beacons with ids, buyers going through Checkout (one
 * in {@code refundEvery} refunded at once). Ingest requests fail over to the next instance as their clients would; a
 * checkout that fails is not retried (the buyer would start again, and the comparison asks Stripe what was paid).
 */
final class LoadTraffic {
    /** The doors the load's people use: the replay API, ingest (failing over), Stripe, and the players' beacon tokens. */
    record Clients(ApiClient api, IngestClient ingest, StripeSandboxClient stripe, PlaybackTokens beaconTokens) {}

    /** How often one player reports. */
    static final int EVERY_SECONDS = 5;

    static final String CHECKOUT = "checkout";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TOKEN_VALIDITY = Duration.ofHours(6);

    private final Clients clients;
    private final LoadShape shape;
    private final Interruptions interruptions;
    private final GroundTruth truth;
    private final PrintStream out;
    private final AtomicBoolean stopping = new AtomicBoolean();

    LoadTraffic(Clients clients, LoadShape shape, Interruptions interruptions, GroundTruth truth, PrintStream out) {
        this.clients = clients;
        this.shape = shape;
        this.interruptions = interruptions;
        this.truth = truth;
        this.out = out;
    }

    /** The encoder: each segment, then the playlist listing it, at the pace of real time; ENDLIST at the end. */
    void pushSegments(Path hls, Playlist playlist, String streamKey) {
        long start = System.nanoTime();
        try {
            List<Playlist.Segment> all = playlist.segments();
            for (int i = 0; i < all.size(); i++) {
                Playlist.Segment segment = all.get(i);
                sleepUntil(start + (long) (segment.startSeconds() * 1e9));
                byte[] bytes = Files.readAllBytes(hls.resolve(segment.file()));
                HttpResponse<String> stored = acknowledged(
                        IngestClient.SEGMENTS, () -> clients.ingest().put(streamKey, segment.file(), bytes));
                if (stored != null) {
                    truth.segmentStored(
                            JSON.readTree(stored.body()).get("sequence").asLong(), bytes.length);
                }
                byte[] listing = playlist.upTo(i + 1, i == all.size() - 1).getBytes();
                acknowledged(IngestClient.SEGMENTS, () -> clients.ingest().put(streamKey, "index.m3u8", listing));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("the encoder stopped: " + e);
        }
    }

    /**
     * The players: each viewer sends a batch of heartbeats with ids (a resent batch is the same facts) every
     * {@link #EVERY_SECONDS} s, within ingest's per-session rate; the viewers take turns, so requests go every second.
     */
    void sendBeacons(String liveId) {
        List<String> viewerTokens = new ArrayList<>();
        for (int v = 0; v < shape.viewers(); v++) {
            viewerTokens.add(clients.beaconTokens()
                    .issue(liveId, "cs_load_viewer_" + v, Instant.now().plus(TOKEN_VALIDITY)));
        }
        long start = System.nanoTime();
        try {
            for (int second = 0; !stopping.get(); second++) {
                sleepUntil(start + second * 1_000_000_000L);
                for (int v = second % EVERY_SECONDS; v < shape.viewers() && !stopping.get(); v += EVERY_SECONDS) {
                    sendBatch(liveId, "load-viewer-" + v, second, viewerTokens.get(v), v);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("the players stopped: " + e);
        }
    }

    private void sendBatch(String liveId, String session, int second, String token, int viewer) throws Exception {
        List<BeaconReport> reports = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (int b = 0; b < shape.beaconsPerRequest(); b++) {
            String id = String.format("hb-%06d-%02d", second, b);
            ids.add(Ids.derivedEventId("beacon", liveId + "/" + session + "/" + id));
            String type = second < EVERY_SECONDS && b == 0 ? "view_start" : "heartbeat";
            reports.add(
                    BeaconReport.of(type, session, "live", second * 1000L + b).withId(id));
        }
        if (acknowledged(IngestClient.BEACONS, () -> clients.ingest().beacons(token, reports, viewer)) != null) {
            truth.beaconsAcknowledged(ids);
        }
    }

    /** The buyers: the ticket page's checkout, paid on Stripe's hosted page; one in refundEvery refunded at once. */
    void buyTickets(String liveId) {
        long start = System.nanoTime();
        try {
            for (int n = 0; !stopping.get(); n++) {
                sleepUntil(start + (long) (n / shape.ticketsPerSecond() * 1e9));
                String email = "buyer" + n + "@example.com";
                String session;
                try {
                    ApiClient.Checkout checkout = clients.api().checkout(liveId, "viewer", email);
                    session = checkout.sessionId();
                    clients.stripe().pay(checkout, email);
                    interruptions.succeeded(CHECKOUT);
                } catch (IOException | RuntimeException e) {
                    interruptions.failed(CHECKOUT, e.toString());
                    continue; // not paid: no ticket (the comparison asks Stripe which sessions were paid)
                }
                truth.ticketPaid(session);
                if (n % shape.refundEvery() == shape.refundEvery() - 1) {
                    clients.stripe().refund(session);
                    truth.ticketRefunded(session);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            out.println("the buyers stopped: " + e);
        }
    }

    /** Ends the players and the buyers after their current request. */
    void stop() {
        stopping.set(true);
    }

    @FunctionalInterface
    private interface Request {
        HttpResponse<String> send() throws Exception;
    }

    /** The answer once ingest acknowledged the request; null when its client gave up on it (counted). */
    private HttpResponse<String> acknowledged(String kind, Request request) throws Exception {
        try {
            return request.send();
        } catch (RefusedException e) {
            out.printf("%s %s refused for good: %d %s%n", LoadRun.clock(), kind, e.status(), e.body());
        } catch (IOException e) {
            // retried on every instance until the client's patience ran out
        }
        truth.gaveUp();
        return null;
    }

    private static void sleepUntil(long dueNanos) throws InterruptedException {
        Thread.sleep(Math.max(0, (dueNanos - System.nanoTime()) / 1_000_000));
    }
}
