package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Buyer;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.LiveRequest;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.testing.Browser;
import io.stagepass.events.Bucket;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StageAppearance;
import io.stagepass.events.StageAppearanceType;
import io.stagepass.events.Topic;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.jobs.testing.StageMedia;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.media.FrameClock;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.replay.creators.Catalog;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WindowType;

/**
 * Live With on the whole stack: a guest buys a guest ticket, joins the green room from headless Chromium with a fake
 * camera (solid blue) and microphone (1000 Hz); the creator (streaming solid red with 440 Hz over RTMP, as OBS does,
 * each picture carrying the moment it was made) hears them in the green room and brings them on stage from the
 * dashboard's Stage panel, and the program's durable segments show both pictures side by side and carry both tones.
 * The guest's page shows the creator with a delay read from the clock in the creator's pictures. A second browser or
 * an encoder on the same ticket is refused, and a refund takes the guest off the stage within seconds.
 */
class StageEndToEndIT {
    private static final Duration DEADLINE = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    static Stack stack;
    static ApiClient api;
    static StripeSandboxClient stripe;
    static Buyer buyer;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.start(
                StackConfig.onFreePorts(dir.resolve("data"), Map.of(StackConfig.STRIPE_SANDBOX, "true")), line -> {});
        stripe = new StripeSandboxClient(stack.stripeSandbox().orElseThrow().apiBase());
        api = new ApiClient("http://127.0.0.1:" + stack.apiPort());
        buyer = new Buyer(api, stripe);
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aGuestJoinsFromTheBrowserIsBroughtOnStageAndAppearsInTheProgramBesideTheCreator() throws Exception {
        Browser.assumeAvailable();
        FfmpegCli.assumeAvailable();
        Path camera = dir.resolve("camera.y4m");
        Path microphone = dir.resolve("microphone.wav");
        StageMedia.ffmpeg(
                dir.resolve("ffmpeg-sources.log"),
                "-f",
                "lavfi",
                "-i",
                "color=c=blue:s=640x360:r=30",
                "-t",
                "1",
                "-pix_fmt",
                "yuv420p",
                camera.toString());
        StageMedia.ffmpeg(
                dir.resolve("ffmpeg-tone.log"),
                "-f",
                "lavfi",
                "-i",
                "sine=f=1000:r=48000",
                "-t",
                "10",
                "-ac",
                "1",
                microphone.toString());

        Operator operator = new Operator(stack.kafka());
        Catalog.Account creator = operator.registerCreator("Ada's Yoga", null, "EUR");
        api.setUpPayouts(creator.apiKey(), stripe, DEADLINE);
        ApiClient.ScheduledLive live = api.scheduleLive(
                creator.apiKey(),
                // No 360p rendition: in the embedded stack the jobs worker's encoder would share these two cores with
                // the stage and the browser, whose sound and delays this test measures.
                LiveRequest.viewerTier("Morning flow", "EUR", 1500)
                        .withTier("guest", 4500)
                        .withoutLowRendition());
        IngestClient.of("http://127.0.0.1:" + stack.ingestPort()).awaitKnows(live.streamKey(), DEADLINE);
        String guestTicket =
                buyer.buy(live.liveId(), "guest", "ana@example.com").id();
        String viewerTicket =
                buyer.buy(live.liveId(), "viewer", "ben@example.com").id();
        PlaybackTokens tokens = new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS));
        String guestToken =
                tokens.issue(live.liveId(), guestTicket, Instant.now().plusSeconds(3600));
        String viewerToken =
                tokens.issue(live.liveId(), viewerTicket, Instant.now().plusSeconds(3600));

        // Only a guest ticket joins the stage (asked once the API's ticket view holds the viewer's payment, which
        // it may not a moment after the webhook: then the refusal says no payment is recorded).
        HttpResponse<String> viewerJoin = Await.expect(
                "the API knows the viewer's ticket",
                DEADLINE,
                () -> post("/v1/lives/" + live.liveId() + "/stage/join", viewerToken, "{}"),
                answer -> !answer.body().contains("no payment is recorded"));
        assertThat(viewerJoin.statusCode()).as(viewerJoin.body()).isEqualTo(403);
        assertThat(viewerJoin.body()).contains("only a guest ticket");

        // The creator's encoder: red and 440 Hz at 720p30, H.264 + AAC over RTMP at a camera's pace, the moment each
        // picture was made drawn into it (FrameClock), so that the guest's page can tell how old what it shows is.
        java.util.concurrent.atomic.AtomicBoolean creatorStops = new java.util.concurrent.atomic.AtomicBoolean();
        Thread creatorEncoder = new Thread(
                () -> GeneratedLive.pushRtmp(
                        live.rtmpUrl(),
                        new GeneratedLive.Spec(1280, 720, 30, Duration.ofMinutes(10), 2, 2_500_000, 128_000)
                                .withColour("red")
                                .inRealTime(),
                        creatorStops::get),
                "creator-encoder");
        creatorEncoder.start();
        try (Browser browser = Browser.start(
                dir,
                "--use-fake-device-for-media-stream",
                "--use-fake-ui-for-media-stream",
                "--use-file-for-fake-video-capture=" + camera,
                "--use-file-for-fake-audio-capture=" + microphone)) {
            // The guest: from the watch page's link to the stage page, a name, the green room.
            browser.open(api.url() + "/watch/" + live.liveId() + "?token=" + guestToken);
            String stageLink = browser.driver().findElement(By.id("join-stage")).getAttribute("href");
            assertThat(stageLink).contains("/stage/" + live.liveId());
            browser.open(stageLink);
            browser.driver().findElement(By.id("name")).sendKeys("Ana");
            // The stage page also gives a stream key for OBS or a phone app, in the guest's name.
            browser.driver().findElement(By.cssSelector("#encoder summary")).click();
            browser.driver().findElement(By.id("get-key")).click();
            Await.expect(
                    "a guest stage key on the page",
                    Browser.timeout(),
                    () -> !browser.driver()
                            .findElement(By.id("key-stream"))
                            .getText()
                            .isEmpty());
            String encoderServer =
                    browser.driver().findElement(By.id("key-server")).getText();
            String encoderKey =
                    browser.driver().findElement(By.id("key-stream")).getText();
            assertThat(encoderServer)
                    .isEqualTo(live.rtmpUrl().substring(0, live.rtmpUrl().lastIndexOf('/')));
            assertThat(encoderKey).startsWith("stage_");
            browser.driver().findElement(By.id("enter")).click();
            Await.expect(
                    "the guest in the green room",
                    Browser.timeout(),
                    () -> "green-room".equals(browser.script("return window.stagepassStage.state")));
            String guestWindow = browser.driver().getWindowHandle();
            // The creator's feed comes back to the guest (fragmented MP4 into Media Source Extensions) and plays.
            try {
                Await.expect(
                        "the creator's feed playing on the stage page",
                        Duration.ofSeconds(30),
                        () -> Boolean.TRUE.equals(browser.script("const f = window.stagepassStage.returnFeed;"
                                + " return !!f && f.buffered > 1 && f.time > 0.5;")));
            } finally {
                System.out.println(
                        "stage: the guest's page: "
                                + browser.script(
                                        "return JSON.stringify(Object.assign({}, window.stagepassStage, {encoderKey: undefined})) + ' ' + document.getElementById('problem').textContent"));
            }
            List<Long> delays = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Thread.sleep(250);
                Object delay = browser.script("return window.stagepassStage.returnFeed.delayMs");
                delays.add(((Number) delay).longValue());
            }
            delays.sort(Long::compare);
            System.out.printf(
                    "stage: the creator's feed shown on the guest's page %d ms after its frames reached ingest"
                            + " (median of 20 samples over 5 s; max %d ms)%n",
                    delays.get(delays.size() / 2), delays.get(delays.size() - 1));
            // From the creator's encoder to the guest's screen, by the clock drawn into the creator's pictures.
            List<Long> shown = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                Thread.sleep(250);
                String[] sample = ((String) browser.script("const now = Date.now();"
                                + " const v = document.getElementById('returned');"
                                + " const c = document.createElement('canvas'); c.width = 640; c.height = 360;"
                                + " c.getContext('2d').drawImage(v, 0, 0, 640, 360);"
                                + " return now + ' ' + c.toDataURL('image/png');"))
                        .split(" ", 2);
                java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                        java.util.Base64.getDecoder().decode(sample[1].substring(sample[1].indexOf(',') + 1))));
                FrameClock.read(
                                (x, y) -> {
                                    int rgb = image.getRGB(x, y);
                                    return ((rgb >> 16 & 0xff) + (rgb >> 8 & 0xff) + (rgb & 0xff)) / 3;
                                },
                                0,
                                0,
                                640,
                                360)
                        .ifPresent(clock -> shown.add(FrameClock.millisBetween(clock, Long.parseLong(sample[0]))));
            }
            assertThat(shown).as("the creator's clock read on the guest's page").hasSizeGreaterThanOrEqualTo(15);
            shown.sort(Long::compare);
            System.out.printf(
                    "stage: creator's encoder to the guest's screen (clock drawn into the creator's pictures): median %d"
                            + " ms, max %d ms over %d samples%n",
                    shown.get(shown.size() / 2), shown.get(shown.size() - 1), shown.size());
            browser.screenshot(Path.of("target", "screenshots", "stage-green-room.png"));

            // A second browser with the same ticket is refused while the first is in.
            String secondToken = JSON.readTree(post("/v1/lives/" + live.liveId() + "/stage/join", guestToken, "{}")
                            .body())
                    .get("token")
                    .asText();
            int secondClose = secondBrowserCloseCode(secondToken);
            assertThat(secondClose).as("the second browser's close code").isEqualTo(4409);
            // ... and so is an encoder with the page's stream key: one source per ticket.
            Process encoder = new ProcessBuilder(
                            "ffmpeg",
                            "-hide_banner",
                            "-re",
                            "-f",
                            "lavfi",
                            "-i",
                            "color=c=green:s=640x360:r=30",
                            "-t",
                            "10",
                            "-c:v",
                            "libx264",
                            "-preset",
                            "ultrafast",
                            "-f",
                            "flv",
                            encoderServer + "/" + encoderKey)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("ffmpeg-guest-encoder.log").toFile())
                    .start();
            assertThat(encoder.waitFor(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            assertThat(Files.readString(dir.resolve("ffmpeg-guest-encoder.log")))
                    .as("what the guest's encoder shows")
                    .contains("already in use in another browser");

            // The creator: the dashboard's Stage panel shows Ana with her picture; "Bring on stage".
            browser.driver()
                    .switchTo()
                    .newWindow(WindowType.WINDOW); // both pages stay in view, as two people's screens
            browser.open(api.url() + "/login");
            browser.driver().findElement(By.id("key")).sendKeys(creator.apiKey());
            browser.driver().findElement(By.id("sign-in")).click();
            Await.expect(
                    "Ana in the Stage panel with a preview",
                    Browser.timeout(),
                    () -> Boolean.TRUE.equals(
                            browser.script(
                                    "const img = document.querySelector('#stage-guests li .stage-preview');"
                                            + " return !!img && img.naturalWidth > 0"
                                            + " && document.querySelector('#stage-guests li .stage-name').textContent === 'Ana';")));
            // The creator hears Ana before bringing her on: her microphone's 1000 Hz, through the panel's "Listen".
            browser.driver()
                    .findElement(By.cssSelector("#stage-guests li .stage-listen"))
                    .click();
            Await.expect(
                    "a second of Ana's sound in the panel",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return window.stagepassListening.samples")).longValue() > 48_000);
            double heardHz = ((Number) browser.script("return window.stagepassListening.frequencyHz")).doubleValue();
            System.out.printf(
                    "stage: the creator hears the guest's microphone at %.0f Hz (its tone: 1000 Hz)%n", heardHz);
            assertThat(heardHz).as("the tone the panel plays").isBetween(995.0, 1005.0);
            browser.driver()
                    .findElement(By.cssSelector("#stage-guests li .stage-listen"))
                    .click(); // stop listening
            browser.screenshot(Path.of("target", "screenshots", "dashboard-stage-green-room.png"));
            long broughtOn = System.currentTimeMillis();
            browser.driver()
                    .findElement(By.cssSelector("#stage-guests li .stage-move"))
                    .click();
            Await.expect(
                    "the panel shows Ana on stage",
                    Browser.timeout(),
                    () -> "1".equals(browser.script("return document.getElementById('stage-card').dataset.onStage")));

            // The program: the first segment with Ana is a fact; the next ones show both pictures and both tones.
            StageAppearance started = Await.expect(
                            "Ana's appearance STARTED",
                            DEADLINE,
                            () -> appearances(live.liveId()).stream()
                                    .filter(a -> a.getType() == StageAppearanceType.STARTED)
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            assertThat(started.getDisplayName()).isEqualTo("Ana");
            assertThat(started.getTier()).isEqualTo("guest");
            System.out.printf(
                    "stage: STARTED fact %d ms after the creator's click%n",
                    started.getOccurredAt().toEpochMilli() - broughtOn);
            long sequence = started.getSequence() + 1; // wholly after the click
            SegmentStored segment = Await.expect(
                            "the program segment after the first with Ana",
                            DEADLINE,
                            () -> segments(live.liveId()).stream()
                                    .filter(s -> s.getSequence() == sequence)
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            Path program = dir.resolve("program-" + sequence + ".ts");
            MinioClient s3 = ObjectStore.client(stack.s3());
            try (InputStream in = s3.getObject(GetObjectArgs.builder()
                    .bucket(Bucket.SEGMENTS.bucketName())
                    .object(segment.getObjectKey())
                    .build())) {
                Files.copy(in, program);
            }
            byte[] frame = StageMedia.rgbFrame(program, 20, dir.resolve("ffmpeg-frame.log"));
            assertThat(frame).as("the creator's 1280x720").hasSize(1280 * 720 * 3);
            int[] left = StageMedia.pixel(frame, 1280, 320, 360);
            int[] right = StageMedia.pixel(frame, 1280, 960, 360);
            assertThat(left[0])
                    .as("the creator's red on the left: %s", Arrays.toString(left))
                    .isGreaterThan(180);
            assertThat(left[2])
                    .as("the creator's red on the left: %s", Arrays.toString(left))
                    .isLessThan(80);
            assertThat(right[2])
                    .as("the guest's blue on the right: %s", Arrays.toString(right))
                    .isGreaterThan(180);
            assertThat(right[0])
                    .as("the guest's blue on the right: %s", Arrays.toString(right))
                    .isLessThan(80);
            float[] sound = StageMedia.sound(program, dir.resolve("ffmpeg-sound.log"));
            assertThat(StageMedia.share(sound, 440)).as("the creator's tone").isGreaterThan(0.1);
            assertThat(StageMedia.share(sound, 1000)).as("the guest's tone").isGreaterThan(0.1);
            // The panel shows what viewers see: the program's newest segment, the guest beside the creator.
            Await.expect(
                    "the program's picture in the Stage panel, the guest's blue beside the creator's red",
                    Browser.timeout(),
                    () -> Boolean.TRUE.equals(browser.script("const img = document.getElementById('stage-program');"
                            + " if (img.hidden || !img.naturalWidth) return false;"
                            + " const c = document.createElement('canvas'); c.width = 480; c.height = 270;"
                            + " const g = c.getContext('2d'); g.drawImage(img, 0, 0, 480, 270);"
                            + " const left = g.getImageData(120, 135, 1, 1).data;"
                            + " const right = g.getImageData(360, 135, 1, 1).data;"
                            + " return left[0] > 180 && left[2] < 80 && right[2] > 180 && right[0] < 80;")));
            browser.screenshot(Path.of("target", "screenshots", "dashboard-stage-on-stage.png"));

            // The guest's page says so.
            browser.driver().switchTo().window(guestWindow);
            Await.expect(
                    "the guest's page says on stage",
                    Browser.timeout(),
                    () -> "on-stage".equals(browser.script("return window.stagepassStage.state")));
            browser.screenshot(Path.of("target", "screenshots", "stage-on-stage.png"));

            // A refund takes the guest off the stage and out of the green room within seconds.
            JsonNode host = JSON.readTree(HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(
                                            api.url() + "/v1/creator/lives/" + live.liveId() + "/stage-token"))
                                    .header("Authorization", "Bearer " + creator.apiKey())
                                    .POST(HttpRequest.BodyPublishers.noBody())
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body());
            stripe.refund(guestTicket);
            long refunded = System.nanoTime();
            Await.expect(
                    "the guest off the stage",
                    DEADLINE,
                    () -> !HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(
                                                    URI.create(host.get("stage").asText()))
                                            .header(
                                                    "Authorization",
                                                    "Bearer "
                                                            + host.get("token").asText())
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString())
                            .body()
                            .contains("\"Ana\""));
            System.out.println(
                    "stage: the guest's page after the refund: "
                            + browser.script(
                                    "return JSON.stringify(Object.assign({}, window.stagepassStage, {encoderKey: undefined})) + ' ' + document.getElementById('problem').textContent"));
            Await.expect(
                    "the guest's page closed with the reason",
                    DEADLINE,
                    () -> Long.valueOf(4403)
                            .equals(browser.script(
                                    "return window.stagepassStage.closed && window.stagepassStage.closed.code")));
            System.out.printf(
                    "stage: refunded guest removed %d ms after the refund webhook was answered%n",
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - refunded));
            StageAppearance ended = Await.expect(
                            "Ana's appearance ENDED",
                            DEADLINE,
                            () -> appearances(live.liveId()).stream()
                                    .filter(a -> a.getType() == StageAppearanceType.ENDED)
                                    .findFirst(),
                            Optional::isPresent)
                    .orElseThrow();
            assertThat(ended.getReason()).isEqualTo("revoked");
            assertThat(ended.getSequence()).isGreaterThan(started.getSequence());
            assertThat(creatorEncoder.isAlive())
                    .as("the creator's stream goes on")
                    .isTrue();

            // The creator stops (the encoder ends its RTMP stream): the replay's chapters are the stage facts.
            creatorStops.set(true);
            creatorEncoder.join(30_000);
            assertThat(creatorEncoder.isAlive()).isFalse();
            String playback = "/v1/lives/" + live.liveId() + "/playback?token=" + viewerToken + "&screen=stage-e2e-01";
            JsonNode replay = Await.expect(
                    "the replay READY",
                    Duration.ofSeconds(180),
                    () -> JSON.readTree(api.page(playback).body()),
                    info -> "replay".equals(info.path("mode").asText()));
            JsonNode chapters = replay.get("chapters");
            assertThat(chapters).hasSize(1);
            assertThat(chapters.get(0).get("name").asText()).isEqualTo("Ana");
            assertThat(chapters.get(0).get("fromSequence").asLong()).isEqualTo(started.getSequence());
            assertThat(chapters.get(0).get("toSequence").asLong()).isEqualTo(ended.getSequence());
            double startSeconds = chapters.get(0).get("startSeconds").asDouble();
            double endSeconds = chapters.get(0).get("endSeconds").asDouble();
            double stored = segments(live.liveId()).stream()
                            .filter(s -> s.getSequence() < started.getSequence() && s.getDurationMicros() != null)
                            .mapToLong(SegmentStored::getDurationMicros)
                            .sum()
                    / 1e6;
            assertThat(startSeconds)
                    .as("the seconds of media before Ana came on")
                    .isEqualTo(stored);
            assertThat(endSeconds).isGreaterThan(startSeconds);
            System.out.printf(
                    "stage: chapter %s%n", chapters.get(0).get("title").asText());
            browser.open(api.url() + "/watch/" + live.liveId() + "?token=" + viewerToken);
            Await.expect(
                    "the player lists the chapter",
                    Browser.timeout(),
                    () -> browser.driver().findElements(By.cssSelector("#chapters li button")).stream()
                            .anyMatch(b -> b.getText().startsWith("On stage: Ana, ")));
            browser.screenshot(Path.of("target", "screenshots", "replay-chapters.png"));
        } finally {
            creatorStops.set(true);
            creatorEncoder.join(30_000);
        }
    }

    private static HttpResponse<String> post(String path, String bearer, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(api.url() + path))
                                .header("Authorization", "Bearer " + bearer)
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    /** Opens the stage WebSocket as a second browser would and says hello; the close code ingest answers with. */
    private static int secondBrowserCloseCode(String stageToken) throws Exception {
        CompletableFuture<Integer> closed = new CompletableFuture<>();
        WebSocket socket = HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(
                        URI.create("ws://127.0.0.1:" + stack.ingestPort() + "/v1/stage/guest"),
                        new WebSocket.Listener() {
                            @Override
                            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                                closed.complete(statusCode);
                                return null;
                            }
                        })
                .get(10, TimeUnit.SECONDS);
        socket.sendText("{\"token\":\"" + stageToken + "\",\"name\":\"Ana again\"}", true);
        return closed.get(30, TimeUnit.SECONDS);
    }

    private static List<StageAppearance> appearances(String liveId) {
        EventCodec<StageAppearance> codec = EventCodec.of(StageAppearance.class);
        List<StageAppearance> out = new ArrayList<>();
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            reader.readFrom(Topic.STAGE, Map.of(), Duration.ofSeconds(10)).stream()
                    .map(r -> codec.decode(r.value()))
                    .filter(a -> a.getLiveId().equals(liveId))
                    .forEach(out::add);
        }
        return out;
    }

    private static List<SegmentStored> segments(String liveId) {
        EventCodec<SegmentStored> codec = EventCodec.of(SegmentStored.class);
        List<SegmentStored> out = new ArrayList<>();
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            reader.readFrom(Topic.SEGMENTS, Map.of(), Duration.ofSeconds(10)).stream()
                    .map(r -> codec.decode(r.value()))
                    .filter(s -> s.getLiveId().equals(liveId))
                    .forEach(out::add);
        }
        return out;
    }
}
