package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.EventCodec;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.SampleEvents;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StageAppearance;
import io.stagepass.events.StageAppearanceType;
import io.stagepass.events.StageKeys;
import io.stagepass.events.Topic;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.jobs.testing.StageMedia;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A guest who streams from an encoder (OBS, a phone app) instead of a browser, against the whole of ingest: the ffmpeg
 * CLI publishes the creator's red 440 Hz live and, with a guest stage key, the guest's blue 1000 Hz camera over RTMP.
 * The creator hears the guest in the green room, brings them on stage, and the stored program shows and sounds both;
 * keys that do not stand are refused with the reason the encoder shows.
 */
class StageEncoderIT {
    /** Longer than the test: both encoders are stopped by it (ffmpeg ends its RTMP stream on SIGTERM). */
    private static final int LIVE_SECONDS = 300;

    private final PlaybackTokens tokens = PlaybackTokens.forStage(IngestFixture.STAGE_SECRET);
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    /** Every ffmpeg this test started: none outlives it, whatever failed. */
    private final List<Process> started = new ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stopEncoders() {
        started.forEach(Process::destroyForcibly);
    }

    @BeforeAll
    static void requireFfmpeg() {
        FfmpegCli.assumeAvailable();
    }

    @Test
    void aGuestOnAnEncoderIsHeardInTheGreenRoomAndAppearsInTheProgram() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();
            String liveId = live[0];
            fixture.payments(
                    SampleEvents.payment(liveId, "cs_ana").setTier("guest"), SampleEvents.payment(liveId, "cs_viewer"));
            Instant day = Instant.now().plus(Duration.ofDays(1));
            String key = StageKeys.key(tokens.issue(liveId, "cs_ana", day, StageKeys.session("Ana")));
            String host = tokens.issue(liveId, null, day, "host");
            String stage = "http://127.0.0.1:" + fixture.ingest.port() + "/v1/stage/lives/" + liveId;

            Process creator = push(fixture.rtmpServer() + "/" + live[1], "red", 1280, 720, 440, "creator");
            Process guest = push(fixture.rtmpServer() + "/" + key, "blue", 640, 360, 1000, "guest");

            Await.expect(
                    "the guest is in the green room with sound",
                    Duration.ofSeconds(30),
                    () -> get(stage, host).body().contains("\"source\":\"encoder\"")
                            && !get(stage, host).body().contains("\"audioLevelDb\":-100"));
            String described = get(stage, host).body();
            assertThat(described).contains("\"name\":\"Ana\"").contains("\"onStage\":false");
            String guestId = described.replaceFirst("(?s).*\"guestId\":\"(g_[0-9a-f]{16})\".*", "$1");

            // The creator listens before bringing them on: the guest's tone, not the creator's.
            float[] heard = listen(fixture, host, guestId, 48_000);
            assertThat(heard.length).as("a second of the guest's sound").isGreaterThanOrEqualTo(48_000);
            assertThat(StageMedia.share(heard, 1000)).as("the guest's 1000 Hz").isGreaterThan(0.3);
            assertThat(StageMedia.share(heard, 440))
                    .as("not the creator's 440 Hz")
                    .isLessThan(0.01);
            assertThat(listenRefusal(fixture, tokens.issue(liveId, "cs_ana", day, "guest"), guestId))
                    .as("a guest's token does not listen")
                    .isEqualTo(4401);
            assertThat(listenRefusal(fixture, host, "g_0000000000000000")).isEqualTo(4404);

            // One place per ticket: a second encoder with the same key, a viewer's ticket, a forged key.
            Process second = push(fixture.rtmpServer() + "/" + key, "green", 640, 360, 700, "second");
            assertRefused(second, "second", "already on the stage from an encoder");
            Process viewer = push(
                    fixture.rtmpServer() + "/"
                            + StageKeys.key(tokens.issue(liveId, "cs_viewer", day, StageKeys.session("Vic"))),
                    "green",
                    640,
                    360,
                    700,
                    "viewer");
            assertRefused(viewer, "viewer", "only a guest ticket joins the stage");
            Process forged = push(
                    fixture.rtmpServer() + "/" + StageKeys.PREFIX + "A".repeat(120), "green", 640, 360, 700, "forged");
            assertRefused(forged, "forged", "unknown or expired guest stage key");

            post(stage + "/guests/" + guestId, host, "{\"onStage\": true}");
            Thread.sleep(8000);
            post(stage + "/guests/" + guestId, host, "{\"onStage\": false}");

            // A refund takes the guest's encoder off the stage, and the encoder is told why.
            fixture.payments(SampleEvents.payment(liveId, "cs_ana")
                    .setType(io.stagepass.events.PaymentEventType.CHARGE_REFUNDED)
                    .setTier("guest")
                    .setFullyRefunded(true));
            assertThat(guest.waitFor(60, TimeUnit.SECONDS))
                    .as("the refunded guest's encoder stops")
                    .isTrue();
            assertThat(Files.readString(dir.resolve("guest.log")))
                    .as("what the refunded guest's encoder shows")
                    .contains("your ticket no longer stands");
            assertThat(get(stage, host).body()).contains("\"guests\":[]");
            assertThat(creator.isAlive()).as("the creator's stream goes on").isTrue();
            creator.destroy(); // the creator stops: the live ends
            assertThat(creator.waitFor(60, TimeUnit.SECONDS)).isTrue();
            Await.expect(
                    "the live ended and every segment was delivered",
                    IngestFixture.DEADLINE,
                    () -> fixture.lifecycle(liveId).size() == 2
                            && fixture.ingest.pendingEntries(liveId) == 0
                            && fixture.segments(liveId).size()
                                    == fixture.objects(liveId).size());

