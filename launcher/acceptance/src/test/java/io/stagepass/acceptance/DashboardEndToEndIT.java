package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Buyer;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.LiveRequest;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.demo.DemoViewers;
import io.stagepass.acceptance.testing.Browser;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.creators.Catalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.Year;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;

/**
 * The creators' dashboard in headless Chromium against the whole stack: sign in with the key, open the live, see the
 * numbers the JSON routes give, and see a new sale arrive without a reload.
 */
class DashboardEndToEndIT {
    private static final Duration AUDIENCE_WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path dir;

    static Stack stack;
    static Catalog.Account creator;
    static ApiClient api;
    static IngestClient ingest;
    static Buyer buyer;

    @BeforeAll
    static void start() throws Exception {
        Browser.assumeAvailable();
        stack = Stack.start(
                StackConfig.onFreePorts(dir.resolve("data"), Map.of(StackConfig.STRIPE_SANDBOX, "true")), line -> {});
        creator = new Operator(stack.kafka()).registerCreator("Dashboard creator", null, "EUR");
        api = new ApiClient("http://127.0.0.1:" + stack.apiPort());
        ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        StripeSandboxClient stripe =
                new StripeSandboxClient(stack.stripeSandbox().orElseThrow().apiBase());
        buyer = new Buyer(api, stripe);
        api.setUpPayouts(creator.apiKey(), stripe, Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theDashboardShowsTheRoutesNumbersAndANewSaleWithoutAReload() throws Exception {
        ApiClient.ScheduledLive live =
                api.scheduleLive(creator.apiKey(), LiveRequest.viewerTier("Dashboard live", "EUR", 1500));
        String liveId = live.liveId();
        ingest.awaitKnows(live.streamKey(), AUDIENCE_WAIT);
        DemoViewers viewers = new DemoViewers(ingest, PlaybackTokens.forBeacons(stack.secret(Secret.BEACONS)), liveId);
        viewers.start(3);
        GeneratedLive.pushHls(
                ingest.pushUrl(live.streamKey(), "index.m3u8"), GeneratedLive.Spec.demo(Duration.ofSeconds(6)));
        buyer.buy(liveId, "one@example.com");
        buyer.buy(liveId, "two@example.com");
        viewers.stop();
        // The views count as the beacons arrive; the peak only once event time passes the boundary after the last
        // viewer started (an earlier total can show views 3 and the peak of a sample before two of them started).
        Await.expect(
                "the audience of the three viewers, all three watching at once",
                AUDIENCE_WAIT,
                () -> api.json(creator.apiKey(), "/v1/lives/" + liveId + "/audience"),
                a -> a.path("live").path("views").asLong() == 3
                        && a.path("conversion").path("pageVisitors").asLong() == 3
                        && a.path("live").path("peak").path("viewers").asLong() == 3);

        try (Browser browser = Browser.start(dir)) {
            browser.open(api.url() + "/dashboard");
            assertThat(browser.driver().getCurrentUrl())
                    .as("signed out: sent to sign in")
                    .endsWith("/login");
            browser.driver().findElement(By.id("key")).sendKeys(creator.apiKey());
            browser.driver().findElement(By.id("sign-in")).click();
            Await.expect(
                    "the dashboard after sign-in",
                    Browser.timeout(),
                    () -> browser.driver().getCurrentUrl().endsWith("/dashboard"));
            assertThat((String) browser.script("return document.cookie"))
                    .as("the session cookie is HttpOnly")
                    .doesNotContain("stagepass_session");
            assertThat(browser.driver().getPageSource())
                    .as("the key is not in the page")
                    .doesNotContain(creator.apiKey());
            browser.open(api.url() + "/dashboard#" + liveId);
            Await.expect(
                    "the page shows the two sales",
                    Browser.timeout(),
                    () -> "2".equals(browser.script("return document.getElementById('kpi-tickets').dataset.minor")));
            Await.expect(
                    "the page shows the audience",
                    Browser.timeout(),
                    () -> "3".equals(browser.script("return document.getElementById('kpi-peak').dataset.peak")));

            JsonNode revenue = api.json(creator.apiKey(), "/v1/lives/" + liveId + "/revenue")
                    .get("currencies")
                    .get(0)
                    .get("totals");
            assertThat(minor(browser, "kpi-net"))
                    .isEqualTo(revenue.get("netMinor").asText());
            assertThat(minor(browser, "kpi-gross"))
                    .isEqualTo(revenue.get("grossMinor").asText());
            assertThat(minor(browser, "kpi-tickets"))
                    .isEqualTo(revenue.get("ticketsSold").asText());
            assertThat(text(browser, "kpi-gross")).isEqualTo("€30.00");
            // The audience job publishes on its own clock: compare the page and the route at the same moment.
            Await.expect("the page's audience numbers equal the route's", Browser.timeout(), () -> {
                JsonNode now = api.json(creator.apiKey(), "/v1/lives/" + liveId + "/audience");
                return minor(browser, "kpi-watch")
                                .equals(Long.toString(
                                        now.get("live").get("watchTimeMillis").asLong()
                                                + now.get("replay")
                                                        .get("watchTimeMillis")
                                                        .asLong()))
                        && minor(browser, "kpi-conversion")
                                .equals(now.get("conversion").get("basisPoints").asText())
                        && minor(browser, "kpi-concurrent")
                                .equals(now.get("watchingNow").asText())
                        && Integer.parseInt(browser.script(
                                        "return document.getElementById('chart-concurrency').dataset.points"))
                                == now.get("live").get("concurrency").size();
            });
            assertThat((String) browser.script("return document.getElementById('connection').textContent"))
                    .isEqualTo("live updates");
            assertThat(text(browser, "live-when"))
                    .as("the start, read from the route's ISO-8601 time")
                    .startsWith("started ")
                    .contains(Integer.toString(Year.now(ZoneOffset.UTC).getValue()));
            for (String chart : new String[] {"revenue", "concurrency"}) {
                assertThat((Boolean) browser.script("const d = stagepassStudio.charts['" + chart + "'].data[0];"
                                + " return d.length > 0 && d.every(Number.isFinite)"))
                        .as("the %s chart has points on its time axis", chart)
                        .isTrue();
            }

            browser.script("window.stagepassNoReload = 'still here'");
            buyer.buy(liveId, "three@example.com");
            Await.expect(
                    "the third sale, pushed to the open page",
                    Browser.timeout(),
                    () -> "3".equals(browser.script("return document.getElementById('kpi-tickets').dataset.minor")));
            assertThat((String) browser.script("return window.stagepassNoReload"))
                    .as("no reload")
                    .isEqualTo("still here");
            assertThat(text(browser, "kpi-gross")).isEqualTo("€45.00");
            JsonNode summary = api.json(creator.apiKey(), "/v1/creator/summary");
            Await.expect(
                    "the creator-wide net follows the new sale",
                    Browser.timeout(),
                    () -> summary.at("/currencies/0/totals/netMinor")
                            .asText()
                            .equals(browser.script("return document.querySelector('#summary .amount').dataset.minor")));
            assertThat(summary.at("/currencies/0/totals/grossMinor").asLong()).isEqualTo(4500);

            // Stream health: what ingest measured of the HLS push, the same on the page as on the route.
            JsonNode health = Await.expect(
                    "the stream health of the push",
                    AUDIENCE_WAIT,
                    () -> api.json(creator.apiKey(), "/v1/lives/" + liveId + "/health"),
                    h -> h.path("segments").asInt() == 3);
            assertThat(health.get("verdict").asText()).isEqualTo("excellent");
            assertThat(health.get("protocol").asText()).isEqualTo("hls");
            assertThat(health.at("/video/width").asInt()).isEqualTo(640);
            assertThat(health.at("/video/keyframeIntervalMillis").asLong()).isEqualTo(2_000);
            Await.expect(
                    "the page shows the stream health",
                    Browser.timeout(),
                    () -> "excellent"
                            .equals(browser.script(
                                    "return document.getElementById('health-verdict').dataset.verdict")));
            assertThat(text(browser, "health-facts"))
                    .contains("h264")
                    .contains("640×360")
                    .contains("25 fps")
                    .contains("every 2 s")
                    .contains("aac · 48 kHz");
            assertThat((Boolean) browser.script("return document.getElementById('go-live').hidden"))
                    .as("an ended live has no stream settings: its key works no more")
                    .isTrue();
            for (String chart : new String[] {"revenue", "concurrency"}) {
                double span = ((Number) browser.script(
                                "const x = stagepassStudio.charts['" + chart + "'].scales.x; return x.max - x.min"))
                        .doubleValue();
                assertThat(span)
                        .as("the %s chart's time axis covers the live's minutes, not years", chart)
                        .isBetween(60.0, 3600.0);
            }

            Path shot = Path.of("target", "screenshots", "dashboard.png");
            assertThat(browser.screenshot(shot))
                    .as("distinct colours of the screenshot")
                    .isGreaterThan(50);
            assertThat(Files.size(shot)).isGreaterThan(10_000);

            // The next live: OBS's settings for this stack, and a new stream key that ingest takes.
            ApiClient.ScheduledLive next =
                    api.scheduleLive(creator.apiKey(), LiveRequest.viewerTier("Next live", "EUR", 1500));
            browser.open(api.url() + "/dashboard#" + next.liveId());
            String server = "rtmp://127.0.0.1:" + stack.rtmpPort() + "/live";
            Await.expect(
                    "OBS's settings on the page",
                    Browser.timeout(),
                    () -> text(browser, "obs").contains(server));
            assertThat(text(browser, "obs"))
                    .contains("Custom...")
                    .contains("Keyframe Interval2 s")
                    .doesNotContain(next.streamKey());
            browser.script("window.confirm = () => true");
            browser.driver().findElement(By.id("new-key")).click();
            String newKey = Await.expect(
                    "the new stream key, shown once",
                    Browser.timeout(),
                    () -> browser.script(
                            "const e = document.getElementById('new-key-value');" + " return e ? e.textContent : ''"),
                    key -> !((String) key).isEmpty());
            assertThat(newKey).hasSize(32).isNotEqualTo(next.streamKey());
            assertThat(text(browser, "ffmpeg-rtmp")).endsWith(server + "/" + newKey);
            ingest.awaitKnows(newKey, AUDIENCE_WAIT);

            browser.open(api.url() + "/dashboard#" + liveId);
            Await.expect(
                    "the first live again",
                    Browser.timeout(),
                    () -> "excellent"
                            .equals(browser.script(
                                    "return document.getElementById('health-verdict').dataset.verdict")));

            // The sites that may frame the player pages: a mistake is named, then the list is saved, and the player
            // page of the creator's live carries it.
            browser.script("document.getElementById('embed').open = true;"
                    + " document.getElementById('embed-origins').value = 'http://yoga.example';");
            browser.driver().findElement(By.id("embed-save")).click();
            Await.expect(
                    "the mistake named",
                    Browser.timeout(),
                    () -> text(browser, "embed-note").contains("https only"));
            browser.script("document.getElementById('embed-origins').value = 'https://yoga.example';");
            browser.driver().findElement(By.id("embed-save")).click();
            Await.expect(
                    "the list saved",
                    Browser.timeout(),
                    () -> text(browser, "embed-note").startsWith("Saved: 1 site"));
            assertThat(api.page("/watch/" + liveId + "?token=x")
                            .headers()
                            .firstValue("Content-Security-Policy")
                            .orElse(""))
                    .contains("frame-ancestors https://yoga.example");

            // On a phone: nothing wider than the screen, every number whole.
            browser.driver().manage().window().setSize(new Dimension(390, 844));
            Await.expect(
                    "the page laid out at 390 px",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return window.innerWidth")).intValue() <= 390);
            assertThat(((Number) browser.script("return document.documentElement.scrollWidth")).intValue())
                    .as("no sideways scrolling")
                    .isLessThanOrEqualTo(((Number) browser.script("return window.innerWidth")).intValue());
            List<String> cut = browser.script("const w = window.innerWidth; return [...document.querySelectorAll("
                    + "'.kpi .value, .kpi .sub, #summary .amount, #health-verdict, #health-facts dd, #tiers td')]"
                    + ".filter(e => { const r = e.getBoundingClientRect();"
                    + " return r.left < 0 || r.right > w || e.scrollWidth > e.clientWidth + 1; })"
                    + ".map(e => (e.id || e.className) + ': ' + e.textContent)");
            assertThat(cut).as("numbers cut off at 390 px").isEmpty();
            int height = ((Number) browser.script("return document.documentElement.scrollHeight")).intValue();
            browser.driver().manage().window().setSize(new Dimension(390, Math.min(height + 120, 4000)));
            browser.script("window.scrollTo(0, 0)");
            Path phone = Path.of("target", "screenshots", "dashboard-390.png");
            assertThat(browser.screenshot(phone)).isGreaterThan(50);
        }
    }

    /**
     * A ticket holder's player loses the network during a live until it has stalled: it plays on when the network is back,
     * and reports what it measured; the audience route and the dashboard show exactly those figures.
     */
    @Test
    void theDashboardShowsHowPlaybackWentAsThePlayerMeasuredIt() throws Exception {
        // A creator of its own: the other test counts its creator's sales.
        Catalog.Account creator = new Operator(stack.kafka()).registerCreator("Quality creator", null, "EUR");
        api.setUpPayouts(
                creator.apiKey(),
                new StripeSandboxClient(stack.stripeSandbox().orElseThrow().apiBase()),
                Duration.ofSeconds(60));
        ApiClient.ScheduledLive live = api.scheduleLive(
                creator.apiKey(),
                LiveRequest.viewerTier("Quality live", "EUR", 1500).withoutLowRendition());
        String liveId = live.liveId();
        ingest.awaitKnows(live.streamKey(), AUDIENCE_WAIT);
        String ticket = buyer.buy(liveId, "quality@example.com").id();
        Await.expect( // the payment's webhook reaches the API's tickets within moments
                "the ticket granted",
                AUDIENCE_WAIT,
                () -> api.ticket(liveId, ticket).path("status").asText(),
                "granted"::equals);
        String token = new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS))
                .issue(liveId, ticket, Instant.now().plusSeconds(3600));
        AtomicBoolean stop = new AtomicBoolean();
        Thread encoder = new Thread(
                () -> GeneratedLive.pushHls(
                        ingest.pushUrl(live.streamKey(), "index.m3u8"),
                        GeneratedLive.Spec.demo(Duration.ofMinutes(3)).inRealTimeAfter(Duration.ofSeconds(6)),
                        stop::get),
                "quality-encoder");
        encoder.start();
        // A profile of its own: the other test expects a browser that has not signed in.
        try (Browser browser = Browser.start(Files.createDirectories(dir.resolve("quality")))) {
            browser.open(api.links().watch(liveId, token));
            Await.expect(
                    "the live playing, its first frame measured",
                    AUDIENCE_WAIT,
                    () -> ((Number) browser.script("return document.getElementById('video').currentTime")).doubleValue()
                                    > 2
                            && browser.script("return window.stagepass.quality().startupMs") != null);
            ChromiumNetworkConditions offline = new ChromiumNetworkConditions();
            offline.setOffline(true);
            browser.driver().setNetworkConditions(offline);
            // Offline until the player has run out of buffer and stalled for a while: then the network comes back.
            Await.expect("the player stalled for 1.5 s", AUDIENCE_WAIT, () -> (Boolean)
                    browser.script("const q = window.stagepass.quality(); return q.stalled && q.rebufferMs > 1500"));
            browser.driver().deleteNetworkConditions();
            Await.expect(
                    "a stall measured, and playback going on after it",
                    AUDIENCE_WAIT,
                    () -> (Boolean) browser.script("const q = window.stagepass.quality();"
                            + " const v = document.getElementById('video');"
                            + " return q.rebuffers > 0 && !q.stalled && !v.paused && v.readyState >= 3"));
            browser.script("document.getElementById('video').pause()"); // no more stalls: the figures stand
            Map<String, Object> measured = browser.script("return window.stagepass.quality()");
            System.out.println("quality: the page measured " + measured);
            assertThat(measured.get("failure"))
                    .as("recovered within 30 s: not a failure")
                    .isNull();
            long startup = ((Number) measured.get("startupMs")).longValue();
            long rebuffers = ((Number) measured.get("rebuffers")).longValue();
            long rebufferMillis = ((Number) measured.get("rebufferMs")).longValue();
            assertThat(rebufferMillis).as("time stalled").isGreaterThan(1_000);

            JsonNode quality = Await.expect(
                            "the audience route's quality equal to the page's figures",
                            AUDIENCE_WAIT,
                            () -> api.json(creator.apiKey(), "/v1/lives/" + liveId + "/audience"),
                            a -> a.at("/live/quality/rebuffers").asLong() == rebuffers
                                    && a.at("/live/quality/rebufferMillis").asLong() == rebufferMillis
                                    && a.at("/live/quality/firstFrames").asLong() == 1)
                    .at("/live/quality");
            System.out.println("quality: the audience route says " + quality);
            assertThat(quality.get("averageStartupMillis").asLong()).isEqualTo(startup);
            assertThat(quality.get("playbackFailures").asLong()).isZero();
            assertThat(quality.get("exitsBeforeFirstFrame").asLong()).isZero();
            assertThat(quality.get("rebufferBasisPoints").asInt()).isBetween(1, 10_000);
            assertThat(quality.at("/renditions/0/rendition").asText()).isEqualTo(measured.get("rendition"));

            signIn(browser, creator.apiKey());
            browser.open(api.url() + "/dashboard#" + liveId);
            Await.expect(
                    "the dashboard shows the figures the player measured",
                    Browser.timeout(),
                    () -> Long.toString(rebuffers).equals(value(browser, "quality-live-rebuffers"))
                            && Long.toString(rebufferMillis).equals(value(browser, "quality-live-rebuffer-millis"))
                            && Long.toString(startup).equals(value(browser, "quality-live-startup")));
            assertThat(text(browser, "quality-live-renditions")).startsWith(measured.get("rendition") + " 100.0 %");
            assertThat(text(browser, "quality-replay-rebuffers")).isEqualTo("0");
            // A clip from the dashboard's Clips card, of the live still streaming, then taken down again.
            browser.script("document.getElementById('clip-title').value = 'First minute';"
                    + " document.getElementById('clip-start').value = '0:02';"
                    + " document.getElementById('clip-end').value = '0:07.5';"
                    + " document.getElementById('clip-public').checked = true;");
            browser.driver().findElement(By.id("clip-make")).click();
            Await.expect(
                    "the clip cut, on the card",
                    Browser.timeout(),
                    () -> "ready"
                            .equals(browser.script("const li = document.querySelector('#clips li');"
                                    + " return li ? li.dataset.status : null")));
            assertThat(text(browser, "clips"))
                    .contains("First minute")
                    .contains("0:02–0:07")
                    .contains("public");
            assertThat(api.page("/v1/lives/" + liveId + "/previews").body()).contains("First minute");
            browser.script("window.confirm = () => true");
            browser.driver().findElement(By.cssSelector("#clips .link-button")).click();
            Await.expect(
                    "the clip gone from the card",
                    Browser.timeout(),
                    () -> ((Number) browser.script("return document.querySelectorAll('#clips li').length")).intValue()
                            == 0);
            assertThat(api.page("/v1/lives/" + liveId + "/previews").body()).doesNotContain("First minute");
            browser.script("document.getElementById('quality-card').scrollIntoView({block: 'center'})");
            Path shot = Path.of("target", "screenshots", "dashboard-quality.png");
            assertThat(browser.screenshot(shot)).isGreaterThan(50);
        } finally {
            stop.set(true);
            encoder.join(TimeUnit.SECONDS.toMillis(60));
        }
    }

    private static void signIn(Browser browser, String key) throws Exception {
        browser.open(api.url() + "/login");
        browser.driver().findElement(By.id("key")).sendKeys(key);
        browser.driver().findElement(By.id("sign-in")).click();
        Await.expect(
                "the dashboard after sign-in",
                Browser.timeout(),
                () -> browser.driver().getCurrentUrl().endsWith("/dashboard"));
    }

    private static String value(Browser browser, String id) {
        return browser.script("const e = document.getElementById('" + id + "'); return e ? e.dataset.value : null");
    }

    private static String minor(Browser browser, String id) {
        return browser.script("return document.getElementById('" + id + "').dataset.minor");
    }

    private static String text(Browser browser, String id) {
        return browser.script("return document.getElementById('" + id + "').textContent");
    }
}
