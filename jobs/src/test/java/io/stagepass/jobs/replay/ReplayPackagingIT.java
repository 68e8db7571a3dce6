package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.media.GeneratedLive;
import io.stagepass.media.MediaProbe;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.bytedeco.javacpp.Loader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs worker turns ended lives into replays: the package, gaps and bad segments, redelivered facts. */
class ReplayPackagingIT {
    private static final int SECONDS = 20;
    private static final long SEGMENT_MICROS = 2_000_000;

    @TempDir
    static Path dir;

    static ReplayFixture fixture;

    @BeforeAll
    static void start() throws Exception {
        fixture = new ReplayFixture(dir);
        fixture.startWorker();
    }

    @AfterAll
    static void stop() throws Exception {
        fixture.close();
    }

    @Test
    void anEndedLiveBecomesAReadyReplayWithEveryPartOfThePackage() throws Exception {
        String liveId = fixture.live(fixture.media("ts", SECONDS, false), false).publish();

        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertPackage(ready, SECONDS);
        assertThat(ready.getGaps()).isEmpty();
        assertThat(ready.getSkipped()).isEmpty();
        assertThat(ready.getDiscontinuities()).isEmpty();
        List<ReplayStatus> statuses = fixture.statuses(liveId);
        assertThat(statuses.get(0).getType()).isEqualTo(ReplayEventType.PACKAGING);
        assertThat(statuses)
                .filteredOn(s -> s.getType() == ReplayEventType.PROGRESS)
                .isNotEmpty()
                .allSatisfy(p -> assertThat(p.getStage()).isNotBlank());
        assertThat(Loader.getLoadedLibraries().keySet()).noneMatch(name -> name.contains("avdevice"));
    }

    @Test
    void fragmentedMp4InputIsPackagedToo() throws Exception {
        String liveId = fixture.live(fixture.media("fmp4", SECONDS, true), true).publish();

        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertPackage(ready, SECONDS);
    }

