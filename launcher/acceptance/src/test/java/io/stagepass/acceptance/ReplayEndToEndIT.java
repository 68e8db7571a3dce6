package io.stagepass.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import io.minio.GetObjectArgs;
import io.minio.MinioClient;
import io.stagepass.acceptance.client.IngestClient;
import io.stagepass.acceptance.client.Operator;
import io.stagepass.events.Bucket;
import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayObject;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.Topic;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.launcher.stack.Stack;
import io.stagepass.launcher.stack.StackConfig;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import io.stagepass.platform.s3.ObjectStore;
import io.stagepass.platform.views.LatestValues;
import io.stagepass.replay.creators.Catalog;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of a replay, end to end: the real ffmpeg CLI pushes a 60 s live (H.264 + AAC) through ingest, the
 * live ends, the jobs worker of the stack packages it, and ffprobe, a second opinion, finds nothing wrong with it.
 */
class ReplayEndToEndIT {
    private static final int SECONDS = 60;
    /** One frame at 25 fps. */
    private static final long FRAME_MICROS = 40_000;

    private static final Duration DEADLINE = Duration.ofSeconds(180);

    @TempDir
    static Path dir;

    static Stack stack;

    @BeforeAll
    static void start() throws Exception {
        FfmpegCli.assumeAvailable();
        stack = Stack.start(StackConfig.onFreePorts(dir.resolve("data"), Map.of()), line -> {});
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void aLivePushedAsMpegTsBecomesAReplayFfprobeFindsClean() throws Exception {
        assertReplayOfAPush("ts", List.of());
    }

    @Test
    void aLivePushedAsFragmentedMp4BecomesAReplayFfprobeFindsClean() throws Exception {
        assertReplayOfAPush("fmp4", List.of("-hls_segment_type", "fmp4"));
    }

    private void assertReplayOfAPush(String name, List<String> extra) throws Exception {
        Operator operator = new Operator(stack.kafka());
        String creatorId =
                operator.registerCreator("E2E", null, "EUR").creator().getCreatorId();
        Catalog.Scheduled scheduled = operator.scheduleLive(creatorId, "Replay " + name, "viewer", 1500, "EUR", 30);
        String liveId = scheduled.live().getLiveId();
        IngestClient ingest = IngestClient.of("http://127.0.0.1:" + stack.ingestPort());
        ingest.awaitKnows(scheduled.streamKey(), DEADLINE);
        Process ffmpeg = FfmpegCli.push(
                ingest.pushUrl(scheduled.streamKey(), "index.m3u8"),
                SECONDS,
                false,
                extra,
                dir.resolve("ffmpeg-" + name + ".log"));
        assertThat(ffmpeg.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(ffmpeg.exitValue())
                .as(Files.readString(dir.resolve("ffmpeg-" + name + ".log")))
                .isZero();

        ReplayStatus ready = Await.expect(
                "the replay of " + liveId,
                DEADLINE,
                () -> latest(liveId),
                status -> status != null
                        && (status.getType() == ReplayEventType.READY || status.getType() == ReplayEventType.FAILED));
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertThat(ready.getSkipped()).isEmpty();
        assertThat(ready.getSegments()).isEqualTo(SECONDS / 2);

        Path local = Files.createDirectories(dir.resolve("replay-" + name));
        // The replay was built while the live streamed: its manifest names every object (the fragments, the init
        // sections, the sprites and posters, the playlists); the download is its head then its fragments, as the
        // replay API serves it.
        String prefix = liveId + "/v" + ready.getVersion() + "/";
        try (MinioClient s3 = ObjectStore.client(stack.s3())) {
            List<String> names = new ArrayList<>();
            names.add("manifest.txt");
            new String(read(s3, prefix + "manifest.txt"), StandardCharsets.UTF_8)
                    .lines()
                    .forEach(line -> names.add(line.split(" ")[0]));
            for (String file : names) {
                Files.write(local.resolve(file), read(s3, prefix + file));
            }
            try (var out = Files.newOutputStream(local.resolve("download.mp4"))) {
                for (String line : Files.readAllLines(local.resolve("download.parts"))) {
                    out.write(Files.readAllBytes(local.resolve(line.split(" ")[0])));
                }
            }
        }
        assertThat(ready.getObjects())
                .as("the READY fact names what the end wrote, the manifest last")
                .extracting(ReplayObject::getKey)
                .contains(prefix + "master.m3u8", prefix + "manifest.txt", prefix + "download-head.mp4");
        String media = Files.readString(local.resolve("media.m3u8"));
        assertThat(media).contains("#EXT-X-PLAYLIST-TYPE:VOD").endsWith("#EXT-X-ENDLIST\n");
        long target = Long.parseLong(media.lines()
                .filter(l -> l.startsWith("#EXT-X-TARGETDURATION:"))
                .findFirst()
                .orElseThrow()
                .substring(22));
        List<Long> durations = media.lines()
                .filter(l -> l.startsWith("#EXTINF:"))
                .map(l -> new BigDecimal(l.substring(8, l.indexOf(',')))
                        .movePointRight(6)
                        .longValue())
                .toList();
        assertThat(durations)
                .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(target * 1_000_000))
                .hasSize(SECONDS / 2);
        assertThat(durations.stream().mapToLong(Long::longValue).sum())
                .as("the source's length within one frame")
                .isCloseTo(SECONDS * 1_000_000L, Offset.offset(FRAME_MICROS));
        assertThat(FfmpegCli.probeWarnings(local.resolve("download.mp4")))
                .as("ffprobe on the MP4")
                .isEmpty();
        assertThat(FfmpegCli.probeWarnings(local.resolve("media.m3u8")))
                .as("ffprobe on the HLS")
                .isEmpty();
        assertThat(boxes(Files.readAllBytes(local.resolve("download.mp4"))))
                .containsSubsequence("moov", "sidx", "moof", "mdat");
        String poster = ready.getPosterKey().substring(prefix.length());
        assertThat(FfmpegCli.probeWarnings(local.resolve(poster))).isEmpty();
        assertThat(ready.getSpriteKeys()).containsExactly(prefix + "tiles-0.jpg");
        assertThat(FfmpegCli.probeWarnings(local.resolve("tiles-0.jpg"))).isEmpty();
        String vtt = Files.readString(local.resolve("thumbnails.vtt"));
        List<String> cues = vtt.lines().filter(l -> l.contains(" --> ")).toList();
        assertThat(cues.get(0)).startsWith("00:00:00.000 --> ");
        assertThat(cues.get(cues.size() - 1)).matches(".* --> 00:01:00\\.0[0-3][0-9]");
        assertThat(cues).hasSize(SECONDS / 5);
    }

    private static byte[] read(MinioClient s3, String key) throws Exception {
        try (InputStream in = s3.getObject(GetObjectArgs.builder()
                .bucket(Bucket.REPLAYS.bucketName())
                .object(key)
                .build())) {
            return in.readAllBytes();
        }
    }

    private static ReplayStatus latest(String liveId) {
        try (KafkaConsumer<String, byte[]> consumer = KafkaClients.assignedReader(stack.kafka())) {
            return LatestValues.read(consumer, Topic.REPLAYS, liveId, ReplayStatus.class, Duration.ofSeconds(10))
                    .orElse(null);
        }
    }

    private static List<String> boxes(byte[] mp4) {
        List<String> boxes = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(mp4);
        while (buffer.remaining() >= 8) {
            int start = buffer.position();
            long size = Integer.toUnsignedLong(buffer.getInt());
            boxes.add(new String(mp4, start + 4, 4, StandardCharsets.US_ASCII));
            if (size == 1) {
                size = buffer.getLong(start + 8);
            }
            if (size < 8 || start + size > mp4.length) {
                break;
            }
            buffer.position((int) (start + size));
        }
        return boxes;
    }
}
