package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.bytedeco.ffmpeg.global.avutil.av_make_q;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SegmentContainer;
import io.stagepass.events.SegmentKeys;
import io.stagepass.events.SegmentStored;
import io.stagepass.events.StreamKeys;
import io.stagepass.events.Topic;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.kafka.KafkaClients;
import io.stagepass.platform.lifecycle.Await;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The jobs worker makes a 360p rendition of each segment while the live streams, on the embedded stack. */
class LowRenditionsIT {
    private static final int SECONDS = 8;

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

    private static List<SegmentStored> renditions(String liveId) {
        return fixture.segmentFacts(liveId).stream()
                .filter(f -> f.getRendition() != null)
                .toList();
    }

    @Test
    void eachSegmentOfA720pLiveGetsA360pRenditionWithItsTimestampsWhileItStreams() throws Exception {
        Path media = fixture.media("hd", false, GeneratedLive.Spec.hd(Duration.ofSeconds(SECONDS)));
        ReplayFixture.LiveBuilder hd = fixture.live(media, false);
        ReplayFixture.LiveBuilder declined = fixture.live(
                        fixture.media("declined", false, GeneratedLive.Spec.hd(Duration.ofSeconds(4))), false)
                .lowRendition(false);
        declined.start();
        String liveId = hd.start(); // still streaming: no ENDED yet

        List<SegmentStored> made = Await.expect(
                "a 360p segment for each of the live's " + SECONDS / 2,
                ReplayFixture.DEADLINE,
                () -> renditions(liveId),
                list -> list.size() >= SECONDS / 2);
        List<SegmentStored> sources = fixture.segmentFacts(liveId).stream()
                .filter(f -> f.getRendition() == null)
                .toList();
        assertThat(made).extracting(SegmentStored::getSequence).containsExactly(0L, 1L, 2L, 3L);
        for (SegmentStored rendition : made) {
            SegmentStored source = sources.get((int) rendition.getSequence());
            assertThat(rendition.getRendition()).isEqualTo("360p");
            assertThat(rendition.getWidth()).isEqualTo(640);
            assertThat(rendition.getHeight()).isEqualTo(360);
            assertThat(rendition.getCodecs()).startsWith("avc1.42").endsWith(",mp4a.40.2");
            assertThat(rendition.getObjectKey()).isEqualTo(liveId + "/360p/0000000" + rendition.getSequence() + ".ts");
            assertThat(rendition.getDurationMicros()).isEqualTo(source.getDurationMicros());
            byte[] bytes = fixture.segmentObject(rendition.getObjectKey());
            assertThat(StreamKeys.sha256(bytes)).isEqualTo(rendition.getSha256());
            assertThat((long) bytes.length).isEqualTo(rendition.getByteSize());
            assertThat(rendition.getByteSize()).isLessThan(source.getByteSize());
            // The scrub bar's thumbnail of the segment during the live: its first picture, 160 wide, stored first.
            java.awt.image.BufferedImage thumbnail = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                    fixture.segmentObject(SegmentKeys.thumbnail(liveId, rendition.getSequence()))));
            assertThat(thumbnail.getWidth()).isEqualTo(160);
            assertThat(thumbnail.getHeight()).isEqualTo(90);