    @Test
    void aMissingACorruptAndAnUnreadableSegmentEachBecomeADiscontinuityNotAFailure() throws Exception {
        byte[] garbage = new byte[4096];
        new Random(1).nextBytes(garbage);
        String liveId = fixture.live(fixture.media("gaps", SECONDS, false), false)
                .drop(2)
                .corruptStored(5, "not the bytes ingest stored".getBytes(StandardCharsets.UTF_8))
                .garbageFromEncoder(7, garbage)
                .publish();

        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertThat(ready.getGaps()).singleElement().satisfies(gap -> {
            assertThat(gap.getSequence()).isEqualTo(2);
            assertThat(gap.getLength()).isEqualTo(1);
        });
        assertThat(ready.getSkipped()).extracting(s -> s.getSequence()).containsExactly(5L, 7L);
        assertThat(ready.getSkipped().get(0).getReason()).contains("SHA-256");
        assertThat(ready.getSkipped().get(1).getReason()).contains("FFmpeg cannot read it");
        assertThat(ready.getDiscontinuities()).containsExactly(3L, 6L, 8L);
        assertThat(ready.getSegments()).isEqualTo(SECONDS / 2 - 3);
        String media = new String(fixture.replayObject(ready.getMediaPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(media.lines().filter("#EXT-X-DISCONTINUITY"::equals)).hasSize(3);
        assertThat(totalMicros(media)).isCloseTo((SECONDS / 2 - 3) * SEGMENT_MICROS, Offset.offset(40_000L));
    }

    @Test
    void aReconnectWithAnotherResolutionKeepsTheHlsWholeAndTheDownloadPlayable() throws Exception {
        // 10 s at 640x360, then the encoder reconnects at 1280x720 for 6 s.
        Path media = fixture.media(
                "reconnect",
                GeneratedLive.Spec.demo(Duration.ofSeconds(10)),
                GeneratedLive.Spec.hd(Duration.ofSeconds(6)));
        String liveId =
                fixture.live(media, false).reconnectAt(5).lowRendition(false).publish();

        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertThat(ready.getDiscontinuities()).containsExactly(5L);
        String playlist = new String(fixture.replayObject(ready.getMediaPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(playlist)
                .contains("#EXT-X-MAP:URI=\"media-0.mp4\"")
                .contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"media-1.mp4\"");
        assertThat(totalMicros(playlist)).isCloseTo(16_000_000L, Offset.offset(80_000L));

        Path local = fixture.download(ready);
        Path download = local.resolve("download.mp4");
        if (FfmpegCli.available()) {
            // (Not ffprobe on the HLS: FFmpeg's HLS reader does not restart its clock at a discontinuity, as hls.js and
            // Safari do, and reports the second stretch's timestamps as out of order.)
            assertThat(FfmpegCli.probeWarnings(download))
                    .as("ffprobe on the download")
                    .isEmpty();
        }
        // The download holds the stretch with the first stream parameters (an MP4 track has one): 10 s at 640x360.
        assertThat(MediaProbe.streams(download.toString()))
                .filteredOn(stream -> stream.codec().equals("h264"))
                .singleElement()
                .satisfies(stream ->
                        assertThat(stream.width() + "x" + stream.height()).isEqualTo("640x360"));
        assertThat(FfmpegCli.available() ? FfmpegCli.packetsByCodec(download).get("h264") : 250L)
                .as("the first 10 s of pictures, none of the 720p ones")
                .isEqualTo(250L);
    }

    @Test
    void aRedeliveredEndedGivesNoSecondReady() throws Exception {
        ReplayFixture.LiveBuilder live = fixture.live(fixture.media("twice", 10, false), false);
        String liveId = live.publish();
        ReplayStatus first = fixture.awaitFinal(liveId);
        assertThat(first.getType()).isEqualTo(ReplayEventType.READY);

        live.republishEnded();
        // The worker handles the redelivered fact after it: once a later live is READY, the redelivery was handled.
        String later =
                fixture.live(fixture.media("after-twice", 4, false), false).publish();
        assertThat(fixture.awaitFinal(later).getType()).isEqualTo(ReplayEventType.READY);
        assertThat(fixture.statuses(liveId))
                .filteredOn(s -> s.getType() == ReplayEventType.READY)
                .hasSize(1);
    }

    /** What every READY package holds, checked in its bytes. */
    private static void assertPackage(ReplayStatus ready, int seconds) throws Exception {
        String prefix = ready.getLiveId() + "/v" + ready.getVersion() + "/";
        assertThat(ready.getVersion()).isEqualTo(1);
        assertThat(ready.getServedVersion()).isEqualTo(1);
        assertThat(ready.getObjects())
                .extracting(o -> o.getKey())
                .allMatch(key -> key.startsWith(prefix))
                .contains(
                        prefix + "master.m3u8",
                        prefix + "media.m3u8",
                        prefix + "download.mp4",
                        prefix + "poster.jpg",
                        prefix + "thumbnails.vtt",
                        prefix + "sprite-0.jpg");
        assertThat(ready.getSpriteKeys()).containsExactly(prefix + "sprite-0.jpg");
        assertThat(ready.getSizeBytes())
                .isEqualTo(ready.getObjects().stream()
                        .mapToLong(o -> o.getSizeBytes())
                        .sum());
        assertThat(ready.getDurationMillis()).isBetween(seconds * 1000L - 40, seconds * 1000L + 40);

        String master = new String(fixture.replayObject(ready.getPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(master)
                .contains("#EXT-X-STREAM-INF:")
                .contains("CODECS=\"avc1.")
                .contains(",mp4a.40.2\"")
                .contains("RESOLUTION=640x360")
                .contains("media.m3u8");
        String media = new String(fixture.replayObject(ready.getMediaPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(media)
                .contains("#EXT-X-PLAYLIST-TYPE:VOD")
                .endsWith("#EXT-X-ENDLIST\n")
                .contains("#EXT-X-MAP:URI=\"media-0.mp4\"");
        long target = Long.parseLong(media.lines()
                .filter(l -> l.startsWith("#EXT-X-TARGETDURATION:"))
                .findFirst()
                .orElseThrow()
                .substring(22));
        List<Long> durations = durations(media);
        assertThat(durations).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(target * 1_000_000));
        assertThat(durations)
                .hasSizeGreaterThanOrEqualTo(seconds / 6)
                .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(6_000_000));
        assertThat(totalMicros(media))
                .as("within a frame of the source")
                .isCloseTo(seconds * 1_000_000L, Offset.offset(40_000L));

        Path local = fixture.download(ready);
        assertThat(topLevelBoxes(Files.readAllBytes(local.resolve("download.mp4"))))
                .as("faststart: moov before mdat")
                .containsSubsequence("moov", "mdat");
        assertThat(MediaProbe.streams(local.resolve("download.mp4").toString()))
                .extracting(MediaProbe.Stream::codec)
                .containsExactlyInAnyOrder("h264", "aac");
        assertThat(MediaProbe.streams(local.resolve("poster.jpg").toString()))
                .extracting(MediaProbe.Stream::codec)
                .containsExactly("mjpeg");
        assertThat(MediaProbe.streams(local.resolve("sprite-0.jpg").toString()))
                .extracting(MediaProbe.Stream::codec)
                .containsExactly("mjpeg");
        String vtt = Files.readString(local.resolve("thumbnails.vtt"));
        assertThat(vtt)
                .startsWith("WEBVTT")
                .contains("sprite-0.jpg#xywh=0,0,160,90")
                .contains("00:00:00.000 --> ");
        String lastCueEnd = vtt.lines()
                .filter(l -> l.contains(" --> "))
                .reduce((a, b) -> b)
                .orElseThrow()
                .split(" --> ")[1];
        assertThat(Playlists.timestamp(ready.getDurationMillis() * 1000))
                .as("the cues cover the replay")
                .isEqualTo(lastCueEnd);
    }

    static List<Long> durations(String media) {
        return media.lines()
                .filter(l -> l.startsWith("#EXTINF:"))
                .map(l -> new BigDecimal(l.substring(8, l.indexOf(',')))
                        .movePointRight(6)
                        .longValue())
                .toList();
    }

    static long totalMicros(String media) {
        return durations(media).stream().mapToLong(Long::longValue).sum();
    }

    /** The types of an MP4's top-level boxes, in file order. */
    static List<String> topLevelBoxes(byte[] mp4) {
        List<String> boxes = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(mp4);
        while (buffer.remaining() >= 8) {
            int start = buffer.position();
            long size = Integer.toUnsignedLong(buffer.getInt());
            String type = new String(mp4, start + 4, 4, StandardCharsets.US_ASCII);
            if (size == 1) {
                size = buffer.getLong(start + 8);
            }
            boxes.add(type);
            if (size < 8 || start + size > mp4.length) {
                break;
            }
            buffer.position((int) (start + size));
        }
        return boxes;
    }
}
