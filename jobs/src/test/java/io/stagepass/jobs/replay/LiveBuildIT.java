package io.stagepass.jobs.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.StreamKeys;
import io.stagepass.jobs.JobsConfig;
import io.stagepass.jobs.testing.FfmpegCli;
import io.stagepass.jobs.testing.ReplayFixture;
import io.stagepass.media.GeneratedLive;
import io.stagepass.platform.lifecycle.Await;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replays built while their lives stream, on the embedded stack: every segment is packaged as it arrives, the end
 * only finalises, and a worker killed mid-live hands the build over through its checkpoint.
 */
class LiveBuildIT {
    private static final Path JAR = Path.of("target", "stagepass-jobs.jar");

    @TempDir
    Path dir;

    @Test
    void aLiveBuiltAsItStreamsIsReadyMomentsAfterItsEndWithBothRenditionsAndADownload() throws Exception {
        int seconds = 90;
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            fixture.buildWhileStreaming = true;
            fixture.startWorker();
            Path media = fixture.media("hd", false, GeneratedLive.Spec.hd(Duration.ofSeconds(seconds)));
            ReplayFixture.LiveBuilder live = fixture.live(media, false);
            String liveId = live.start(); // every segment stored at once: far faster than realtime
            long last = seconds / 2 - 1;
            Await.expect(
                    "the build has packaged segment " + last + " and its 360p before the end",
                    ReplayFixture.DEADLINE,
                    () -> state(fixture, liveId),
                    state -> state != null
                            && state.lastSequence == last
                            && state.tracks.containsKey("360p")
                            && state.tracks.get("360p").chunks * LiveBuild.CHUNK
                                            + state.tracks.get("360p").pieces.size()
                                    == seconds / 2);
            assertThat(fixture.statuses(liveId))
                    .as("nothing is READY before the end")
                    .isEmpty();

            long ended = System.nanoTime();
            live.end();
            ReplayStatus ready = fixture.awaitFinal(liveId);
            long delayMillis = (System.nanoTime() - ended) / 1_000_000;
            System.out.printf(
                    "LiveBuildIT: a %d s live READY %d ms after its ENDED was published (%d objects)%n",
                    seconds, delayMillis, manifest(fixture, ready).size());
            assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
            assertThat(ready.getVersion()).isEqualTo(1);
            assertThat(ready.getRenditions())
                    .extracting(r -> r.getName() + " " + r.getWidth() + "x" + r.getHeight())
                    .containsExactly("source 1280x720", "360p 640x360");
            assertThat(ready.getSegments()).isEqualTo(seconds / 2);

            Path local = downloadAll(fixture, ready);
            String playlist = Files.readString(local.resolve("media.m3u8"));
            assertThat(playlist).contains("#EXT-X-MAP:URI=\"init-0.mp4\"").contains("seg-00000000.m4s\n");
            assertThat(playlist.lines().filter(l -> l.endsWith(".m4s"))).hasSize(seconds / 2);
            for (String init : List.of("init-0.mp4", "360p-init-0.mp4")) {
                // A browser's Media Source Extensions refuse an AAC track whose init section lacks its
                // AudioSpecificConfig (FFmpeg's readers do not mind): the init must carry it.
                assertThat(extradataSizes(local.resolve(init)))
                        .as(init)
                        .allSatisfy(size -> assertThat(size).isPositive());
            }
            for (String name : List.of("media.m3u8", "media-360p.m3u8")) {
                assertThat(FfmpegCli.probeWarnings(local.resolve(name)))
                        .as(name)
                        .isEmpty();
            }
            // The download: its head (init with the duration, the index), then every fragment, as the API serves it.
            Path download = assemble(local);
            assertThat(FfmpegCli.probeWarnings(download)).isEmpty();
            assertThat(topLevel(download)).startsWith("ftyp", "moov", "sidx", "moof", "mdat");
            assertThat(FfmpegCli.packetsByCodec(download))
                    .as("every packet of the live, once")
                    .isEqualTo(sourcePackets(media, seconds / 2));
            long playlistMicros = playlistMicros(playlist);
            long probed = durationMicros(download);
            System.out.printf(
                    "LiveBuildIT: playlist %d us, download %d us, READY says %d ms%n",
                    playlistMicros, probed, ready.getDurationMillis());
            assertThat(Math.abs(playlistMicros - probed)).as("within a frame").isLessThanOrEqualTo(40_000);
            long source = durationMicros(media.resolve("index.m3u8"));
            assertThat(Math.abs(source - playlistMicros))
                    .as("the live's length, in the playlist")
                    .isLessThanOrEqualTo(40_000);
        }
    }

    @Test
    void aReconnectWithAnotherResolutionBeginsAStretchAndTheDownloadKeepsTheFirstOnes() throws Exception {
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            fixture.buildWhileStreaming = true;
            fixture.startWorker();
            // 10 s at 640x360, then the encoder reconnects at 1280x720 for 6 s.
            Path media = fixture.media(
                    "reconnect",
                    GeneratedLive.Spec.demo(Duration.ofSeconds(10)),
                    GeneratedLive.Spec.hd(Duration.ofSeconds(6)));
            ReplayFixture.LiveBuilder live =
                    fixture.live(media, false).reconnectAt(5).lowRendition(false);
            String liveId = live.start();
            Await.expect(
                    "the build has packaged the live's 8 segments",
                    ReplayFixture.DEADLINE,
                    () -> state(fixture, liveId),
                    state -> state != null && state.lastSequence == 7);
            live.end();
            ReplayStatus ready = fixture.awaitFinal(liveId);
            assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
            assertThat(ready.getDiscontinuities()).containsExactly(5L);
            Path local = downloadAll(fixture, ready);
            assertThat(Files.readString(local.resolve("media.m3u8")))
                    .contains("#EXT-X-MAP:URI=\"init-0.mp4\"")
                    .contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-1.mp4\"");
            Path download = assemble(local);
            assertThat(FfmpegCli.probeWarnings(download))
                    .as("ffprobe on the download")
                    .isEmpty();
            assertThat(FfmpegCli.packetsByCodec(download).get("h264"))
                    .as("the first 10 s of pictures at 640x360, none of the 720p ones (an MP4 track has one size)")
                    .isEqualTo(250L);
        }
    }

    @Test
    void aStreamWithBFramesAsOBSSendsItBuildsAReplayThatProbesCleanAndKeepsEveryPacket() throws Exception {
        FfmpegCli.assumeAvailable();
        int seconds = 30;
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            fixture.buildWhileStreaming = true;
            fixture.startWorker();
            // What OBS sends by default: x264 (veryfast, High profile) with B-frames, a keyframe every 2 s.
            Path media = dir.resolve("media-bframes");
            Files.createDirectories(media);
            List<String> command = new ArrayList<>(List.of(("ffmpeg -hide_banner -loglevel warning -nostdin"
                            + " -f lavfi -i testsrc2=duration=" + seconds + ":size=1280x720:rate=30"
                            + " -f lavfi -i sine=frequency=440:duration=" + seconds
                            + " -c:v libx264 -preset veryfast -profile:v high -bf 2 -g 60 -keyint_min 60 -sc_threshold 0"
                            + " -c:a aac -b:a 128k -f hls -hls_time 2 -hls_list_size 0")
                    .split(" ")));
            command.addAll(List.of(
                    "-hls_segment_filename",
                    media.resolve("index%d.ts").toString(),
                    media.resolve("index.m3u8").toString()));
            Process encoder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("encoder.log").toFile())
                    .start();
            assertThat(encoder.waitFor())
                    .as(Files.readString(dir.resolve("encoder.log")))
                    .isZero();
            assertThat(probe(media.resolve("index0.ts"), "packet=pts,dts"))
                    .as("the encoder reorders pictures: some are shown after they are decoded")
                    .anySatisfy(packet -> assertThat(packet.split(",")[0]).isNotEqualTo(packet.split(",")[1]));
            ReplayFixture.LiveBuilder live = fixture.live(media, false);
            String liveId = live.start();
            long last = seconds / 2 - 1;
            Await.expect(
                    "the build has packaged segment " + last,
                    ReplayFixture.DEADLINE,
                    () -> state(fixture, liveId),
                    state -> state != null && state.lastSequence == last);
            live.end();
            ReplayStatus ready = fixture.awaitFinal(liveId);
            assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
            Path local = downloadAll(fixture, ready);
            for (String name : List.of("media.m3u8", "media-360p.m3u8")) {
                assertThat(FfmpegCli.probeWarnings(local.resolve(name)))
                        .as(name)
                        .isEmpty();
            }
            Path download = assemble(local);
            assertThat(FfmpegCli.probeWarnings(download))
                    .as("ffprobe on the download")
                    .isEmpty();
            assertThat(FfmpegCli.packetsByCodec(download))
                    .as("every packet of the live, once")
                    .isEqualTo(sourcePackets(media, seconds / 2));
            String playlist = Files.readString(local.resolve("media.m3u8"));
            long playlistMicros = playlistMicros(playlist);
            // The replay's timeline starts at the first picture's decode time: with B-frames the first picture shows
            // a reorder delay later (2 frames here), and the playlist reaches to where the last one ends.
            Map<String, Long> streams = streamDurations(download);
            long end = endMicros(download);
            System.out.printf(
                    "LiveBuildIT (B-frames): playlist %d us, download ends at %d us, its streams %s us%n",
                    playlistMicros, end, streams);
            assertThat(Math.abs(playlistMicros - end))
                    .as("the playlist reaches the download's end, within a frame")
                    .isLessThanOrEqualTo(34_000);
            assertThat(streams)
                    .as("each stream as long as the live, within a frame")
                    .allSatisfy((codec, micros) ->
                            assertThat(Math.abs(micros - seconds * 1_000_000L)).isLessThanOrEqualTo(34_000));
        }
    }

    @Test
    void aWorkerKilledMidLiveIsReplacedFromItsCheckpointAndTheReplayIsTheSameBytes() throws Exception {
        assertThat(JAR).as("the jobs jar is built in the package phase").exists();
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            Path media = fixture.media("kill", 24, false);
            ReplayFixture.LiveBuilder interrupted = fixture.live(media, false).lowRendition(false);
            String liveId = interrupted.start(6);
            Process first = worker(fixture, "first");
            try {
                Await.expect(
                        "the first worker has checkpointed segment 5",
                        ReplayFixture.DEADLINE,
                        () -> state(fixture, liveId),
                        state -> state != null && state.lastSequence == 5);
            } finally {
                first.destroyForcibly(); // kill -9, mid-live
                first.waitFor(30, TimeUnit.SECONDS);
            }
            interrupted.storeFrom(6);
            interrupted.end();
            ReplayFixture.LiveBuilder whole = fixture.live(media, false).lowRendition(false);
            String wholeId = whole.publish();
            Process second = worker(fixture, "second");
            ReplayStatus ready;
            ReplayStatus reference;
            try {
                ready = fixture.awaitFinal(liveId);
                reference = fixture.awaitFinal(wholeId);
            } finally {
                second.destroy();
                second.waitFor(60, TimeUnit.SECONDS);
            }
            assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
            assertThat(reference.getType()).isEqualTo(ReplayEventType.READY);
            assertThat(fixture.statuses(liveId))
                    .filteredOn(s -> s.getType() == ReplayEventType.READY)
                    .hasSize(1);
            assertThat(Files.readString(dir.resolve("worker-second.log")))
                    .as("the second worker went on from the first one's checkpoint")
                    .contains("goes on from its checkpoint after segment 5");
            assertThat(manifest(fixture, ready)).isEqualTo(manifest(fixture, reference));
            assertThat(ready.getPackageHash()).isEqualTo(reference.getPackageHash());
        }
    }

    @Test
    void aBuildThatLeavesMemoryWhileIdleGoesOnFromItsCheckpointToTheSameBytes() throws Exception {
        assertThat(JAR).as("the jobs jar is built in the package phase").exists();
        try (ReplayFixture fixture = new ReplayFixture(dir)) {
            Path media = fixture.media("idle", 24, false);
            // The reference: built by a worker that keeps the build in memory from the first segment to the end.
            ReplayStatus reference = builtBy(fixture, media, "steady", Map.of());
            // The same live (a gap at 4 included), built by a worker whose builds leave memory as soon as they are
            // idle: each fact, and the end, load the build again from its checkpoint.
            ReplayStatus ready = builtBy(fixture, media, "idle", Map.of(JobsConfig.BUILD_IDLE, "0s"));
            assertThat(reference.getType())
                    .as(String.valueOf(reference.getError()))
                    .isEqualTo(ReplayEventType.READY);
            assertThat(ready.getType()).as(String.valueOf(ready.getError())).isEqualTo(ReplayEventType.READY);
            String log = Files.readString(dir.resolve("worker-idle.log"));
            assertThat(log).as("builds left memory").contains("replay builds that saw no segment for");
            assertThat(log)
                    .as("and were loaded again from their checkpoint, by the facts")
                    .contains("replay v1 goes on from its checkpoint after segment 5");
            assertThat(log)
                    .as("and by the end (no fact came after segment 11)")
                    .contains("replay v1 goes on from its checkpoint after segment 11");
            assertThat(Files.readString(dir.resolve("worker-steady.log")))
                    .doesNotContain("replay builds that saw no segment for");
            assertThat(manifest(fixture, ready)).isEqualTo(manifest(fixture, reference));
            assertThat(ready.getPackageHash()).isEqualTo(reference.getPackageHash());
        }
    }

    /**
     * A 12-segment live with a gap at 4, streamed while a worker process (its log {@code worker-NAME.log}) builds
     * it, then ended: its final status.
     */
    private static ReplayStatus builtBy(ReplayFixture fixture, Path media, String name, Map<String, String> env)
            throws Exception {
        ReplayFixture.LiveBuilder live =
                fixture.live(media, false).lowRendition(false).drop(4);
        String liveId = live.start();
        Process worker = fixture.workerProcess(JAR, "live-build-workers", name, true, env);
        try {
            Await.expect(
                    "the " + name + " worker has built the 12 segments",
                    ReplayFixture.DEADLINE,
                    () -> state(fixture, liveId),
                    state -> state != null && state.lastSequence == 11);
            live.end();
            return fixture.awaitFinal(liveId);
        } finally {
            worker.destroy();
            worker.waitFor(60, TimeUnit.SECONDS);
        }
    }

    private static LiveBuild.State state(ReplayFixture fixture, String liveId) {
        try {
            return LiveBuild.JSON.readValue(
                    fixture.replayObject(liveId + "/v1/" + LiveBuild.STATE), LiveBuild.State.class);
        } catch (Exception e) {
            return null; // not written yet
        }
    }

    /** The package's manifest: every object's name and SHA-256. */
    private static Map<String, String> manifest(ReplayFixture fixture, ReplayStatus ready) throws Exception {
        String prefix = ready.getLiveId() + "/v" + ready.getVersion() + "/";
        Map<String, String> objects = new TreeMap<>();
        new String(fixture.replayObject(prefix + "manifest.txt"), StandardCharsets.UTF_8)
                .lines()
                .forEach(line -> objects.put(line.split(" ")[0], line.split(" ")[1]));
        return objects;
    }

    /** Every object the manifest names, checked against its SHA-256, in one folder. */
    private static Path downloadAll(ReplayFixture fixture, ReplayStatus ready) throws Exception {
        Path target = Files.createDirectories(fixture.dir.resolve("package-" + ready.getLiveId()));
        String prefix = ready.getLiveId() + "/v" + ready.getVersion() + "/";
        for (Map.Entry<String, String> object : manifest(fixture, ready).entrySet()) {
            byte[] bytes = fixture.replayObject(prefix + object.getKey());
            assertThat(StreamKeys.sha256(bytes)).as(object.getKey()).isEqualTo(object.getValue());
            Files.write(target.resolve(object.getKey()), bytes);
        }
        return target;
    }

    private static List<String> topLevel(Path mp4) throws IOException {
        byte[] bytes = Files.readAllBytes(mp4);
        return Fragments.boxes(bytes, 0, bytes.length).stream()
                .map(Fragments.Box::type)
                .toList();
    }

    /** Each stream's codec configuration size, as ffprobe reads it from the file. */
    private static List<Integer> extradataSizes(Path file) throws Exception {
        Process probe = new ProcessBuilder(
                        "ffprobe",
                        "-v",
                        "error",
                        "-show_entries",
                        "stream=extradata_size",
                        "-of",
                        "csv=p=0",
                        file.toString())
                .start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        probe.waitFor();
        List<Integer> sizes = out.lines()
                .filter(l -> !l.isBlank())
                .map(l -> Integer.parseInt(l.strip()))
                .toList();
        assertThat(sizes).as("streams of " + file).hasSize(2);
        return sizes;
    }

    private static long durationMicros(Path file) throws Exception {
        return new BigDecimal(probe(file, "format=duration").get(0))
                .movePointRight(6)
                .longValue();
    }

    /** The download as the API serves it: its parts, each of the size the list says, in order, in one file. */
    private static Path assemble(Path local) throws IOException {
        Path download = local.resolve("download.mp4");
        try (OutputStream out = Files.newOutputStream(download)) {
            for (String line : Files.readAllLines(local.resolve("download.parts"))) {
                String[] part = line.split(" ");
                byte[] bytes = Files.readAllBytes(local.resolve(part[0]));
                assertThat((long) bytes.length).as(part[0]).isEqualTo(Long.parseLong(part[1]));
                out.write(bytes);
            }
        }
        return download;
    }

    /** The packets of a live's first {@code segments} TS segments, by codec. */
    private static Map<String, Long> sourcePackets(Path media, int segments) throws Exception {
        Map<String, Long> packets = new TreeMap<>();
        for (int i = 0; i < segments; i++) {
            FfmpegCli.packetsByCodec(media.resolve("index" + i + ".ts"))
                    .forEach((codec, n) -> packets.merge(codec, n, Long::sum));
        }
        return packets;
    }

    /** The sum of a playlist's EXTINF durations. */
    private static long playlistMicros(String playlist) {
        return playlist.lines()
                .filter(l -> l.startsWith("#EXTINF:"))
                .mapToLong(l -> new BigDecimal(l.substring(8, l.length() - 1))
                        .movePointRight(6)
                        .longValue())
                .sum();
    }

    /** Where a file's last packet ends on its timeline: ffprobe's start time plus its duration. */
    private static long endMicros(Path file) throws Exception {
        String[] probed = probe(file, "format=start_time,duration").get(0).split(",");
        return new BigDecimal(probed[0])
                .add(new BigDecimal(probed[1]))
                .movePointRight(6)
                .longValue();
    }

    /** Each stream's duration by codec name ({@code h264 -> 30000000}). */
    private static Map<String, Long> streamDurations(Path file) throws Exception {
        Map<String, Long> durations = new TreeMap<>();
        for (String line : probe(file, "stream=codec_name,duration")) {
            String[] fields = line.split(",");
            durations.put(fields[0], new BigDecimal(fields[1]).movePointRight(6).longValue());
        }
        return durations;
    }

    private static List<String> probe(Path file, String entries) throws Exception {
        Process probe = new ProcessBuilder(
                        "ffprobe", "-v", "error", "-show_entries", entries, "-of", "csv=p=0", file.toString())
                .start();
        String out = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        probe.waitFor();
        return out.lines().toList();
    }

    /** A jobs worker in its own JVM, as it runs in production. */
    private Process worker(ReplayFixture fixture, String name) throws Exception {
        return fixture.workerProcess(JAR, "live-build-workers", name, true);
    }
}
