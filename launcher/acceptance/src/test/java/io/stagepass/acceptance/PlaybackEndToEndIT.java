package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Buyer;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.testing.Browser;
import io.stagepass.events.Beacon;
import io.stagepass.events.BeaconType;
import io.stagepass.events.EventCodec;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.events.ViewMode;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.creators.Catalog;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Playback end to end on the whole stack with its Stripe sandbox: tickets bought through Checkout and its signed
 * webhook, a live watched while the real ffmpeg CLI pushes it, a refund that stops the ticket within seconds, and the
 * player page in headless Chromium playing and seeking the replay, sending its beacons, and refusing a refunded ticket.
 */
class PlaybackEndToEndIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Duration REVOCATION_GOAL = Duration.ofSeconds(5);

    @TempDir
    static Path dir;

    static Stack stack;
    static StripeSandboxClient stripe;
    static ApiClient api;
    static IngestClient ingest;
    static Buyer buyer;
    static PlaybackTokens tokens;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.start(
                StackConfig.onFreePorts(dir.resolve("data"), Map.of(StackConfig.STRIPE_SANDBOX, "true")), line -> {});
        stripe = new StripeSandboxClient(stack.stripeSandbox().orElseThrow().apiBase());
        api = new ApiClient("http://127.0.0.1:" + stack.apiPort());
        ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        buyer = new Buyer(api, stripe);
        tokens = new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    /** A live of one viewer tier at 1500 EUR cents, scheduled as {@code stagepass lives create} does. */
    static Catalog.Scheduled schedule(String title) throws Exception {
        Operator operator = new Operator(stack.kafka());
        Catalog.Account creator = operator.registerCreator("E2E", null, "EUR");
        String creatorId = creator.creator().getCreatorId();
        api.setUpPayouts(creator.apiKey(), stripe, DEADLINE);
        Catalog.Scheduled live = operator.scheduleLive(creatorId, title, "viewer", 1500, "EUR", 30);
        ingest.awaitKnows(live.streamKey(), DEADLINE);
        return live;
    }

    static HttpResponse<String> get(String url) throws Exception {
        return api.page(url);
    }

    static long mediaSequence(String playlist) {
        return playlist.lines()
                .filter(l -> l.startsWith("#EXT-X-MEDIA-SEQUENCE:"))
                .mapToLong(l -> Long.parseLong(l.substring(22)))
                .findFirst()
                .orElse(-1);
    }

    @Test
    void aTicketHolderWatchesTheLiveAsFfmpegPushesItAndARefundStopsThemWithinSeconds() throws Exception {
        FfmpegCli.assumeAvailable();
        Catalog.Scheduled live = schedule("Live playback");
        String ticket =
                buyer.buy(live.live().getLiveId(), "live-viewer@example.com").id();
        String token =
                tokens.issue(live.live().getLiveId(), ticket, Instant.now().plusSeconds(3600));
        String master =
                "/v1/lives/" + live.live().getLiveId() + "/master.m3u8?token=" + token + "&screen=e2e-screen-01";
        Process ffmpeg = FfmpegCli.push(
                ingest.pushUrl(live.streamKey(), "index.m3u8"), 36, true, List.of(), dir.resolve("ffmpeg-live.log"));
        try {
            String liveUrl = Await.expect(
                            "the live's master playlist", DEADLINE, () -> get(master), r -> r.statusCode() == 200)
                    .body()
                    .lines()
                    .filter(l -> l.startsWith("/v1/"))
                    .findFirst()
                    .orElseThrow();
            String first = Await.expect(
                    "the live's first segments",
                    DEADLINE,
                    () -> get(liveUrl).body(),
                    body -> body.lines().filter(l -> l.startsWith("/v1/")).count() >= 2);
            assertThat(first).doesNotContain("#EXT-X-ENDLIST");
            String later = Await.expect(
                    "the live growing",
                    DEADLINE,
                    () -> get(liveUrl).body(),
                    body -> body.lines().filter(l -> l.startsWith("/v1/")).count() >= 8);
            // DVR: the playlist still reaches back to the live's first segment.
            assertThat(mediaSequence(later)).isZero();
            assertThat(later).contains("#EXT-X-PLAYLIST-TYPE:EVENT").doesNotContain("#EXT-X-ENDLIST");
            String segment = later.lines()
                    .filter(l -> l.startsWith("/v1/"))
                    .reduce((a, b) -> b)
                    .orElseThrow();
            HttpResponse<byte[]> bytes = api.bytes(segment);
            assertThat(bytes.statusCode()).isEqualTo(200);
            assertThat(bytes.body()[0]).as("MPEG-TS").isEqualTo((byte) 0x47);

            // The refund goes through Stripe (the sandbox), whose signed charge.refunded webhook ingest answers 2xx.
            stripe.refund(ticket);
            long refunded = System.nanoTime();
            HttpResponse<String> refused = Await.expect(
                    "the refunded ticket refused", DEADLINE, () -> get(master), r -> r.statusCode() == 403);
            Duration delay = Duration.ofNanos(System.nanoTime() - refunded);
            System.out.printf("revocation: first 403 %d ms after the refund webhook was answered%n", delay.toMillis());
            assertThat(refused.body()).contains("refunded");
            assertThat(delay).as("revocation delay").isLessThan(REVOCATION_GOAL);
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void duringTheLiveATicketHolderScrubsBackToItsStartAndLiveReturnsToTheEdge() throws Exception {
        Browser.assumeAvailable();
        Catalog.Scheduled live = schedule("Browser DVR");
        String liveId = live.live().getLiveId();
        String ticket = buyer.buy(liveId, "dvr-viewer@example.com").id();
        String token = tokens.issue(liveId, ticket, Instant.now().plusSeconds(3600));
        String watch = api.links().watch(liveId, token);
        // A 720p live that has been running for 70 s when the test looks at it, and goes on in real time.
        AtomicBoolean stop = new AtomicBoolean();
        Thread encoder = new Thread(
                () -> GeneratedLive.pushHls(
                        ingest.pushUrl(live.streamKey(), "index.m3u8"),
                        GeneratedLive.Spec.hd(Duration.ofMinutes(5)).inRealTimeAfter(Duration.ofSeconds(70)),
                        stop::get),
                "dvr-encoder");
        encoder.start();
        try (Browser browser = Browser.start(dir)) {
            String liveUrl = Await.expect(
                            "the live's master playlist",
                            DEADLINE,
                            () -> get("/v1/lives/" + liveId + "/master.m3u8?token=" + token + "&screen=e2e-dvr-poll"),
                            r -> r.statusCode() == 200)
                    .body()
                    .lines()
                    .filter(l -> l.startsWith("/v1/"))
                    .findFirst()
                    .orElseThrow();
            Await.expect( // the page opens on a live whose edge has stopped racing ahead
                    "the first 70 s of the live stored",
                    DEADLINE,
                    () -> get(liveUrl).body(),
                    body -> body.lines().filter(l -> l.startsWith("/v1/")).count() >= 35);
            Await.expect( // ingest's stream health (the source's resolution) and the worker's first 360p segments
                    "the 360p rendition in the live's master playlist",
                    DEADLINE,
                    () -> get("/v1/lives/" + liveId + "/master.m3u8?token=" + token + "&screen=e2e-dvr-poll")
                            .body(),
                    body -> body.contains("RESOLUTION=640x360"));
            System.out.println("DVR: the live's master playlist now:\n"
                    + get("/v1/lives/" + liveId + "/master.m3u8?token=" + token + "&screen=e2e-dvr-poll")
                            .body()
                            .replaceAll("token=[^&\\s]+", "token=...")
                            .replace(liveId, "live_..."));
            String full = get(liveUrl).body();
            String delta = get(liveUrl + "&_HLS_skip=YES").body();
            long listed = full.lines().filter(l -> l.startsWith("/v1/")).count();
            System.out.printf(
                    "DVR: the live playlist lists %d segments in %d bytes (%d per segment); a delta update %d bytes%n",
                    listed, full.length(), full.length() / listed, delta.length());
            assertThat(delta).contains("#EXT-X-SKIP:SKIPPED-SEGMENTS=");
            assertThat(delta.length()).isLessThan(full.length() / 3);
            browser.open(watch);
            Await.expect(
                    "the live playing near its edge, past 1:00",
                    DEADLINE,
                    () -> ((Number) browser.script("return document.getElementById('video').currentTime")).doubleValue()
                            > 60);
            assertThat((String) browser.script("return window.stagepass.info.mode"))
                    .isEqualTo("live");
            // Two renditions: the source and the 360p the jobs worker makes of each segment as it arrives.
            assertThat((List<Object>) browser.script(
                            "return window.stagepass.hls.levels.map(l => l.height).sort((a, b) => a - b)"))
                    .containsExactly((Object) 360L, 720L);
            // The scrub bar's thumbnails during the live: the segment under the pointer has its own, made with its
            // 360p.
            String hovered = Await.expect(
                    "a thumbnail under the pointer at a tenth of the scrub bar",
                    Browser.timeout(),
                    () -> (String) browser.script("const s = document.getElementById('scrub');"
                            + " const r = s.getBoundingClientRect();"
                            + " s.dispatchEvent(new MouseEvent('mousemove', {clientX: r.left + r.width * 0.1,"
                            + " clientY: r.top + r.height / 2, bubbles: true}));"
                            + " return document.getElementById('preview-image').style.backgroundImage"),
                    image -> image != null && image.contains("/thumbs/"));
            Number thumbnail = browser.script("return fetch(" + "'" + hovered.replaceAll("^url\\(\"|\"\\)$", "")
                    + "').then(r => r.headers.get('content-type') === 'image/jpeg' ? r.status : -r.status)");
            assertThat(thumbnail.intValue())
                    .as("the hovered segment's thumbnail")
                    .isEqualTo(200);
            // (A busy machine may have stalled the player a little behind: LIVE brings it to the edge first.)
            browser.script("document.getElementById('go-live').click();");
            Await.expect("LIVE lit at the edge", Browser.timeout(), () -> (Boolean)
                    browser.script("return document.getElementById('go-live').classList.contains('at-edge')"));

            browser.script("document.getElementById('video').currentTime = 10;");
            Await.expect("playing from 0:10 again", Browser.timeout(), () -> {
                double at = ((Number)
                                browser.script(
                                        "const v = document.getElementById('video'); return v.seeking || v.paused ? -1 : v.currentTime"))
                        .doubleValue();
                return at > 10.5 && at < 20;
            });
            double behind = ((Number) browser.script("return window.stagepass.behindLive()")).doubleValue();
            System.out.printf("DVR: playing at 0:10 of a live %.0f s behind its edge%n", behind);
            assertThat(behind).as("seconds behind the live edge").isGreaterThan(50);
            Await.expect(
                    "the position shown as time behind the live",
                    Browser.timeout(),
                    () -> ((String) browser.script("return document.getElementById('time').textContent"))
                            .startsWith("-"));
            assertThat((Boolean)
                            browser.script("return document.getElementById('go-live').classList.contains('at-edge')"))
                    .as("LIVE greyed while behind")
                    .isFalse();
            assertThat(browser.screenshot(Path.of("target", "screenshots", "player-dvr.png")))
                    .as("distinct colours of the screenshot")
                    .isGreaterThan(50);

            // The 360p rendition plays in the browser: pinned to it, the picture is 640x360.
            browser.script(
                    "const h = window.stagepass.hls; h.currentLevel = h.levels.findIndex(l => l.height === 360);");
            Await.expect(
                    "the 360p rendition on screen",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.getElementById('video').videoHeight")).intValue()
                            == 360);
            browser.script("window.stagepass.hls.currentLevel = -1;"); // back to choosing by bandwidth
            browser.script("document.getElementById('go-live').click();");
            Await.expect(
                    "LIVE back at the edge",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return window.stagepass.behindLive()")).doubleValue() < 4
                            && ((Number) browser.script("return document.getElementById('video').currentTime"))
                                            .doubleValue()
                                    > 60);
            // hls.js reloads the live playlist as delta updates: a four-hour live does not resend everything each 2 s.
            Await.expect(
                    "a delta update asked for",
                    Browser.timeout(),
                    () -> ((Number)
                                            browser.script(
                                                    "return performance.getEntriesByType('resource').filter(e => e.name.includes('live.m3u8') && e.name.includes('_HLS_skip=YES')).length"))
                                    .intValue()
                            > 0);

            // The creator stops: the replay lists both renditions too, and hls.js plays the lower one.
            stop.set(true);
            encoder.join(TimeUnit.SECONDS.toMillis(60));
            Await.expect("the replay READY", DEADLINE, () -> replayReady(stack, liveId));
            browser.open(watch);
            Await.expect(
                    "the replay with two renditions in hls.js",
                    Browser.timeout(),
                    () -> "replay".equals(browser.script("return window.stagepass.info && window.stagepass.info.mode"))
                            && ((Number)
                                                    browser.script(
                                                            "return window.stagepass.hls ? window.stagepass.hls.levels.length : 0"))
                                            .intValue()
                                    == 2);
            browser.script(
                    "const h = window.stagepass.hls; h.currentLevel = h.levels.findIndex(l => l.height === 360);");
            Await.expect(
                    "the replay's 360p on screen",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.getElementById('video').videoHeight")).intValue()
                            == 360);
        } finally {
            stop.set(true);
            encoder.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    @Test
    void thePlayerPagePlaysAndSeeksTheReplaySendsBeaconsAndRefusesARefundedTicket() throws Exception {
        Browser.assumeAvailable();
        Catalog.Scheduled live = schedule("Browser replay");
        String ticket =
                buyer.buy(live.live().getLiveId(), "browser-viewer@example.com").id();
        GeneratedLive.pushHls(
                ingest.pushUrl(live.streamKey(), "index.m3u8"), GeneratedLive.Spec.demo(Duration.ofSeconds(30)));
        Await.expect(
                "the replay READY",
                DEADLINE,
                () -> replayReady(stack, live.live().getLiveId()));
        String token =
                tokens.issue(live.live().getLiveId(), ticket, Instant.now().plusSeconds(3600));
        String watch = api.links().watch(live.live().getLiveId(), token);

        try (Browser browser = Browser.start(dir)) {
            browser.open(watch);
            Await.expect(
                    "hls.js in charge",
                    Browser.timeout(),
                    () -> Boolean.TRUE.equals(browser.script(
                            "return !!(window.Hls && Hls.isSupported() && window.stagepass && window.stagepass.hls)")));
            Await.expect(
                    "the replay playing",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.getElementById('video').currentTime")).doubleValue()
                            > 1.5);
            assertThat((String) browser.script("return window.stagepass.info.mode"))
                    .isEqualTo("replay");
            Await.expect(
                    "the thumbnail track loaded",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return window.stagepass.cues.length")).intValue() >= 6);
            browser.script("const v = document.getElementById('video'); v.pause(); v.currentTime = 20;");
            Await.expect("the seek landed at 20 s", Browser.timeout(), () -> {
                double at = ((Number) browser.script(
                                "const v = document.getElementById('video'); return v.seeking ? -1 : v.currentTime"))
                        .doubleValue();
                return at >= 19.9 && at <= 21;
            });
            browser.script("document.getElementById('video').play()");
            Await.expect("VIEW_START and PAGE_VIEW beacons on Kafka", DEADLINE, () -> {
                List<Beacon> beacons = beacons(live.live().getLiveId());
                return beacons.stream()
                                .anyMatch(b -> b.getType() == BeaconType.VIEW_START
                                        && b.getMode() == ViewMode.REPLAY
                                        && ticket.equals(b.getTicketId()))
                        && beacons.stream().anyMatch(b -> b.getType() == BeaconType.PAGE_VIEW);
            });
            assertThat(browser.screenshot(Path.of("target", "screenshots", "player-replay.png")))
                    .as("distinct colours of the screenshot")
                    .isGreaterThan(50);

            // The ticket plays on at most 2 screens: this page, and another device that starts now.
            String firstTab = browser.driver().getWindowHandle();
            assertThat(get("/v1/lives/" + live.live().getLiveId() + "/master.m3u8?token=" + token
                                    + "&screen=other-device-01")
                            .statusCode())
                    .isEqualTo(200);
            browser.driver().switchTo().newWindow(org.openqa.selenium.WindowType.TAB);
            browser.open(watch);
            Await.expect(
                    "a third screen offered to watch here instead",
                    Browser.timeout(),
                    () -> "true".equals(browser.script("return document.getElementById('player').dataset.busy"))
                            && !(Boolean) browser.script("return document.getElementById('take-over').hidden"));
            assertThat((String) browser.script("return document.getElementById('overlay-text').textContent"))
                    .contains("playing on 2 other screens");
            assertThat(browser.screenshot(Path.of("target", "screenshots", "player-busy.png")))
                    .isGreaterThan(2);
            browser.script("document.getElementById('take-over').click()");
            Await.expect(
                    "the third screen playing once it took over",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.getElementById('video').currentTime")).doubleValue()
                            > 1);
            String thirdTab = browser.driver().getWindowHandle();
            browser.driver().switchTo().window(firstTab); // the third stays open: closing it would free its screen
            Await.expect(
                    "the first screen, the oldest, stopped and says so",
                    Browser.timeout(),
                    () -> "true".equals(browser.script("return document.getElementById('player').dataset.busy")));
            browser.driver().switchTo().window(thirdTab);
            browser.driver().close();
            browser.driver().switchTo().window(firstTab);

            stripe.refund(ticket);
            Await.expect(
                    "the refunded ticket refused", DEADLINE, () -> get(watch).statusCode() == 403);
            browser.open(watch);
            String page = browser.driver().getPageSource();
            assertThat(page).contains("You cannot watch this live").contains("the ticket was refunded");
            assertThat(browser.screenshot(Path.of("target", "screenshots", "player-refused.png")))
                    .isGreaterThan(2);
        }
        assertThat(Files.size(Path.of("target", "screenshots", "player-replay.png")))
                .isPositive();
    }

    @Test
    void aCreatorsPublicClipPlaysOnTheTicketPageWithoutATicketAndAPrivateOneNeedsOne() throws Exception {
        Browser.assumeAvailable();
        FfmpegCli.assumeAvailable();
        Operator operator = new Operator(stack.kafka());
        Catalog.Account creator = operator.registerCreator("Clipper", null, "EUR");
        api.setUpPayouts(creator.apiKey(), stripe, DEADLINE);
        Catalog.Scheduled live =
                operator.scheduleLive(creator.creator().getCreatorId(), "Clips", "viewer", 1500, "EUR", 30);
        String liveId = live.live().getLiveId();
        ingest.awaitKnows(live.streamKey(), DEADLINE);
        GeneratedLive.pushHls(
                ingest.pushUrl(live.streamKey(), "index.m3u8"), GeneratedLive.Spec.demo(Duration.ofSeconds(20)));

        // Marked on the replay's timeline; the demo's keyframes are 2 s apart, so the public clip starts at 2.0 s.
        String publicId = clipId(api.clip(creator.apiKey(), liveId, "The warm-up", 2_500, 9_000, true));
        String privateId = clipId(api.clip(creator.apiKey(), liveId, "For ticket holders", 10_000, 16_000, false));
        com.fasterxml.jackson.databind.JsonNode clips = Await.expect(
                "both clips cut by the jobs worker",
                DEADLINE,
                () -> api.json(creator.apiKey(), "/v1/lives/" + liveId + "/clips"),
                list -> list.get("data").findValuesAsText("status").equals(List.of("ready", "ready")));
        com.fasterxml.jackson.databind.JsonNode warmUp = clips.get("data").get(0);
        System.out.println("clips: " + clips.get("data").toString().replaceAll("\\?t=[^\"]+", "?..."));
        assertThat(warmUp.get("clipStartMillis").asLong()).isEqualTo(2_000);
        Path mp4 = dir.resolve("warm-up.mp4");
        Files.write(mp4, api.bytes(warmUp.get("media").asText()).body());
        assertThat(FfmpegCli.probeWarnings(mp4)).isEmpty();
        assertThat(warmUp.get("durationMillis").asLong())
                .as("the marked 6.5 s within one GOP")
                .isBetween(6_460L, 8_540L);

        assertThat(get("/v1/lives/" + liveId + "/clips/" + privateId).statusCode())
                .as("a clip for ticket holders refuses a visitor")
                .isEqualTo(401);
        String ticket = buyer.buy(liveId, "clip-fan@example.com").id();
        String token = tokens.issue(liveId, ticket, Instant.now().plusSeconds(3600));
        HttpResponse<String> own = Await.expect( // the payment's webhook reaches the API's tickets within moments
                "the private clip for the new ticket",
                DEADLINE,
                () -> get("/v1/lives/" + liveId + "/clips/" + privateId + "?token=" + token),
                r -> r.statusCode() == 200);
        String privateMedia = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(own.body())
                .get("media")
                .asText();
        assertThat(api.bytes(privateMedia).statusCode()).isEqualTo(200);
        stripe.refund(ticket);
        Await.expect(
                "the refunded ticket refused the private clip",
                DEADLINE,
                () -> get("/v1/lives/" + liveId + "/clips/" + privateId + "?token=" + token)
                                .statusCode()
                        == 403);

        try (Browser browser = Browser.start(dir)) {
            browser.open(api.url() + "/lives/" + liveId); // a visitor: no ticket, no token
            Await.expect(
                    "the public clip on the ticket page",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.querySelectorAll('#previews video').length"))
                                    .intValue()
                            == 1);
            assertThat((String) browser.script("return document.querySelector('#previews video').dataset.clip"))
                    .as("the private clip is not among them")
                    .isEqualTo(publicId);
            browser.script("const v = document.querySelector('#previews video'); v.muted = true; v.play();");
            Await.expect(
                    "the preview playing",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.querySelector('#previews video').currentTime"))
                                    .doubleValue()
                            > 1.5);
            assertThat((String) browser.script("return document.querySelector('#previews figcaption').textContent"))
                    .startsWith("The warm-up · 0:0");
            browser.script("document.querySelector('#previews').scrollIntoView()");
            assertThat(browser.screenshot(Path.of("target", "screenshots", "ticket-page-clip.png")))
                    .isGreaterThan(50);
        }
    }

    private static String clipId(HttpResponse<String> answer) throws Exception {
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        return new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(answer.body())
                .get("clipId")
                .asText();
    }

    /** Whether the replay of {@code liveId} is READY on the stack's replays topic. */
    static boolean replayReady(Stack stack, String liveId) {
        EventCodec<ReplayStatus> codec = EventCodec.of(ReplayStatus.class);
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            return reader.readFrom(Topic.REPLAYS, Map.of(), Duration.ofSeconds(10)).stream()
                    .filter(r -> liveId.equals(r.key()))
                    .anyMatch(r -> codec.decode(r.value()).getType() == ReplayEventType.READY);
        }
    }

    private static List<Beacon> beacons(String liveId) {
        EventCodec<Beacon> codec = EventCodec.of(Beacon.class);
        try (TopicReader reader = new TopicReader(stack.kafka())) {
            return reader.readFrom(Topic.BEACONS, Map.of(), Duration.ofSeconds(10)).stream()
                    .filter(r -> liveId.equals(r.key()))
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }
}
