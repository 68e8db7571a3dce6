package io.stagepass.replay.playback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SignedUrlsTest {
    private static final Instant NOW = Instant.parse("2026-12-01T10:00:00Z");
    private final SignedUrls urls = new SignedUrls("a-secret-that-is-long-enough-for-tests", Duration.ofMinutes(10));
    private final SignedUrls.ObjectRef segment =
            SignedUrls.parse("live_1", "segments", "00000003.ts").orElseThrow();

    private static Map<String, String> query(String link) {
        Map<String, String> query = new HashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            query.put(pair.substring(0, pair.indexOf('=')), pair.substring(pair.indexOf('=') + 1));
        }
        return query;
    }

    @Test
    void aLinkIsBoundToItsObjectAndTicketAndDiesAfterItsTtl() {
        String link = urls.sign(segment, "cs_1", NOW);
        Map<String, String> q = query(link);
        String ref = q.get("t");
        assertThat(link)
                .startsWith("/v1/lives/live_1/objects/segments/00000003.ts?t=tk_")
                .doesNotContain("cs_1");
        assertThat(ref).isEqualTo(urls.ticketRef("live_1", "cs_1")).isNotEqualTo(urls.ticketRef("live_1", "cs_2"));
        assertThat(Long.parseLong(q.get("e")))
                .isEqualTo(NOW.plus(Duration.ofMinutes(10)).getEpochSecond());

        assertThat(urls.check(segment, ref, q.get("e"), q.get("s"), NOW.plusSeconds(599)))
                .isEmpty();
        assertThat(urls.check(segment, ref, q.get("e"), q.get("s"), NOW.plusSeconds(600)))
                .hasValueSatisfying(r -> assertThat(r).contains("expired"));
        assertThat(urls.check(segment, urls.ticketRef("live_1", "cs_2"), q.get("e"), q.get("s"), NOW))
                .as("another ticket")
                .isPresent();
        SignedUrls.ObjectRef other =
                SignedUrls.parse("live_1", "segments", "00000004.ts").orElseThrow();
        assertThat(urls.check(other, ref, q.get("e"), q.get("s"), NOW))
                .as("another object")
                .isPresent();
        long later = Long.parseLong(q.get("e")) + 3600;
        assertThat(urls.check(segment, ref, Long.toString(later), q.get("s"), NOW))
                .as("a stretched expiry")
                .hasValueSatisfying(r -> assertThat(r).contains("signature"));
        assertThat(urls.check(segment, ref, q.get("e"), null, NOW))
                .as("unsigned")
                .isPresent();
        assertThat(new SignedUrls("another-secret-that-is-long-enough-too", Duration.ofMinutes(10))
                        .check(segment, ref, q.get("e"), q.get("s"), NOW))
                .as("another secret")
                .isPresent();
    }

    @Test
    void onlyPathsThatStayUnderTheLivesPrefixAreObjects() {
        assertThat(SignedUrls.parse("live_1", "replays", "v1/media-0.mp4")).isPresent();
        for (String path :
                new String[] {"..", "../other/x.ts", "v1/../../x", ".", "v1//x", "%2e%2e/x", "a\\b", "", "x/..", "..."
                }) {
            assertThat(SignedUrls.parse("live_1", "replays", path)).as(path).isEmpty();
        }
        assertThat(SignedUrls.parse("live_1", "lake", "x.parquet"))
                .as("not a bucket of playback")
                .isEmpty();
    }

    @Test
    void linksLiveAtMostTenMinutes() {
        assertThatThrownBy(() -> new SignedUrls("a-secret-that-is-long-enough-for-tests", Duration.ofMinutes(11)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
