package io.stagepass.jobs.clips;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Clip;
import io.stagepass.events.ClipStatus;
import io.stagepass.events.ClipVisibility;
import io.stagepass.events.EventCodec;
import io.stagepass.events.Ids;
import io.stagepass.events.Topic;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.kafka.TopicReader;
import io.stagepass.platform.lifecycle.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs worker cuts the clips creators ask for out of a live's stored segments, on the embedded stack. */
class ClipsIT {
    /** The generated lives' keyframe interval in these tests: a GOP. */
    private static final long GOP_MILLIS = 1_000;

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

    /** 640x360 at 25 fps, a keyframe every second: two in each 2 s segment. */
    private static GeneratedLive.Spec everySecond(int seconds) {
        return new GeneratedLive.Spec(640, 360, 25, Duration.ofSeconds(seconds), 1, 1_000_000, 96_000);
    }

    @Test
    void aClipOfAStreamingLiveIsTheMarkedSpanFromTheKeyframeBeforeItsStartWithoutReencoding() throws Exception {
        FfmpegCli.assumeAvailable();
        ReplayFixture.LiveBuilder live = fixture.live(fixture.media("ts", false, everySecond(20)), false);
        String liveId = live.start(); // still streaming

        Clip ready = cut(liveId, 5_300, 13_100);

        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ClipStatus.READY);
        assertThat(ready.getClipStartMillis())
                .as("the keyframe at or before 5.3 s")
                .isEqualTo(5_000);
        assertThat(ready.getObjectKey()).isEqualTo(liveId + "/clips/" + ready.getClipId() + ".mp4");
        assertThat(ready.getWidth()).isEqualTo(640);
        assertThat(ready.getHeight()).isEqualTo(360);
        Path mp4 = download(ready);
        assertThat(Files.size(mp4)).isEqualTo(ready.getByteSize());
        assertThat(FfmpegCli.probeWarnings(mp4)).as("ffprobe on the clip").isEmpty();
        long marked = ready.getEndMillis() - ready.getStartMillis();
        long length = probedMillis(mp4);
        System.out.printf(
                "clip: marked 5.300-13.100 s (%d ms), cut from the keyframe at %d ms: %d ms, %d bytes%n",
                marked, ready.getClipStartMillis(), length, ready.getByteSize());
        assertThat(length).as("the marked span within one GOP").isBetween(marked - 40, marked + GOP_MILLIS + 40);
        assertThat(Math.abs(ready.getDurationMillis() - length)).isLessThan(50);
        Map<String, Long> packets = FfmpegCli.packetsByCodec(mp4);
        assertThat(packets.get("h264"))
                .as("every picture from 5.0 s to 13.1 s, copied: 25 per second")
                .isBetween(201L, 203L);
        assertThat(packets).containsKey("aac");
        assertThat(moovBeforeMdat(mp4)).as("faststart: the index first").isTrue();

        // The same request again (a redelivery, say) changes nothing; the same span cut again gives the same bytes.
        byte[] first = Files.readAllBytes(mp4);
        Clip again = cut(liveId, 5_300, 13_100);
        assertThat(Files.readAllBytes(download(again))).isEqualTo(first);

