package io.stagepass.acceptance.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.stagepass.platform.lifecycle.Retry;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's side of failing over, against a plain HTTP server that answers what each case needs (this tests the
 * client, not ingest: IngestClient talks to the real ingest in every end-to-end test and in the load).
 */
class IngestClientTest {
    private static final Retry PATIENT = Retry.forDuration(Duration.ofSeconds(30), Duration.ofMillis(10));

    private final List<HttpServer> servers = new ArrayList<>();
    private final List<String> requests = Collections.synchronizedList(new ArrayList<>());

    @AfterEach
    void stopServers() {
        servers.forEach(server -> server.stop(0));
    }

    /** A server answering {@code statuses} in turn (the last one for ever after). */
    private String server(String name, int... statuses) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            requests.add(name + " " + exchange.getRequestMethod() + " " + exchange.getRequestURI());
            exchange.getRequestBody().readAllBytes();
            int status = statuses[Math.min(calls.getAndIncrement(), statuses.length - 1)];
            byte[] body = ("{\"status\": " + status + "}").getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        servers.add(server);
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** An address nothing listens on: connections are refused, as to an instance that was killed. */
    private static String away() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return "http://127.0.0.1:" + socket.getLocalPort();
        }
    }

    @Test
    void aRequestAnInstanceCannotTakeGoesToTheNextUntilOneAcknowledgesIt() throws Exception {
        Interruptions interruptions = new Interruptions();
        String away = away();
        IngestClient ingest =
                IngestClient.failingOver(List.of(away, server("second", 503, 503, 201)), PATIENT, interruptions);

        assertThat(ingest.put("key", "index3.ts", new byte[] {1, 2, 3}).statusCode())
                .isEqualTo(201);

        assertThat(requests)
                .containsExactly(
                        "second PUT /live/key/index3.ts",
                        "second PUT /live/key/index3.ts",
                        "second PUT /live/key/index3.ts");
        Interruptions.Summary segments = interruptions.summary().get(IngestClient.SEGMENTS);
        assertThat(segments.failures())
                .as("the first instance refused three times (each failure goes to the next), the second said 503 twice")
                .isEqualTo(5);
        assertThat(segments.lastReason()).as("the last attempt that failed").startsWith(away + ": ");
    }

    @Test
    void playersStartOnTheirOwnInstance() throws Exception {
        IngestClient ingest = IngestClient.failingOver(
                List.of(server("first", 202), server("second", 202)), PATIENT, new Interruptions());

        ingest.beacons("token", List.of(BeaconReport.of("heartbeat", "s", "live", 0)), 1);
        ingest.beacons("token", List.of(BeaconReport.of("heartbeat", "s", "live", 0)), 2);

        assertThat(requests).containsExactly("second POST /v1/beacons", "first POST /v1/beacons");
    }

    @Test
    void aRefusalIsNotSentAgain() throws Exception {
        Interruptions interruptions = new Interruptions();
        IngestClient ingest =
                IngestClient.failingOver(List.of(server("first", 403), server("second", 201)), PATIENT, interruptions);

        assertThatThrownBy(() -> ingest.put("revoked", "index0.ts", new byte[1]))
                .isInstanceOf(RefusedException.class)
                .satisfies(e -> assertThat(((RefusedException) e).status()).isEqualTo(403));
        assertThat(requests).containsExactly("first PUT /live/revoked/index0.ts");
    }

    @Test
    void aSingleInstanceClientTriesOnce() throws Exception {
        IngestClient ingest = IngestClient.of(server("only", 503, 201));

        assertThatThrownBy(() -> ingest.put("key", "index0.ts", new byte[1]))
                .isInstanceOf(UnavailableException.class)
                .hasMessageContaining("answered 503");
        assertThat(requests).hasSize(1);
    }

    @Test
    void beaconReportsAreSentAsTheJsonIngestReads() throws Exception {
        List<String> bodies = Collections.synchronizedList(new ArrayList<>());
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            bodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(202, -1);
            exchange.close();
        });
        server.start();
        servers.add(server);

        IngestClient.of("http://127.0.0.1:" + server.getAddress().getPort())
                .beacons(
                        "token",
                        List.of(
                                BeaconReport.of("view_start", "s1", "live", 0),
                                BeaconReport.of("heartbeat", "s1", "live", 1000).withId("hb-1")));

        assertThat(bodies)
                .containsExactly("[{\"type\":\"view_start\",\"sessionId\":\"s1\",\"mode\":\"live\",\"positionMs\":0},"
                        + "{\"type\":\"heartbeat\",\"sessionId\":\"s1\",\"mode\":\"live\",\"positionMs\":1000,"
                        + "\"id\":\"hb-1\"}]");
    }
}
