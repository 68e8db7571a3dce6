package io.stagepass.ingest.rtmp;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.HealthVerdict;
import io.stagepass.events.Live;
import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamHealth;
import io.stagepass.events.StreamKeys;
import io.stagepass.ingest.IngestConfig;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.platform.lifecycle.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ffmpeg CLI streams over RTMP as OBS does ({@code -f flv rtmp://HOST:PORT/live/KEY}) into ingest with a real
 * broker and S3 server; hand-made bytes stand in for what ffmpeg will not send.
 */
class RtmpIngestIT {
    private static final int FPS = 25;
    private static final long FRAME_MICROS = 1_000_000 / FPS;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireFfmpeg() {
        FfmpegCli.assumeAvailable();
    }

    @Test
    void anObsStylePushIsStoredWholeAsH264AndAacSegmentsAndStoppingEndsTheLive() throws Exception {
        int seconds = 20;
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();

            Process ffmpeg = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1], seconds, false, List.of(), dir.resolve("ffmpeg.log"));
            assertFinished(ffmpeg, 0, dir.resolve("ffmpeg.log"));

            List<SegmentStored> segments = awaitEndedAndDelivered(fixture, live[0]);
            assertThat(segments).allMatch(s -> s.getContainer() == SegmentContainer.MPEG_TS);
            assertThat(segments)
                    .extracting(SegmentStored::getSequence)
                    .as("every segment once, no gaps")
                    .containsExactlyElementsOf(
                            LongStream.range(0, seconds / 2).boxed().toList());
            assertThat(segments).extracting(SegmentStored::getDiscontinuity).containsOnly(false);
            long total = segments.stream()
                    .mapToLong(SegmentStored::getDurationMicros)
                    .sum();
            assertThat(total)
                    .as("the durations add up to the pushed clip within one frame")
                    .isBetween(seconds * 1_000_000L - FRAME_MICROS, seconds * 1_000_000L + FRAME_MICROS);
            assertThat(segments)
                    .allSatisfy(s -> assertThat(s.getDurationMicros()).isEqualTo(2_000_000L));

            long videoFrames = 0;
            long audioFrames = 0;
            for (SegmentStored segment : segments) {
                Map<String, Long> packets = FfmpegCli.packetsByCodec(fixture.download(
                        segment.getObjectKey(), dir.resolve("segment" + segment.getSequence() + ".ts")));
                assertThat(packets.keySet())
                        .as("segment %d", segment.getSequence())
                        .containsExactly("aac", "h264");
                videoFrames += packets.get("h264");
                audioFrames += packets.get("aac");
            }
            assertThat(videoFrames).as("every video frame pushed is stored").isEqualTo((long) seconds * FPS);
            // 44.1 kHz in frames of 1024 samples; audio before the first keyframe belongs to no segment
            assertThat(audioFrames).isBetween(seconds * 44_100L / 1024 - 2, seconds * 44_100L / 1024 + 2);

            List<Live> lifecycle = fixture.lifecycle(live[0]);
            assertThat(lifecycle).extracting(Live::getType).containsExactly(LiveEventType.STARTED, LiveEventType.ENDED);
            assertThat(lifecycle.get(1).getEndReason()).isEqualTo(LiveEndReason.ENDLIST);

            // The live has ended: its key publishes nothing more.
            Process again = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1], 2, false, List.of(), dir.resolve("again.log"));
            assertRefused(again, dir.resolve("again.log"), "has ended");
        }
    }

    @Test
    void rtmpsWithASelfSignedCertificateIsTheSameIngest() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder(
                        "openssl",
                        "req",
                        "-x509",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-days",
                        "1",
                        "-subj",
                        "/CN=127.0.0.1",
                        "-keyout",
                        key.toString(),
                        "-out",
                        cert.toString())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("openssl.log").toFile())
                .start();
        assertThat(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0)
                .as("openssl made a certificate")
                .isTrue();
        IngestConfig.Rtmp rtmps = new IngestConfig.Rtmp(0, RtmpServer.Limits.defaults(), 0, cert, key);
        try (IngestFixture fixture = new IngestFixture(dir.resolve("ingest"), Duration.ofSeconds(60), rtmps)) {
            String[] live = fixture.scheduleLive();
            int port = fixture.ingest.rtmpsPort().orElseThrow();

            // ffmpeg does not verify the certificate by default (-tls_verify 0), as OBS accepts a self-signed one
            Process ffmpeg = FfmpegCli.pushRtmp(
                    "rtmps://127.0.0.1:" + port + "/live/" + live[1], 6, false, List.of(), dir.resolve("ffmpeg.log"));
            assertFinished(ffmpeg, 0, dir.resolve("ffmpeg.log"));

            List<SegmentStored> segments = awaitEndedAndDelivered(fixture, live[0]);
            assertThat(segments).extracting(SegmentStored::getSequence).containsExactly(0L, 1L, 2L);
            assertThat(segments.stream()
                            .mapToLong(SegmentStored::getDurationMicros)
                            .sum())
                    .isEqualTo(6_000_000L);

            try (RawPublisher plain = new RawPublisher(port)) { // plain RTMP on the TLS port is not a TLS hello
                plain.out.write(new byte[] {3});
                plain.out.write(new byte[Handshake.SIZE]);
                assertThat(plain.closedByServer()).isTrue();
            }
        }
    }

    @Test
    void aWrongOrRotatedKeyIsRefusedWithTheReason() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();

            Process wrong = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + StreamKeys.newKey(), 2, false, List.of(), dir.resolve("wrong.log"));
            assertRefused(wrong, dir.resolve("wrong.log"), "unknown or revoked stream key");

            fixture.rotateStreamKey(live[0], live[1]);
            Process rotated = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1], 2, false, List.of(), dir.resolve("rotated.log"));
            assertRefused(rotated, dir.resolve("rotated.log"), "unknown or revoked stream key");

            String[] endedElsewhere = fixture.scheduleLive();
            fixture.endedElsewhere(endedElsewhere[0], endedElsewhere[1]);
            Process ended = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + endedElsewhere[1], 2, false, List.of(), dir.resolve("ended.log"));
            assertRefused(ended, dir.resolve("ended.log"), "has ended");

            try (RawPublisher raw = new RawPublisher(fixture.ingest.rtmpPort())) {
                raw.handshake();
                assertThat(raw.publish("short")).isEqualTo("NetStream.Publish.BadName");
                assertThat(raw.closedByServer()).isTrue();
            }
            assertThat(fixture.segments(live[0])).isEmpty();
        }
    }

    @Test
    void codecsBrowsersCannotPlayAreRefusedWithWhatToSet() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();

            Process mp3 = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1],
                    4,
                    false,
                    List.of("-c:v", "libx264", "-preset", "ultrafast", "-c:a", "libmp3lame"),
                    dir.resolve("mp3.log"));
            assertRefused(mp3, dir.resolve("mp3.log"), "audio codec MP3 is not supported");
            StreamHealth refused = Await.expect(
                            "the refusal in the live's stream health",
                            IngestFixture.DEADLINE,
                            () -> fixture.health(live[0]),
                            facts -> !facts.isEmpty())
                    .get(0);
            assertThat(refused.getVerdict()).isEqualTo(HealthVerdict.POOR);
            assertThat(refused.getReasons())
                    .singleElement()
                    .asString()
                    .startsWith("refused: audio codec MP3 is not supported: set the encoder's audio to AAC");

            // HEVC over Enhanced RTMP, as OBS 30 sends it (ffmpeg 5's FLV muxer cannot)
            try (RawPublisher raw = new RawPublisher(fixture.ingest.rtmpPort())) {
                raw.handshake();
                assertThat(raw.publish(live[1])).isEqualTo("NetStream.Publish.Start");
                byte[] hevc = {(byte) 0x90, 'h', 'v', 'c', '1', 1, 0x64, 0, 0};
                raw.send(new Chunks().message(6, 0, RtmpMessage.VIDEO, 1, hevc, 128));
                List<Object> status = raw.awaitCommand("onStatus");
                assertThat(RawPublisher.statusCode(status)).isEqualTo("NetStream.Publish.Rejected");
                assertThat(RawPublisher.description(status)).contains("HEVC").contains("set the encoder to H.264");
                assertThat(raw.closedByServer()).isTrue();
            }
            assertThat(fixture.segments(live[0])).isEmpty();
        }
    }

    @Test
    void streamHealthIsPoorForKeyframesTenSecondsApartAndForNoAudioAndExcellentOtherwise() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] longGop = fixture.scheduleLive();
            String[] noAudio = fixture.scheduleLive();
            String[] good = fixture.scheduleLive();
            List<String> x264 = List.of("-c:v", "libx264", "-preset", "ultrafast", "-sc_threshold", "0");
            Process tenSeconds = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + longGop[1],
                    30,
                    false,
                    concat(x264, List.of("-g", "250", "-keyint_min", "250", "-c:a", "aac")),
                    dir.resolve("gop.log"));
            Process silent = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + noAudio[1],
                    10,
                    false,
                    concat(x264, List.of("-g", "50", "-keyint_min", "50", "-an")),
                    dir.resolve("silent.log"));
            Process honest = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + good[1], 10, false, List.of(), dir.resolve("good.log"));
            assertFinished(tenSeconds, 0, dir.resolve("gop.log"));
            assertFinished(silent, 0, dir.resolve("silent.log"));
            assertFinished(honest, 0, dir.resolve("good.log"));

            StreamHealth gop = measured(fixture, longGop[0], 3);
            assertThat(gop.getVerdict()).isEqualTo(HealthVerdict.POOR);
            assertThat(gop.getKeyframeIntervalMillis()).isBetween(9_900L, 10_100L);
            assertThat(gop.getReasons())
                    .containsExactly(
                            "keyframe interval 10 s: set it to 2 s (OBS: Settings → Output → Keyframe Interval 2)");
            assertThat(gop.getProtocol()).isEqualTo("rtmp");

            StreamHealth mute = measured(fixture, noAudio[0], 5);
            assertThat(mute.getVerdict()).isEqualTo(HealthVerdict.POOR);
            assertThat(mute.getAudioCodec()).isNull();
            assertThat(mute.getReasons()).singleElement().asString().startsWith("no audio:");

            StreamHealth fine = measured(fixture, good[0], 5);
            assertThat(fine.getReasons()).isEmpty();
            assertThat(fine.getVerdict()).isEqualTo(HealthVerdict.EXCELLENT);
            assertThat(fine.getVideoCodec()).isEqualTo("h264");
            assertThat(fine.getWidth()).isEqualTo(320);
            assertThat(fine.getHeight()).isEqualTo(180);
            assertThat(fine.getFramesPerSecondX100()).isEqualTo(2500);
            assertThat(fine.getKeyframeIntervalMillis()).isEqualTo(2_000L);
            assertThat(fine.getAudioCodec()).isEqualTo("aac");
            assertThat(fine.getAudioSampleRate()).isEqualTo(44_100);
        }
    }

    /** The first health fact of a live that measured all of its {@code segments}. */
    private static StreamHealth measured(IngestFixture fixture, String liveId, int segments) throws Exception {
        return Await.expect(
                        "stream health of " + segments + " segments of live " + liveId,
                        IngestFixture.DEADLINE,
                        () -> fixture.health(liveId),
                        facts -> facts.stream().anyMatch(f -> f.getSegments() == segments))
                .stream()
                .filter(f -> f.getSegments() == segments)
                .findFirst()
                .orElseThrow();
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void aPublisherThatComesBackContinuesTheLiveAfterADiscontinuity() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();
            String url = fixture.rtmpServer() + "/" + live[1];

            Process first = FfmpegCli.pushRtmp(url, 30, true, List.of(), dir.resolve("first.log"));
            Await.expect(
                    "two segments of the first connection",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).size() >= 2);
            first.destroyForcibly(); // kill -9: no FCUnpublish, the live stays open
            first.waitFor(30, TimeUnit.SECONDS);
            Await.expect(
                    "the first connection closed", IngestFixture.DEADLINE, () -> fixture.ingest.rtmpConnections() == 0);
            Await.expect(
                    "the cut-off segment of the first connection stored",
                    IngestFixture.DEADLINE,
                    () -> fixture.ingest.pendingEntries(live[0]) == 0
                            && fixture.segments(live[0]).size() >= 3);
            int firstConnection = fixture.segments(live[0]).size();

            Process second = FfmpegCli.pushRtmp(url, 4, false, List.of(), dir.resolve("second.log"));
            assertFinished(second, 0, dir.resolve("second.log"));

            List<SegmentStored> segments = awaitEndedAndDelivered(fixture, live[0]);
            assertThat(segments)
                    .extracting(SegmentStored::getSequence)
                    .containsExactlyElementsOf(
                            LongStream.range(0, firstConnection + 2).boxed().toList());
            assertThat(segments.stream().filter(SegmentStored::getDiscontinuity).map(SegmentStored::getSequence))
                    .as("one discontinuity, where the publisher came back")
                    .containsExactly((long) firstConnection);
            assertThat(fixture.lifecycle(live[0]))
                    .extracting(Live::getType)
                    .containsExactly(LiveEventType.STARTED, LiveEventType.ENDED);
        }
    }

    @Test
    void aKilledPublisherLeavesALiveThatEndsAfterTheReconnectWindowWithEverySegment() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(6))) {
            String[] live = fixture.scheduleLive();

            Process ffmpeg = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1], 30, true, List.of(), dir.resolve("ffmpeg.log"));
            Await.expect(
                    "three segments stored",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).size() >= 3);
            ffmpeg.destroyForcibly();
            ffmpeg.waitFor(30, TimeUnit.SECONDS);

            Await.expect(
                    "the live ended",
                    IngestFixture.DEADLINE,
                    () -> fixture.lifecycle(live[0]).stream().anyMatch(l -> l.getType() == LiveEventType.ENDED));
            Live ended = fixture.lifecycle(live[0]).get(1);
            assertThat(ended.getEndReason()).isEqualTo(LiveEndReason.RECONNECT_TIMEOUT);
            List<SegmentStored> segments = awaitEndedAndDelivered(fixture, live[0]);
            assertThat(segments.size()).isGreaterThanOrEqualTo(3);
            assertThat(segments)
                    .extracting(SegmentStored::getSequence)
                    .containsExactlyElementsOf(
                            LongStream.range(0, segments.size()).boxed().toList());
            assertThat(segments).allMatch(s -> s.getType() == io.stagepass.events.SegmentEventType.STORED);
        }
    }

    @Test
    void hostileBytesCloseTheirConnectionAndLeaveOtherPublishersAlone() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();
            int port = fixture.ingest.rtmpPort();
            Process honest = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1], 60, true, List.of(), dir.resolve("honest.log"));
            Await.expect(
                    "the honest publisher's first segment",
                    IngestFixture.DEADLINE,
                    () -> !fixture.segments(live[0]).isEmpty());

            try (RawPublisher http = new RawPublisher(port)) { // not RTMP at all
                http.out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                assertThat(http.closedByServer()).as("garbage handshake").isTrue();
            }
            try (RawPublisher huge = new RawPublisher(port)) {
                huge.handshake();
                huge.send(new Chunks()
                        .full(2, 0, 4, RtmpMessage.SET_CHUNK_SIZE, 0)
                        .u32(0x8000_0000L));
                assertThat(huge.closedByServer()).as("a chunk size of 2^31").isTrue();
            }
            try (RawPublisher truncated = new RawPublisher(port)) {
                truncated.handshake();
                byte[] amf = {
                    2, 0, 7, 'c', 'o', 'n', 'n', 'e', 'c', 't', 0, 0x3f, (byte) 0xf0, 0, 0, 0, 0, 0, 0, 3, 0, 3, 'a'
                };
                truncated.send(new Chunks().message(3, 0, RtmpMessage.COMMAND_AMF0, 0, amf, 128));
                assertThat(truncated.closedByServer()).as("truncated AMF").isTrue();
            }
            try (RawPublisher large = new RawPublisher(port)) {
                large.handshake();
                large.send(
                        new Chunks().full(6, 0, 0xFFFFFF, RtmpMessage.VIDEO, 1).bytes(new byte[128]));
                assertThat(large.closedByServer()).as("a 16 MiB message").isTrue();
            }
            try (RawPublisher silent = new RawPublisher(port)) {
                silent.handshake(); // then nothing: no publish within the deadline
                assertThat(silent.closedByServer())
                        .as("a connection that never publishes")
                        .isTrue();
            }
            int before = fixture.segments(live[0]).size();
            Await.expect(
                    "the honest publisher goes on storing segments",
                    IngestFixture.DEADLINE,
                    () -> fixture.segments(live[0]).size() > before);
            try (RawPublisher deaf = new RawPublisher(port)) {
                deaf.handshake();
                assertThat(deaf.publish(live[1]))
                        .as("a second publisher of the live takes over")
                        .isEqualTo("NetStream.Publish.Start");
                deaf.socket.close();
            }

            assertFinished(
                    honest,
                    -1,
                    dir.resolve(
                            "honest.log")); // taken over by the deaf publisher above: ffmpeg's connection was closed
            Process again = FfmpegCli.pushRtmp(
                    fixture.rtmpServer() + "/" + live[1], 4, false, List.of(), dir.resolve("again.log"));
            assertFinished(again, 0, dir.resolve("again.log"));
            List<SegmentStored> segments = awaitEndedAndDelivered(fixture, live[0]);
            assertThat(segments)
                    .extracting(SegmentStored::getSequence)
                    .containsExactlyElementsOf(
                            LongStream.range(0, segments.size()).boxed().toList());
            Await.expect(
                    "no connection left open", Duration.ofSeconds(30), () -> fixture.ingest.rtmpConnections() == 0);
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES) // a write that blocks for good would otherwise hang the build
    void aPublisherThatStopsReadingIsClosed() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();
            try (RawPublisher deaf = new RawPublisher(fixture.ingest.rtmpPort())) {
                deaf.handshake();
                assertThat(deaf.publish(live[1])).isEqualTo("NetStream.Publish.Start");
                // createStream is answered every time; never reading the answers fills the server's send buffer
                byte[] ask = new Chunks()
                        .message(3, 0, RtmpMessage.COMMAND_AMF0, 0, Amf0.encode("createStream", 9.0, null), 128)
                        .toByteArray();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
                boolean closed = false;
                while (!closed && System.nanoTime() < deadline) {
                    try {
                        deaf.out.write(ask);
                    } catch (java.io.IOException e) {
                        closed = true; // reset by the server
                    }
                }
                assertThat(closed)
                        .as("the server closed a publisher that stopped reading")
                        .isTrue();
            }
            Await.expect(
                    "no connection left open", Duration.ofSeconds(30), () -> fixture.ingest.rtmpConnections() == 0);
        }
    }

    private static void assertFinished(Process ffmpeg, int exitStatus, Path log) throws Exception {
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).as("ffmpeg finished").isTrue();
        if (exitStatus >= 0) {
            assertThat(ffmpeg.exitValue())
                    .as("ffmpeg exit status; its log: %s", Files.readString(log))
                    .isEqualTo(exitStatus);
        }
    }

    private static void assertRefused(Process ffmpeg, Path log, String reason) throws Exception {
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).as("ffmpeg gave up").isTrue();
        assertThat(ffmpeg.exitValue()).as("ffmpeg exit status").isNotZero();
        assertThat(Files.readString(log)).as("what ffmpeg shows").contains(reason);
    }

    /** Waits until the live ended and every segment fact matches a stored object; returns them by sequence. */
    private static List<SegmentStored> awaitEndedAndDelivered(IngestFixture fixture, String liveId) throws Exception {
        Await.expect(
                "live ended and delivered",
                IngestFixture.DEADLINE,
                () -> fixture.lifecycle(liveId).stream().anyMatch(l -> l.getType() == LiveEventType.ENDED)
                        && fixture.ingest.pendingEntries(liveId) == 0
                        && fixture.segments(liveId).size()
                                == fixture.objects(liveId).size());
        return fixture.segments(liveId).stream()
                .sorted(Comparator.comparingLong(SegmentStored::getSequence))
                .toList();
    }
}