        // Its creator takes it down: the worker deletes the MP4.
        fixture.publisher
                .publish(
                        Topic.CLIPS,
                        again.getClipId(),
                        Clip.newBuilder(again)
                                .setEventId(Ids.newEventId())
                                .setType(ClipStatus.DELETED)
                                .build())
                .get(30, TimeUnit.SECONDS);
        Await.expect("the deleted clip's MP4 gone", ReplayFixture.DEADLINE, () -> {
            try {
                fixture.replayObject(again.getObjectKey());
                return false;
            } catch (io.minio.errors.ErrorResponseException e) {
                return "NoSuchKey".equals(e.errorResponse().code());
            }
        });
        assertThat(fixture.replayObject(ready.getObjectKey()))
                .as("the other clip stays")
                .isEqualTo(first);
    }

    @Test
    void anFmp4LiveIsCutThroughItsInitSection() throws Exception {
        FfmpegCli.assumeAvailable();
        String liveId = fixture.live(fixture.media("fmp4", 12, true), true).publish();

        Clip ready = cut(liveId, 2_000, 9_000);

        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ClipStatus.READY);
        assertThat(ready.getClipStartMillis()).isEqualTo(2_000);
        Path mp4 = download(ready);
        assertThat(FfmpegCli.probeWarnings(mp4)).isEmpty();
        assertThat(probedMillis(mp4)).isBetween(6_960L, 7_100L);
    }

    @Test
    void aSpanPastTheStoredMediaOrAcrossAChangeOfSettingsFailsWithTheReason() throws Exception {
        String short_ = fixture.live(fixture.media("short", 6, false), false).start();
        Clip late = cut(short_, 4_000, 9_000);
        assertThat(late.getType()).isEqualTo(ClipStatus.FAILED);
        assertThat(late.getError())
                .isEqualTo("the span ends at 0:09.000 but the live's media stored so far ends at 0:06.000");

        Path media = fixture.media(
                "reconnect",
                GeneratedLive.Spec.demo(Duration.ofSeconds(4)),
                GeneratedLive.Spec.hd(Duration.ofSeconds(4)));
        String reconnected = fixture.live(media, false).reconnectAt(2).start();
        Clip across = cut(reconnected, 1_000, 7_000);
        assertThat(across.getType()).isEqualTo(ClipStatus.FAILED);
        assertThat(across.getError())
                .contains("crosses a reconnect with other stream settings")
                .contains("1280x720");
        Clip after = cut(reconnected, 4_500, 7_500);
        assertThat(after.getType()).as(String.valueOf(after.getError())).isEqualTo(ClipStatus.READY);
        assertThat(after.getWidth()).isEqualTo(1280);
    }

    /** Asks for a clip as the replay API does and waits for the worker's answer. */
    private static Clip cut(String liveId, long startMillis, long endMillis) throws Exception {
        Clip requested = Clip.newBuilder()
                .setEventId(Ids.newEventId())
                .setOccurredAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .setType(ClipStatus.REQUESTED)
                .setClipId(Ids.newId("clip"))
                .setLiveId(liveId)
                .setCreatorId("creator_fixture")
                .setTitle("The best part")
                .setVisibility(ClipVisibility.PUBLIC)
                .setStartMillis(startMillis)
                .setEndMillis(endMillis)
                .setRequestedAt(Instant.now().truncatedTo(ChronoUnit.MILLIS))
                .build();
        fixture.publisher.publish(Topic.CLIPS, requested.getClipId(), requested).get(30, TimeUnit.SECONDS);
        return Await.expect(
                        "clip " + requested.getClipId() + " READY or FAILED",
                        ReplayFixture.DEADLINE,
                        () -> clips(requested.getClipId()),
                        list -> list.stream().anyMatch(c -> c.getType() != ClipStatus.REQUESTED))
                .stream()
                .filter(c -> c.getType() != ClipStatus.REQUESTED)
                .findFirst()
                .orElseThrow();
    }

    private static List<Clip> clips(String clipId) {
        EventCodec<Clip> codec = EventCodec.of(Clip.class);
        try (TopicReader reader = new TopicReader(fixture.kafka.settings())) {
            return reader.readFrom(Topic.CLIPS, Map.of(), Duration.ofSeconds(30)).stream()
                    .filter(r -> clipId.equals(r.key()))
                    .map(r -> codec.decode(r.value()))
                    .toList();
        }
    }

    private static Path download(Clip ready) throws Exception {
        Path file = dir.resolve(ready.getClipId() + ".mp4");
        Files.write(file, fixture.replayObject(ready.getObjectKey()));
        return file;
    }

    private static long probedMillis(Path file) throws Exception {
        Process probe = new ProcessBuilder(
                        "ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", file.toString())
                .start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        probe.waitFor();
        return Math.round(Double.parseDouble(out) * 1000);
    }

    /** Whether the MP4's moov box comes before its mdat. */
    private static boolean moovBeforeMdat(Path file) throws Exception {
        String head = new String(Files.readAllBytes(file), 0, 4096, StandardCharsets.ISO_8859_1);
        return head.contains("moov") && (!head.contains("mdat") || head.indexOf("moov") < head.indexOf("mdat"));
    }
}
