package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.acceptance.client.ApiClient;
import io.stagepass.acceptance.client.Buyer;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.acceptance.client.StripeSandboxClient;
import io.stagepass.acceptance.testing.Browser;
import io.stagepass.events.PlaybackTokens;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.config.Secret;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.replay.ReplayApiConfig;
import io.stagepass.replay.creators.Catalog;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Short-lived object links do not interrupt a viewer: with links of 10 s (the shortest a deployment may set), the
 * player page in headless Chromium plays a replay on past the life of every link it was given, drops its buffer and seeks
 * once they have expired, and is never refused a segment, because it fetches a playlist's fresh links before using one about to
 * run out; its download link is renewed too, while the first one is refused.
 */
class LinkRenewalEndToEndIT {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Pattern EXPIRES = Pattern.compile("[?&]e=(\\d+)");

    @TempDir
    static Path dir;

    static Stack stack;
    static ApiClient api;
    static IngestClient ingest;
    static Buyer buyer;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.start(
                StackConfig.onFreePorts(
                        dir.resolve("data"),
                        Map.of(StackConfig.STRIPE_SANDBOX, "true", ReplayApiConfig.LINK_TTL, "10s")),
                line -> {});
        api = new ApiClient("http://127.0.0.1:" + stack.apiPort());
        ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        buyer = new Buyer(
                api, new StripeSandboxClient(stack.stripeSandbox().orElseThrow().apiBase()));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void theReplayPlaysOnPastItsLinksLifeWithoutARefusal() throws Exception {
        Browser.assumeAvailable();
        Operator operator = new Operator(stack.kafka());
        Catalog.Account creator = operator.registerCreator("Links", null, "EUR");
        String creatorId = creator.creator().getCreatorId();
        api.setUpPayouts(
                creator.apiKey(),
                new StripeSandboxClient(stack.stripeSandbox().orElseThrow().apiBase()),
                DEADLINE);
        Catalog.Scheduled live = operator.scheduleLive(creatorId, "Short links", "viewer", 1500, "EUR", 30);
        String liveId = live.live().getLiveId();
        ingest.awaitKnows(live.streamKey(), DEADLINE);
        String ticket = buyer.buy(liveId, "links@example.com").id();
        GeneratedLive.pushHls(
                ingest.pushUrl(live.streamKey(), "index.m3u8"), GeneratedLive.Spec.demo(Duration.ofSeconds(60)));
        Await.expect("the replay READY", DEADLINE, () -> PlaybackEndToEndIT.replayReady(stack, liveId));
        String token = new PlaybackTokens(stack.secret(Secret.PLAYBACK_TOKENS))
                .issue(liveId, ticket, Instant.now().plusSeconds(3600));

        try (Browser browser = Browser.start(dir)) {
            browser.open(api.links().watch(liveId, token));
            Await.expect("the replay playing", Browser.timeout(), () -> currentTime(browser) > 1);
            String firstDownload = (String) browser.script("return document.getElementById('download').href");
            long firstExpiry = expiry(firstDownload);
            Await.expect(
                    "the links the page got first expired",
                    Duration.ofSeconds(30),
                    () -> Instant.now().getEpochSecond() > firstExpiry + 1);
            assertThat(api.page(firstDownload).statusCode())
                    .as("an expired link is refused: the renewal below is needed")
                    .isEqualTo(403);

            // hls.js buffered the whole short replay at once (it buffers up to 600 s of a stream this light); a
            // long one is fetched on as it plays. So seek (paused), then drop the buffer and keep it short: what plays
            // next is fetched now, after every link the page was first given has expired. The seek lands first: hls.js
            // 1.4 has ended the stream, and a seek while a flush is pending makes it end the stream again once the
            // buffer is empty, which sends the video to its end.
            browser.script(
                    "performance.setResourceTimingBufferSize(10000); window.__errors = []; window.stagepass.hls.on(Hls.Events.ERROR, (e, d) =>"
                            + " window.__errors.push(performance.now().toFixed(0) + ' ' + d.type + ' ' + d.details"
                            + " + (d.fatal ? ' fatal' : '') + (d.response ? ' ' + d.response.code : '')"
                            + " + (d.frag ? ' sn=' + d.frag.sn : '')));"
                            + " const v = document.getElementById('video'); v.pause(); v.currentTime = 30;");
            Await.expect("the seek to 30 s landed", Duration.ofSeconds(30), () -> (Boolean) browser.script(
                    "const v = document.getElementById('video'); return !v.seeking && v.currentTime >= 30;"));
            browser.script(
                    "const h = window.stagepass.hls; h.config.maxBufferLength = 6; h.config.maxMaxBufferLength = 6;"
                            + " h.trigger(Hls.Events.BUFFER_FLUSHING, { startOffset: 0, endOffset: Number.POSITIVE_INFINITY,"
                            + " type: null });"
                            + " document.getElementById('video').play();");
            try {
                Await.expect(
                        "playing on past 33 s from segments fetched after the first links expired", DEADLINE, () -> {
                            double at = currentTime(browser);
                            return at > 33 && at < 60;
                        });
            } catch (Await.TimeoutError e) {
                throw new AssertionError(e.getMessage() + "\n" + pageState(browser), e);
            }
            assertThat(((Number) browser.script("return window.stagepass.links.reloads")).intValue())
                    .as("reloads after a refused link")
                    .isZero();
            assertThat(((Number) browser.script("return window.stagepass.links.renewed")).intValue())
                    .as("playlists fetched again for fresh links")
                    .isPositive();

            Await.expect(
                    "the download link renewed by a playback check",
                    Duration.ofSeconds(30),
                    () -> expiry((String) browser.script("return document.getElementById('download').href"))
                            > firstExpiry);
            String renewed = (String) browser.script("return document.getElementById('download').href");
            assertThat(api.page(renewed).statusCode()).isEqualTo(200);
        }
    }

    /** What the page was doing, for a failure's message: the video, hls.js's errors, and every request it made. */
    private static String pageState(Browser browser) {
        return String.valueOf((Object) browser.script("const v = document.getElementById('video');"
                + " const b = []; for (let i = 0; i < v.buffered.length; i++) { b.push(v.buffered.start(i).toFixed(2)"
                + " + '-' + v.buffered.end(i).toFixed(2)); }"
                + " return 'video at ' + v.currentTime + ', paused ' + v.paused + ', readyState ' + v.readyState"
                + " + ', ended ' + v.ended + ' at ' + v.duration + ', buffered [' + b.join(' ') + '], error ' + (v.error && v.error.message)"
                + " + '\\nhls.js errors:\\n' + (window.__errors || []).join('\\n')"
                + " + '\\nrequests:\\n' + performance.getEntriesByType('resource').map((r) => r.startTime.toFixed(0)"
                + " + ' ' + r.duration.toFixed(0) + ' ms ' + r.responseStatus + ' ' + r.name.replace(/\\?.*e=/, '?e=')"
                + ").join('\\n');"));
    }

    private static double currentTime(Browser browser) {
        return ((Number) browser.script("return document.getElementById('video').currentTime")).doubleValue();
    }

    private static long expiry(String link) {
        Matcher m = EXPIRES.matcher(link);
        assertThat(m.find()).as("a signed link: %s", link).isTrue();
        return Long.parseLong(m.group(1));
    }
}
