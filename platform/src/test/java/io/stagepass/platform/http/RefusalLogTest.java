package io.stagepass.platform.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RefusalLogTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<String> lines = new ArrayList<>();
    private final RefusalLog log = new RefusalLog(Duration.ofSeconds(10), now::get, lines::add);

    @Test
    void aFloodOfRefusalsWritesOneLineAtOnceAndOneSummaryPerWindow() {
        for (int i = 0; i < 5000; i++) {
            log.refused("GET", "/v1/creator", 401, "/v1/creator");
            now.addAndGet(1_000_000); // 1 ms apart: 5 s in all
        }
        log.refused("POST", "/login", 429, "/login");
        assertThat(lines)
                .containsExactly(
                        "GET /v1/creator 401 (further refusals within 10 s are counted, not logged one by one)");

        now.addAndGet(Duration.ofSeconds(6).toNanos()); // the window is over: the next refusal writes the counts
        log.refused("GET", "/v1/lives/{liveId}/replay", 403, "/v1/lives/live_1/replay");
        assertThat(lines)
                .containsExactly(
                        "GET /v1/creator 401 (further refusals within 10 s are counted, not logged one by one)",
                        "refused in the previous 10 s, besides its first: GET /v1/creator 401 x4999, POST /login 429 x1",
                        "GET /v1/lives/live_1/replay 403 (further refusals within 10 s are counted, not logged one by one)");
    }

    @Test
    void refusalsFarApartAreEachLoggedWhole() {
        log.refused("GET", "/v1/creator", 401, "/v1/creator");
        now.addAndGet(Duration.ofSeconds(11).toNanos());
        log.refused("GET", "/v1/creator", 401, "/v1/creator");
        assertThat(lines).hasSize(2).allMatch(line -> line.startsWith("GET /v1/creator 401"));
    }
}