            List<StageAppearance> facts = appearances(fixture, liveId);
            assertThat(facts)
                    .extracting(StageAppearance::getType)
                    .containsExactly(StageAppearanceType.STARTED, StageAppearanceType.ENDED);
            assertThat(facts.get(0).getDisplayName()).isEqualTo("Ana");
            long first = facts.get(0).getSequence();
            long end = facts.get(1).getSequence();
            assertThat(end - first).as("about 8 s on stage, in 2 s segments").isBetween(3L, 5L);

            SegmentStored mixed = fixture.segments(liveId).stream()
                    .filter(s -> s.getSequence() == first + 1)
                    .findFirst()
                    .orElseThrow();
            Path file = fixture.download(mixed.getObjectKey(), dir.resolve("mixed.ts"));
            Path log = dir.resolve("probe.log");
            byte[] picture = StageMedia.rgbFrame(file, 30, log);
            assertThat(picture).hasSize(1280 * 720 * 3);
            int[] left = StageMedia.pixel(picture, 1280, 320, 360);
            int[] right = StageMedia.pixel(picture, 1280, 960, 360);
            assertThat(left[0])
                    .as("the creator's red, left: %s", Arrays.toString(left))
                    .isGreaterThan(180);
            assertThat(right[2])
                    .as("the guest's blue, right: %s", Arrays.toString(right))
                    .isGreaterThan(180);
            assertThat(right[0]).isLessThan(80);
            float[] sound = StageMedia.sound(file, log);
            float[] middle = Arrays.copyOfRange(sound, sound.length / 4, sound.length * 3 / 4);
            assertThat(StageMedia.share(middle, 440)).as("the creator's tone").isGreaterThan(0.15);
            assertThat(StageMedia.share(middle, 1000)).as("the guest's tone").isGreaterThan(0.15);
        }
    }

    /** The ffmpeg CLI publishing a coloured picture and a tone in real time, as OBS would (H.264 + AAC over RTMP). */
    private Process push(String url, String colour, int width, int height, int hz, String name) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                "ffmpeg",
                "-hide_banner",
                "-loglevel",
                "info",
                "-re",
                "-f",
                "lavfi",
                "-i",
                "color=c=" + colour + ":s=" + width + "x" + height + ":r=30",
                "-f",
                "lavfi",
                "-i",
                "sine=frequency=" + hz + ":sample_rate=48000",
                "-t",
                Integer.toString(LIVE_SECONDS),
                "-c:v",
                "libx264",
                "-preset",
                "ultrafast",
                "-tune",
                "zerolatency",
                "-g",
                "60",
                "-pix_fmt",
                "yuv420p",
                "-c:a",
                "aac",
                "-ar",
                "48000",
                "-f",
                "flv",
                url));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile())
                .start();
        started.add(process);
        return process;
    }

    /** The encoder {@code name} gave up, showing {@code reason} (ffmpeg prints the server's onStatus description). */
    private void assertRefused(Process ffmpeg, String name, String reason) throws Exception {
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).as("ffmpeg gave up").isTrue();
        assertThat(ffmpeg.exitValue()).as("ffmpeg exit status").isNotZero();
        assertThat(Files.readString(dir.resolve(name + ".log")))
                .as("what the encoder shows")
                .contains(reason);
    }

    /** {@code n} samples of a guest's sound as the creator's panel hears them. */
    private float[] listen(IngestFixture fixture, String host, String guestId, int n) throws Exception {
        ByteBuffer received = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
        CompletableFuture<Void> enough = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + fixture.ingest.port() + "/v1/stage/listen"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
                                synchronized (received) {
                                    int take = Math.min(data.remaining(), received.remaining());
                                    received.put(data.limit(data.position() + take));
                                    if (received.position() >= 2 * n) {
                                        enough.complete(null);
                                    }
                                }
                                webSocket.request(1);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"token\":\"" + host + "\",\"guestId\":\"" + guestId + "\"}", true);
        enough.get(30, TimeUnit.SECONDS);
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
        synchronized (received) {
            received.flip();
            float[] samples = new float[received.remaining() / 2];
            for (int i = 0; i < samples.length; i++) {
                samples[i] = received.getShort() / 32768f;
            }
            return samples;
        }
    }

    private int listenRefusal(IngestFixture fixture, String token, String guestId) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + fixture.ingest.port() + "/v1/stage/listen"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete(statusCode);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"token\":\"" + token + "\",\"guestId\":\"" + guestId + "\"}", true);
        return closed.get(30, TimeUnit.SECONDS);
    }

    private List<StageAppearance> appearances(IngestFixture fixture, String liveId) {
        EventCodec<StageAppearance> codec = EventCodec.of(StageAppearance.class);
        try (TopicReader reader = new TopicReader(fixture.kafka.settings())) {
            return reader.readFrom(Topic.STAGE, Map.of(), Duration.ofSeconds(30)).stream()
                    .map(r -> codec.decode(r.value()))
                    .filter(a -> a.getLiveId().equals(liveId))
                    .toList();
        }
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

    private void post(String url, String token, String json) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString(json))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
}