            Path lower = dir.resolve("360p-" + rendition.getSequence() + ".ts");
            Files.write(lower, bytes);
            Path original = dir.resolve("source-" + rendition.getSequence() + ".ts");
            Files.write(original, fixture.segmentObject(source.getObjectKey()));
            if (FfmpegCli.available()) {
                assertThat(FfmpegCli.probeWarnings(lower))
                        .as("ffprobe on the 360p segment")
                        .isEmpty();
                Map<String, Long> packets = FfmpegCli.packetsByCodec(lower);
                assertThat(packets)
                        .containsEntry("aac", FfmpegCli.packetsByCodec(original).get("aac"));
                assertThat(packets.get("h264"))
                        .isEqualTo(FfmpegCli.packetsByCodec(original).get("h264"));
            }
            // Same timeline as the source: a player switches renditions at any segment without a jump.
            assertThat(firstPictureMicros(lower)).isEqualTo(firstPictureMicros(original));
            // The same picture, smaller: no change of brightness range (TV range in, TV range out).
            assertThat(meanLuma(lower))
                    .as("mean luma of the first 360p picture against the source's")
                    .isCloseTo(meanLuma(original), org.assertj.core.data.Offset.offset(3.0));
        }

        // The replay lists both renditions, on one timeline.
        hd.end();
        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertThat(ready.getSegments()).isEqualTo(SECONDS / 2);
        assertThat(ready.getRenditions())
                .extracting(r -> r.getName() + " " + r.getWidth() + "x" + r.getHeight())
                .containsExactly("source 1280x720", "360p 640x360");
        assertThat(ready.getRenditions().get(1).getCodecs())
                .startsWith("avc1.42")
                .endsWith(",mp4a.40.2");
        assertThat(ready.getRenditions().get(1).getBandwidth())
                .isLessThan(ready.getRenditions().get(0).getBandwidth() / 2);
        String master = new String(fixture.replayObject(ready.getPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(master.lines().filter(l -> !l.startsWith("#"))).containsExactly("media.m3u8", "media-360p.m3u8");
        assertThat(master).contains("RESOLUTION=1280x720").contains("RESOLUTION=640x360");
        String source = new String(fixture.replayObject(ready.getMediaPlaylistKey()), StandardCharsets.UTF_8);
        String lower =
                new String(fixture.replayObject(ready.getRenditions().get(1).getPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(lower).contains("#EXT-X-MAP:URI=\"media-360p-0.mp4\"").endsWith("#EXT-X-ENDLIST\n");
        assertThat(Math.abs(extinfMicros(lower) - extinfMicros(source)))
                .as("the renditions' lengths differ by less than a frame")
                .isLessThan(40_000);
        if (FfmpegCli.available()) {
            Path replay = fixture.download(ready);
            assertThat(FfmpegCli.probeWarnings(replay.resolve("media-360p.m3u8")))
                    .as("ffprobe on the 360p playlist")
                    .isEmpty();
            assertThat(firstPictureMicros(replay.resolve("media-360p.m3u8"), "hls"))
                    .as("both renditions start at the same time")
                    .isEqualTo(firstPictureMicros(replay.resolve("media.m3u8"), "hls"));
        }
        // The live that declined it got none, once the worker's group has committed past all of its segments.
        try (Admin admin = KafkaClients.admin(fixture.kafka.settings());
                KafkaConsumer<String, byte[]> reader = KafkaClients.assignedReader(fixture.kafka.settings())) {
            TopicPartition partition = KafkaClients.partitionOf(reader, Topic.SEGMENTS, declined.liveId);
            long end = reader.endOffsets(List.of(partition)).get(partition);
            Await.expect(
                    "the renditions group past the declined live's segments",
                    ReplayFixture.DEADLINE,
                    () -> {
                        OffsetAndMetadata committed = admin.listConsumerGroupOffsets(
                                        fixture.config().groupId() + "-renditions")
                                .partitionsToOffsetAndMetadata()
                                .get()
                                .get(partition);
                        return committed == null ? -1L : committed.offset();
                    },
                    offset -> offset >= end);
        }
        assertThat(fixture.segmentFacts(declined.liveId)).hasSize(2).allMatch(f -> f.getRendition() == null);
    }

    @Test
    void aSegmentThatCannotBeReadGetsAGapFactAndARedeliveredOneKeepsTheRenditionMadeBefore() throws Exception {
        Path media = fixture.media("hd-gap", false, GeneratedLive.Spec.hd(Duration.ofSeconds(SECONDS)));
        ReplayFixture.LiveBuilder live =
                fixture.live(media, false).corruptStored(1, "not the bytes".getBytes(StandardCharsets.UTF_8));
        String liveId = live.start();

        List<SegmentStored> facts = Await.expect(
                "a fact of the 360p for each segment",
                ReplayFixture.DEADLINE,
                () -> renditions(liveId),
                list -> list.size() >= SECONDS / 2);
        assertThat(facts)
                .extracting(f -> f.getSequence() + " " + f.getType())
                .containsExactly("0 STORED", "1 GAP", "2 STORED", "3 STORED");

        // Ingest's fact of segment 0 again (a redelivery): the worker finds the rendition it made and says so again,
        // it does not make another (the object, replaced here by segment 2's rendition, is what the fact names).
        SegmentStored first = facts.get(0);
        byte[] marker = fixture.segmentObject(facts.get(2).getObjectKey());
        fixture.put(first.getObjectKey(), marker);
        SegmentStored source = fixture.segmentFacts(liveId).stream()
                .filter(f -> f.getRendition() == null && f.getSequence() == 0)
                .findFirst()
                .orElseThrow();
        fixture.send(io.stagepass.events.Topic.SEGMENTS, source);
        List<SegmentStored> again = Await.expect(
                "the rendition's fact of segment 0 again",
                ReplayFixture.DEADLINE,
                () -> renditions(liveId).stream()
                        .filter(f -> f.getSequence() == 0)
                        .toList(),
                list -> list.size() >= 2);
        assertThat(again.get(1).getEventId()).isEqualTo(first.getEventId());
        assertThat(again.get(1).getSha256()).isEqualTo(StreamKeys.sha256(marker));

        // The end does not wait for segment 1's rendition (its GAP says it will not come); the replay lists a
        // rendition only whole, so this one has the source alone.
        live.end();
        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertThat(ready.getRenditions()).extracting(r -> r.getName()).containsExactly("source");
    }

    @Test
    void anFmp4LiveGetsItsRenditionTooAndItsReplayListsBoth() throws Exception {
        ReplayFixture.LiveBuilder live =
                fixture.live(fixture.media("hd-fmp4", true, GeneratedLive.Spec.hd(Duration.ofSeconds(SECONDS))), true);
        String liveId = live.start();

        List<SegmentStored> made = Await.expect(
                "a 360p segment for each fMP4 segment",
                ReplayFixture.DEADLINE,
                () -> renditions(liveId),
                list -> list.size() >= SECONDS / 2);
        List<Long> sources = fixture.segmentFacts(liveId).stream()
                .filter(f -> f.getRendition() == null && f.getContainer() == SegmentContainer.FMP4)
                .map(SegmentStored::getSequence)
                .toList();
        assertThat(sources).hasSize(SECONDS / 2);
        assertThat(made).extracting(SegmentStored::getSequence).containsExactlyElementsOf(sources);
        assertThat(made)
                .extracting(f -> f.getType() + " " + f.getContainer() + " " + f.getHeight())
                .containsOnly("STORED MPEG_TS 360");
        Path lower = dir.resolve("fmp4-360p-0.ts");
        Files.write(lower, fixture.segmentObject(made.get(0).getObjectKey()));
        if (FfmpegCli.available()) {
            assertThat(FfmpegCli.probeWarnings(lower))
                    .as("ffprobe on the 360p of an fMP4 segment")
                    .isEmpty();
        }

        live.end();
        ReplayStatus ready = fixture.awaitFinal(liveId);
        assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
        assertThat(ready.getRenditions())
                .extracting(r -> r.getName() + " " + r.getWidth() + "x" + r.getHeight())
                .containsExactly("source 1280x720", "360p 640x360");
        String source = new String(fixture.replayObject(ready.getMediaPlaylistKey()), StandardCharsets.UTF_8);
        String rendition =
                new String(fixture.replayObject(ready.getRenditions().get(1).getPlaylistKey()), StandardCharsets.UTF_8);
        assertThat(Math.abs(extinfMicros(rendition) - extinfMicros(source)))
                .as("the renditions' lengths differ by less than a frame")
                .isLessThan(40_000);
    }

    /** The mean of the luma plane of the segment's first decoded picture. */
    private static double meanLuma(Path segment) {
        double[] mean = {-1};
        try (Demuxer in = Demuxer.open(segment.toString(), "mpegts", true);
                Decoder decoder = Decoder.open(in.stream(in.videoStream()).codecpar(), 1)) {
            for (AVPacket packet = in.next(); packet != null && mean[0] < 0; packet = in.next()) {
                if (packet.stream_index() == in.videoStream()) {
                    decoder.decode(packet, picture -> {
                        if (mean[0] < 0) {
                            long sum = 0;
                            byte[] row = new byte[picture.width()];
                            for (int y = 0; y < picture.height(); y++) {
                                picture.data(0)
                                        .position((long) y * picture.linesize(0))
                                        .get(row);
                                for (byte b : row) {
                                    sum += b & 0xff;
                                }
                            }
                            picture.data(0).position(0);
                            mean[0] = (double) sum / ((long) picture.width() * picture.height());
                        }
                    });
                }
            }
        }
        assertThat(mean[0]).as("a picture decoded from " + segment).isGreaterThanOrEqualTo(0);
        return mean[0];
    }

    private static long extinfMicros(String playlist) {
        return playlist.lines()
                .filter(l -> l.startsWith("#EXTINF:"))
                .mapToLong(l -> new java.math.BigDecimal(l.substring(8, l.indexOf(',')))
                        .movePointRight(6)
                        .longValue())
                .sum();
    }

    /** The presentation time of the first video packet, in microseconds. */
    private static long firstPictureMicros(Path segment) {
        return firstPictureMicros(segment, "mpegts");
    }

    private static long firstPictureMicros(Path segment, String format) {
        Map<String, String> options = format.equals("hls") ? Map.of("allowed_extensions", "ALL") : Map.of();
        try (Demuxer in = Demuxer.open(segment.toString(), format, true, options)) {
            int video = in.videoStream();
            for (AVPacket packet = in.next(); packet != null; packet = in.next()) {
                if (packet.stream_index() == video) {
                    return av_rescale_q(packet.pts(), in.stream(video).time_base(), av_make_q(1, 1_000_000));
                }
            }
        }
        throw new AssertionError("no video packet in " + segment);
    }
}
