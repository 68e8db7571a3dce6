package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Live;
import io.stagepass.events.LiveEndReason;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentEventType;
import io.stagepass.events.SegmentStored;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.platform.lifecycle.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real ffmpeg CLI pushes a 60 s test clip (testsrc2 + sine) as HLS over HTTP PUT, in MPEG-TS and in fMP4.
 * Without -re the encoder runs faster than real time, so uploads overlap and playlists can arrive out of order.
 */
class FfmpegPushIT {
    private static final int CLIP_SECONDS = 60;
    /** EXTINF durations are rounded by ffmpeg; the sum may differ from the clip by a frame or two. */
    private static final long TOLERANCE_MICROS = 100_000;

    @TempDir
    Path dir;

    @BeforeAll
    static void requireFfmpeg() {
        FfmpegCli.assumeAvailable();
    }

    @Test
    void mpegTsPushArrivesWholeOnceAndEndsOnce() throws Exception {
        pushAndCheck(List.of(), SegmentContainer.MPEG_TS);
    }

    @Test
    void fmp4PushArrivesWholeOnceAndEndsOnce() throws Exception {
        pushAndCheck(List.of("-hls_segment_type", "fmp4"), SegmentContainer.FMP4);
    }

    private void pushAndCheck(List<String> extra, SegmentContainer container) throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            String[] live = fixture.scheduleLive();
            Process ffmpeg = FfmpegCli.push(
                    fixture.url(live[1], "index.m3u8"), CLIP_SECONDS, false, extra, dir.resolve("ffmpeg.log"));
            assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS))
                    .as("ffmpeg finished")
                    .isTrue();
            assertThat(ffmpeg.exitValue()).as("ffmpeg exit status").isZero();

            Await.expect(
                    "live ended",
                    IngestFixture.DEADLINE,
                    () -> fixture.lifecycle(live[0]).stream().anyMatch(l -> l.getType() == LiveEventType.ENDED));
            Await.expect(
                    "spool drained",
                    IngestFixture.DEADLINE,
                    () -> fixture.ingest.sender().deliveredCount() > 0
                            && fixture.segments(live[0]).stream()
                                            .filter(s -> s.getContainer() == container)
                                            .count()
                                    == fixture.objects(live[0]).stream()
                                            .filter(k -> !k.contains("/init-"))
                                            .count());

            List<SegmentStored> segments = fixture.segments(live[0]).stream()
                    .filter(s -> s.getContainer() == container)
                    .toList();
            List<Long> sequences =
                    segments.stream().map(SegmentStored::getSequence).sorted().toList();
            // A keyframe every 2 s and -hls_time 2: exactly one segment per 2 s of clip.
            assertThat(segments).hasSize(CLIP_SECONDS / 2);
            assertThat(sequences)
                    .as("every segment once, no gaps")
                    .doesNotHaveDuplicates()
                    .isEqualTo(LongStream.range(0, sequences.size()).boxed().toList());
            assertThat(segments).allMatch(s -> s.getType() == SegmentEventType.STORED && s.getDurationMicros() != null);
            long total = segments.stream()
                    .mapToLong(SegmentStored::getDurationMicros)
                    .sum();
            assertThat(total)
                    .as("segment durations add up to the clip")
                    .isBetween(
                            CLIP_SECONDS * 1_000_000L - TOLERANCE_MICROS, CLIP_SECONDS * 1_000_000L + TOLERANCE_MICROS);

            List<String> objects = fixture.objects(live[0]);
            List<String> expectedKeys = new ArrayList<>(
                    segments.stream().map(SegmentStored::getObjectKey).toList());
            if (container == SegmentContainer.FMP4) {
                List<String> initKeys = fixture.segments(live[0]).stream()
                        .filter(s -> s.getContainer() == SegmentContainer.FMP4_INIT)
                        .map(SegmentStored::getObjectKey)
                        .distinct()
                        .toList();
                assertThat(initKeys)
                        .as("one init section, however often it was sent")
                        .hasSize(1);
                expectedKeys.addAll(initKeys);
            }
            assertThat(objects)
                    .as("every segment in the object store once")
                    .containsExactlyInAnyOrderElementsOf(expectedKeys);

            // Without -re uploads overlap and playlists arrive out of order; the one last by media sequence wins.
            Playlist stored = Playlist.parse(
                    Files.readString(fixture.config.spoolDir().resolve(live[0]).resolve("playlist.m3u8")));
            assertThat(stored.ended()).as("stored playlist is the final one").isTrue();
            assertThat(stored.lastSequence()).isEqualTo(CLIP_SECONDS / 2 - 1);

            List<Live> lifecycle = fixture.lifecycle(live[0]);
            assertThat(lifecycle).extracting(Live::getType).containsExactly(LiveEventType.STARTED, LiveEventType.ENDED);
            assertThat(lifecycle.get(1).getEndReason()).isEqualTo(LiveEndReason.ENDLIST);
        }
    }
}
