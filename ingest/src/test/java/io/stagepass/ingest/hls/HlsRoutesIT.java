package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Live;
import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamKeys;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.platform.lifecycle.Await;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingest's HLS routes over real HTTP, against a real broker and S3 server: what is refused, what is recorded. */
class HlsRoutesIT {
    private static final Duration WINDOW = Duration.ofSeconds(60);
    private static final byte[] SEGMENT = new byte[188 * 100];
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void refusesUnknownKeysBadNamesAndOversizeBodiesAndStoresNothing() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, WINDOW)) {
            String[] live = fixture.scheduleLive();

            HttpResponse<String> unknown = put(fixture.url(StreamKeys.newKey(), "index0.ts"), SEGMENT);
            assertThat(unknown.statusCode()).isEqualTo(403);
            assertThat(unknown.body()).contains("\"error\"").contains("stream key");
            assertThat(unknown.headers().firstValue("connection"))
                    .as("refused before its body was read: not reused")
                    .contains("close");
            assertThat(put(fixture.url("short", "index0.ts"), SEGMENT).statusCode())
                    .isEqualTo(403);

            for (String name : List.of(
                    "..%2Findex0.ts",
                    "%2e%2e%2findex0.ts", "index0.php", "in%20dex0.ts", "index.ts", "%2e%2e", "index0.ts%00.m3u8")) {
                assertThat(rawStatus(fixture, "PUT /live/" + live[1] + "/" + name))
                        .as(name)
                        .isEqualTo(400);
            }
            for (String raw : List.of(
                    "/live/" + live[1] + "/../../index0.ts",
                    "/live/" + live[1] + "/..%2F..%2Findex0.ts",
                    "/live/../" + live[1] + "/index0.ts")) {
                assertThat(rawStatus(fixture, "PUT " + raw)).as(raw).isIn(400, 404);
            }

            HttpResponse<String> farAhead = put(fixture.url(live[1], "index4000000000.ts"), SEGMENT);
            assertThat(farAhead.statusCode())
                    .as("a number no encoder has reached: no state, no object key for it")
                    .isEqualTo(400);
            assertThat(farAhead.body()).contains("too far ahead");
            assertThat(fixture.ingest.pendingBytes())
                    .as("its bytes were discarded")
                    .isZero();

            HttpResponse<String> oversize =
                    put(fixture.url(live[1], "index0.ts"), new byte[(int) IngestFixture.MAX_BODY + 1]);
            assertThat(oversize.statusCode()).isEqualTo(413);
            assertThat(oversize.body()).contains("STAGEPASS_INGEST_MAX_BODY");

            // No waiting needed: a push is spooled before it is answered and leaves the spool only once its object and
            // fact are stored. So with nothing of the live in the spool now, whatever was accepted is already visible.
            assertThat(fixture.ingest.pendingEntries(live[0]))
                    .as("spooled entries of the live")
                    .isZero();
            assertThat(fixture.objects(live[0])).isEmpty();
            assertThat(fixture.segments(live[0])).isEmpty();
            assertThat(fixture.lifecycle(live[0]))
                    .extracting(Live::getType)
                    .as("a refused push does not start the live")
                    .doesNotContain(LiveEventType.STARTED);
        }
    }

    @Test
    void aStoredSegmentIsNeverWrittenOver() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, WINDOW)) {
            String[] live = fixture.scheduleLive();
            String key = SegmentKeys.media(live[0], 0, "ts");
            byte[] first = "bytes another push stored first".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            fixture.storeObject(key, first);

            assertThat(put(fixture.url(live[1], "index0.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            assertThat(put(fixture.url(live[1], "index1.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            Await.expect(
                    "segment 1 stored",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).stream().anyMatch(s -> s.getSequence() == 1));
            Await.expect(
                    "the spool emptied", IngestFixture.DEADLINE, () -> fixture.ingest.pendingEntries(live[0]) == 0);

            assertThat(java.nio.file.Files.readAllBytes(fixture.download(key, dir.resolve("kept.ts"))))
                    .as("the stored object is unchanged")
                    .isEqualTo(first);
            assertThat(fixture.segments(live[0]))
                    .extracting(SegmentStored::getSequence)
                    .as("no fact claims the refused bytes are segment 0")
                    .doesNotContain(0L)
                    .contains(1L);
        }
    }

    @Test
    void aLiveAnotherInstanceEndedIsRefusedHereAndNothingIsStored() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, WINDOW)) {
            String[] live = fixture.scheduleLive();
            fixture.endedElsewhere(live[0], live[1]);

            HttpResponse<String> refused = put(fixture.url(live[1], "index0.ts"), SEGMENT);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("has ended");

            assertThat(fixture.ingest.pendingEntries(live[0]))
                    .as("nothing spooled")
                    .isZero();
            assertThat(fixture.objects(live[0])).as("nothing stored").isEmpty();
            assertThat(fixture.lifecycle(live[0]))
                    .extracting(Live::getType)
                    .as("not started again")
                    .containsExactly(LiveEventType.ENDED);
        }
    }

    @Test
    void anExplicitEndRecordsGapsEndsOnceAndRefusesFurtherPushes() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, WINDOW)) {
            String[] live = fixture.scheduleLive();

            assertThat(send("POST", fixture.url(live[1], "end"), new byte[0]).statusCode())
                    .as("not started yet")
                    .isEqualTo(409);
            assertThat(put(fixture.url(live[1], "index0.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            assertThat(put(fixture.url(live[1], "index2.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            assertThat(send("DELETE", fixture.url(live[1], "index0.ts"), new byte[0])
                            .statusCode())
                    .isEqualTo(204);
            assertThat(send("POST", fixture.url(live[1], "end"), new byte[0]).statusCode())
                    .isEqualTo(202);
            assertThat(send("POST", fixture.url(live[1], "end"), new byte[0]).statusCode())
                    .as("already ended")
                    .isEqualTo(403);
            assertThat(put(fixture.url(live[1], "index3.ts"), SEGMENT).statusCode())
                    .isEqualTo(403);

            Await.expect(
                    "ended",
                    IngestFixture.DEADLINE,
                    () -> fixture.lifecycle(live[0]).size() == 2);
            assertThat(fixture.lifecycle(live[0]))
                    .extracting(Live::getType)
                    .containsExactly(LiveEventType.STARTED, LiveEventType.ENDED);
            assertThat(fixture.lifecycle(live[0]).get(1).getEndReason()).isEqualTo(LiveEndReason.EXPLICIT);
            List<SegmentStored> segments = fixture.segments(live[0]);
            assertThat(segments)
                    .filteredOn(s -> s.getType() == SegmentEventType.STORED)
                    .extracting(SegmentStored::getSequence)
                    .containsExactly(0L, 2L);
            assertThat(segments)
                    .filteredOn(s -> s.getType() == SegmentEventType.GAP)
                    .singleElement()
                    .satisfies(gap -> {
                        assertThat(gap.getSequence()).isEqualTo(1);
                        assertThat(gap.getGapLength()).isEqualTo(1);
                    });
            assertThat(fixture.objects(live[0]))
                    .containsExactlyInAnyOrder(live[0] + "/00000000.ts", live[0] + "/00000002.ts");
        }
    }

    @Test
    void aReconnectInsideTheWindowContinuesWithADiscontinuityAndSilenceEndsTheLive() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(3))) {
            String[] live = fixture.scheduleLive();

            put(fixture.url(live[1], "index0.ts"), SEGMENT);
            put(fixture.url(live[1], "index1.ts"), SEGMENT);
            put(fixture.url(live[1], "index.m3u8"), playlist(0, 0, 1));
            // The encoder restarts and numbers from 0 again.
            put(fixture.url(live[1], "index0.ts"), SEGMENT);
            put(fixture.url(live[1], "index.m3u8"), playlist(0, 0));

            Await.expect(
                    "silence ended the live",
                    IngestFixture.DEADLINE,
                    () -> fixture.lifecycle(live[0]).size() == 2);
            assertThat(fixture.lifecycle(live[0]).get(1).getEndReason()).isEqualTo(LiveEndReason.RECONNECT_TIMEOUT);
            List<SegmentStored> segments = fixture.segments(live[0]);
            assertThat(segments).extracting(SegmentStored::getSequence).containsExactly(0L, 1L, 2L);
            assertThat(segments).extracting(SegmentStored::getDiscontinuity).containsExactly(false, false, true);
            assertThat(segments)
                    .extracting(SegmentStored::getDurationMicros)
                    .containsExactly(2_000_000L, 2_000_000L, 2_000_000L);
        }
    }

    @Test
    void aFullSpoolAnswers507AndKeepsWhatItHas() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, WINDOW, SEGMENT.length * 2L)) {
            String[] live = fixture.scheduleLive();
            fixture.stopS3(); // nothing leaves the spool

            assertThat(put(fixture.url(live[1], "index0.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            assertThat(put(fixture.url(live[1], "index1.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            HttpResponse<String> full = put(fixture.url(live[1], "index2.ts"), SEGMENT);
            assertThat(full.statusCode()).isEqualTo(507);
            assertThat(get(fixture, "/v1/ingest/status")).contains("\"spoolFullRejections\":1");

            fixture.startS3();
            Await.expect(
                    "spool delivered",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).size() == 2);
            assertThat(fixture.objects(live[0])).hasSize(2);
            try (var files = Files.list(fixture.config.spoolDir().resolve(live[0]))) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .allMatch(n -> n.equals("session.properties") || n.equals("playlist.m3u8"));
            }
        }
    }

    @Test
    void aRestartedIngestDeliversWhatItsSpoolHeld() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, WINDOW)) {
            String[] live = fixture.scheduleLive();
            fixture.stopS3();
            for (int i = 0; i < 3; i++) {
                assertThat(put(fixture.url(live[1], "index" + i + ".ts"), SEGMENT)
                                .statusCode())
                        .isEqualTo(201);
            }
            put(fixture.url(live[1], "index.m3u8"), playlist(0, 0, 1, 2));

            fixture.restartIngest();
            fixture.startS3();

            Await.expect(
                    "spool replayed",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).size() == 3);
            assertThat(fixture.segments(live[0]))
                    .extracting(SegmentStored::getSequence)
                    .containsExactly(0L, 1L, 2L);
            assertThat(fixture.segments(live[0]))
                    .extracting(SegmentStored::getDurationMicros)
                    .containsOnly(2_000_000L);
            assertThat(fixture.objects(live[0])).hasSize(3);
            // The session survived too: the next segment continues the live instead of starting it again.
            assertThat(put(fixture.url(live[1], "index3.ts"), SEGMENT).statusCode())
                    .isEqualTo(201);
            Await.expect(
                    "next segment",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).size() == 4);
            assertThat(fixture.lifecycle(live[0])).extracting(Live::getType).containsExactly(LiveEventType.STARTED);
        }
    }

    static byte[] playlist(long mediaSequence, long... sequences) {
        StringBuilder text = new StringBuilder(
                        "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:")
                .append(mediaSequence)
                .append('\n');
        for (long sequence : sequences) {
            text.append("#EXTINF:2.000000,\nindex").append(sequence).append(".ts\n");
        }
        return text.toString().getBytes();
    }

    /** The status of a request sent byte for byte, so no client normalizes its path first. */
    private static int rawStatus(IngestFixture fixture, String requestLine) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", fixture.ingest.port())) {
            socket.getOutputStream()
                    .write((requestLine
                                    + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String status = new BufferedReader(new InputStreamReader(socket.getInputStream())).readLine();
            return Integer.parseInt(status.split(" ")[1]);
        }
    }

    private HttpResponse<String> put(String url, byte[] body) throws Exception {
        return send("PUT", url, body);
    }

    private HttpResponse<String> send(String method, String url, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(url))
                        .method(method, HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private String get(IngestFixture fixture, String path) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + fixture.ingest.port() + path))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }
}
