package io.stagepass.ingest.hls;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.Live;
import io.stagepass.events.LiveEventType;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentStored;
import io.stagepass.ingest.IngestFixture;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.platform.lifecycle.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The object store or Kafka goes away in the middle of a real-time push. The encoder never notices (it never
 * reads answers), ingest keeps spooling, and once the service is back every segment arrives, none twice.
 */
class OutageIT {
    private static final int CLIP_SECONDS = 24;
    private static final Duration OUTAGE_START = Duration.ofSeconds(5);
    private static final Duration OUTAGE_LENGTH = Duration.ofSeconds(8);

    @TempDir
    Path dir;

    @BeforeAll
    static void requireFfmpeg() {
        FfmpegCli.assumeAvailable();
    }

    @Test
    void objectStoreOutageLosesNothing() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            pushThrough(fixture, fixture::stopS3, fixture::startS3);
        }
    }

    @Test
    void kafkaOutageLosesNothing() throws Exception {
        try (IngestFixture fixture = new IngestFixture(dir, Duration.ofSeconds(60))) {
            pushThrough(fixture, fixture::stopKafka, fixture::startKafka);
        }
    }

    interface Step {
        void run() throws Exception;
    }

    private void pushThrough(IngestFixture fixture, Step stop, Step start) throws Exception {
        String[] live = fixture.scheduleLive();
        Process ffmpeg = FfmpegCli.push(
                fixture.url(live[1], "index.m3u8"), CLIP_SECONDS, true, List.of(), dir.resolve("ffmpeg.log"));
        Thread.sleep(OUTAGE_START.toMillis());
        stop.run();
        Thread.sleep(OUTAGE_LENGTH.toMillis());
        assertThat(ffmpeg.isAlive())
                .as("the encoder keeps going during the outage")
                .isTrue();
        assertThat(fixture.ingest.pendingBytes())
                .as("segments wait in the spool during the outage")
                .isPositive();
        start.run();
        assertThat(ffmpeg.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue()).isZero();

        Await.expect(
                "live ended",
                IngestFixture.DEADLINE,
                () -> fixture.lifecycle(live[0]).stream().anyMatch(l -> l.getType() == LiveEventType.ENDED));
        Await.expect(
                "every segment delivered",
                IngestFixture.DEADLINE,
                () -> fixture.segments(live[0]).stream()
                                .filter(s -> s.getContainer() == SegmentContainer.MPEG_TS)
                                .count()
                        >= CLIP_SECONDS / 2);
        List<SegmentStored> segments = fixture.segments(live[0]);
        assertThat(segments)
                .extracting(SegmentStored::getSequence)
                .as("every segment once")
                .containsExactlyElementsOf(
                        LongStream.range(0, CLIP_SECONDS / 2).boxed().toList());
        assertThat(fixture.objects(live[0])).hasSize(CLIP_SECONDS / 2);
        assertThat(fixture.lifecycle(live[0]))
                .extracting(Live::getType)
                .containsExactly(LiveEventType.STARTED, LiveEventType.ENDED);
    }
}
