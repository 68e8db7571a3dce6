package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.StageKeys;
import io.stagepass.ingest.IngestConfig;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.ingest.IngestService;
import io.stagepass.ingest.rtmp.RtmpServer;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.platform.lifecycle.Await;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two ingest instances on one broker, as in a deployment with more than one: a live's stage runs on the instance its
 * creator streams to. A guest who joined the other one before the creator went live is moved (4421: join again), a
 * guest or the creator's panel that comes to the other one is sent on, and an encoder is told which server to use.
 */
class StageRoutingIT {
    private final PlaybackTokens tokens = PlaybackTokens.forStage(IngestFixture.STAGE_SECRET);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireFfmpeg() {
        FfmpegCli.assumeAvailable();
    }

    @Test
    void theStageRunsOnTheInstanceTheCreatorStreamsToAndTheOtherSendsEveryoneThere() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();
            String liveId = live[0];
            fixture.payments(SampleEvents.payment(liveId, "cs_ana").setTier("guest"));
            int[] ports = freePorts(4);
            String urlA = "http://127.0.0.1:" + ports[0];
            String urlB = "http://127.0.0.1:" + ports[1];
            String rtmpA = "rtmp://127.0.0.1:" + ports[2] + "/live";
            String rtmpB = "rtmp://127.0.0.1:" + ports[3] + "/live";
            try (IngestService a = IngestService.start(instance(fixture, "a", ports[0], ports[2], urlA, rtmpA));
                    IngestService b = IngestService.start(instance(fixture, "b", ports[1], ports[3], urlB, rtmpB))) {
                Instant day = Instant.now().plus(Duration.ofDays(1));
                String host = tokens.issue(liveId, null, day, "host");

                // Before the creator streams, the green room is wherever the guest was sent: here, B.
                Guest early = guest(urlB, tokens.issue(liveId, "cs_ana", day, "guest"));
                assertThat(early.welcome.get(30, TimeUnit.SECONDS)).contains("\"type\":\"welcome\"");

                Process creator = FfmpegCli.pushRtmp(rtmpA + "/" + live[1], 300, true, List.of(), dir.resolve("a.log"));
                try {
                    // A reports the live's media, naming itself; B moves its guest there.
                    assertThat(early.closed.get(60, TimeUnit.SECONDS))
                            .as("the guest in B's green room")
                            .isEqualTo(4421);
                    assertThat(early.reason).contains("join the stage again");

                    Guest late = guest(urlB, tokens.issue(liveId, "cs_ana", day, "guest"));
                    assertThat(late.closed.get(30, TimeUnit.SECONDS))
                            .as("a guest who comes to B now")
                            .isEqualTo(4421);
                    Guest there = guest(urlA, tokens.issue(liveId, "cs_ana", day, "guest"));
                    assertThat(there.welcome.get(30, TimeUnit.SECONDS)).contains("\"type\":\"welcome\"");

                    HttpResponse<String> panelAtB = get(urlB + "/v1/stage/lives/" + liveId, host);
                    assertThat(panelAtB.statusCode())
                            .as("the creator's panel at B")
                            .isEqualTo(421);
                    assertThat(panelAtB.body()).contains(urlA + "/v1/stage/lives/" + liveId);
                    Await.expect(
                            "the guest in A's green room",
                            Duration.ofSeconds(30),
                            () -> get(urlA + "/v1/stage/lives/" + liveId, host)
                                    .body()
                                    .contains("\"source\":\"browser\""));

                    Path encoderLog = dir.resolve("guest-encoder.log");
                    Process encoder = FfmpegCli.pushRtmp(
                            rtmpB + "/" + StageKeys.key(tokens.issue(liveId, "cs_ana", day, StageKeys.session("Ana"))),
                            5,
                            true,
                            List.of(),
                            encoderLog);
                    assertThat(encoder.waitFor(60, TimeUnit.SECONDS)).isTrue();
                    assertThat(Files.readString(encoderLog))
                            .as("what the guest's encoder shows at B")
                            .contains("this live streams through " + rtmpA);

                    // The creator's connection drops and comes back through B (a load balancer's choice): the live
                    // goes on there, its guest moves once, and A's reports of the quiet live do not pull it back.
                    creator.destroyForcibly(); // no FCUnpublish: the live stays open for the reconnect window
                    creator.waitFor(30, TimeUnit.SECONDS);
                    creator = FfmpegCli.pushRtmp(rtmpB + "/" + live[1], 300, true, List.of(), dir.resolve("b.log"));
                    assertThat(there.closed.get(60, TimeUnit.SECONDS))
                            .as("the guest in A's green room")
                            .isEqualTo(4421);
                    Guest moved = guest(urlB, tokens.issue(liveId, "cs_ana", day, "guest"));
                    assertThat(moved.welcome.get(30, TimeUnit.SECONDS)).contains("\"type\":\"welcome\"");
                    Thread.sleep(15_000); // three of each instance's reports
                    assertThat(moved.closed)
                            .as("the guest at B stays: the instance that received media last holds the stage")
                            .isNotDone();
                    assertThat(get(urlA + "/v1/stage/lives/" + liveId, host).body())
                            .contains(urlB + "/v1/stage/lives/" + liveId);
                    moved.socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
                } finally {
                    creator.destroy();
                    creator.waitFor(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    private static IngestConfig instance(
            IngestFixture fixture, String name, int port, int rtmpPort, String url, String rtmpUrl) {
        return fixture.config
                .withSpool(
                        fixture.config.spoolDir().resolveSibling("spool-" + name),
                        port,
                        new IngestConfig.Rtmp(rtmpPort, RtmpServer.Limits.defaults()))
                .withPublicUrls(url, rtmpUrl);
    }

    private static int[] freePorts(int n) throws Exception {
        int[] ports = new int[n];
        ServerSocket[] sockets = new ServerSocket[n];
        for (int i = 0; i < n; i++) {
            sockets[i] = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            ports[i] = sockets[i].getLocalPort();
        }
        for (ServerSocket socket : sockets) {
            socket.close();
        }
        return ports;
    }

    /** A guest's browser connection: its welcome, or its close code. */
    private static final class Guest {
        final CompletableFuture<String> welcome = new CompletableFuture<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();
        volatile String reason;
        WebSocket socket;
    }

    private Guest guest(String ingestUrl, String token) throws Exception {
        Guest guest = new Guest();
        guest.socket = http.newWebSocketBuilder()
                .buildAsync(
                        URI.create(ingestUrl.replaceFirst("^http", "ws") + "/v1/stage/guest"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onText(WebSocket socket, CharSequence data, boolean last) {
                                if (data.toString().contains("\"welcome\"")) {
                                    guest.welcome.complete(data.toString());
                                }
                                socket.request(1);
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onBinary(
                                    WebSocket socket, java.nio.ByteBuffer data, boolean last) {
                                socket.request(1); // the creator's return feed
                                return null;
                            }

                            @Override
                            public CompletionStage<?> onClose(WebSocket socket, int code, String reason) {
                                guest.reason = reason;
                                guest.closed.complete(code);
                                guest.welcome.complete("closed " + code);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        guest.socket.sendText("{\"token\":\"" + token + "\",\"name\":\"Ana\"}", true);
        return guest;
    }

    private HttpResponse<String> get(String url, String token) {
        try {
            return http.send(
                    HttpRequest.newBuilder(URI.create(url))
                            .header("Authorization", "Bearer " + token)
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
