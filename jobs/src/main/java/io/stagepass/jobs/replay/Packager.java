package io.stagepass.jobs.replay;

import io.stagepass.events.Bucket;
import io.stagepass.events.ReplayGap;
import io.stagepass.events.ReplayObject;
import io.stagepass.events.ReplayRendition;
import io.stagepass.events.ReplaySkip;
import io.stagepass.events.StreamKeys;
import io.stagepass.media.Demuxer;
import io.stagepass.media.MediaException;
import io.stagepass.platform.lifecycle.Directories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds one version of a live's replay: fetches the segments (in parallel, ahead of the remux), remuxes them in one
 * pass ({@link Remuxer}), writes the playlists and the thumbnail track, and uploads every file under
 * {@code {liveId}/v{version}/}. A segment that cannot be read is skipped with the reason and the replay goes on after
 * a discontinuity. The same input gives the same bytes (FFmpeg's bitexact mode), so a package interrupted and built
 * again is identical.
 */
public final class Packager {
    private static final Logger LOG = LoggerFactory.getLogger(Packager.class);
    /** Tiles every 5 s on lives up to half an hour, every 10 s on longer ones (a sprite holds 100). */
    static final long SHORT_TILE_MICROS = 5_000_000;

    static final long LONG_TILE_MICROS = 10_000_000;
    private static final long LONG_LIVE_MICROS = 30L * 60 * 1_000_000;
    /** The poster is the first keyframe after this share of the live (or after a minute, whichever is earlier). */
    private static final long POSTER_MAX_MICROS = 60_000_000;

    /** Stages and how much of the work each is, for the progress bar. */
    public interface Progress {
        void report(String stage, int percent);
    }

    private final ReplayStore store;
    private final Path workRoot;
    private final int parallelism;

    Packager(ReplayStore store, Path workRoot, int parallelism) {
        this.store = store;
        this.workRoot = workRoot;
        this.parallelism = parallelism;
    }

    /** What was built and uploaded: everything the READY fact says. */
    public record Result(
            int version,
            String prefix,
            List<ReplayObject> objects,
            String masterKey,
            String mediaKey,
            String mp4Key,
            String posterKey,
            String thumbnailsKey,
            List<String> spriteKeys,
            List<ReplayRendition> renditions,
            long durationMillis,
            long sizeBytes,
            List<ReplayGap> gaps,
            List<Long> discontinuities,
            List<ReplaySkip> skipped,
            int segments,
            String packageHash) {}

    /** A segment ready to remux, or the reason it cannot be. */
    private record Fetched(ReplayInput.Segment segment, Path file, Path init, String skipped) {}

    /** One segment the source's remux packaged: whether it began a run, and that run's shift onto the timeline. */
    record Step(long sequence, boolean newRun, long shiftMicros) {}

    /** A lower rendition remuxed along the source's steps. */
    private record RenditionRemuxed(
            String name, List<Playlists.Run> runs, String codecs, int width, int height, String frameRate) {}

    public Result build(ReplayInput input, int version, Progress progress) throws Exception {
        if (input.segments().isEmpty()) {
            throw new PackagingException("the live has no stored segments");
        }
        Path dir = workRoot.resolve(input.liveId()).resolve("v" + version);
        Directories.deleteRecursively(dir);
        Path in = Files.createDirectories(dir.resolve("in"));
        Path out = Files.createDirectories(dir.resolve("out"));
        ExecutorService fetchers = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "replay-fetch-" + input.liveId());
            thread.setDaemon(true);
            return thread;
        });
        try {
            Map<String, Future<Optional<String>>> inits = new TreeMap<>();
            for (ReplayInput.Segment init : input.inits()) {
                inits.put(
                        init.sha256(),
                        fetchers.submit(() -> store.fetch(
                                init.objectKey(), init.sha256(), in.resolve("init-" + init.sha256() + ".mp4"))));
            }
            List<Future<Fetched>> fetched = new ArrayList<>();
            for (ReplayInput.Segment segment : input.segments()) {
                fetched.add(fetchers.submit(() -> fetch(input, segment, in, inits)));
            }
            long start = System.nanoTime();
            Remuxed remuxed = remux(input, fetched, out, progress);
            List<RenditionRemuxed> renditions = new ArrayList<>();
            for (String name : input.renditions().keySet()) {
                if (!input.whole(name)) {
                    LOG.warn(
                            "live {}: the replay leaves out {}: the worker did not make it of every segment",
                            input.liveId(),
                            name);
                    continue;
                }
                progress.report("remuxing " + name, 70);
                remuxRendition(input, name, remuxed.steps(), in, out, fetchers).ifPresent(renditions::add);
            }
            long remuxedAt = System.nanoTime();
            progress.report("uploading", 70);
            Result result = upload(input, version, out, remuxed, renditions, progress);
            LOG.info(
                    "live {}: v{} fetched and remuxed in {} ms, uploaded {} MB in {} ms",
                    input.liveId(),
                    version,
                    (remuxedAt - start) / 1_000_000,
                    result.sizeBytes() >> 20,
                    (System.nanoTime() - remuxedAt) / 1_000_000);
            return result;
        } finally {
            fetchers.shutdownNow();
            Directories.deleteRecursively(dir);
        }
    }

    private Fetched fetch(
            ReplayInput input, ReplayInput.Segment segment, Path in, Map<String, Future<Optional<String>>> inits)
            throws Exception {
        Path init = null;
        if (segment.fmp4()) {
            ReplayInput.Segment initSegment = input.initFor(segment);
            if (initSegment == null) {
                return new Fetched(segment, null, null, "no fMP4 init section was stored before it");
            }
            Optional<String> initProblem = inits.get(initSegment.sha256()).get();
            if (initProblem.isPresent()) {
                return new Fetched(segment, null, null, "its init section cannot be used: " + initProblem.get());
            }
            init = in.resolve("init-" + initSegment.sha256() + ".mp4");
        }
        Path file = in.resolve(segment.sequence() + (segment.fmp4() ? ".m4s" : ".ts"));
        Optional<String> problem = store.fetch(segment.objectKey(), segment.sha256(), file);
        return new Fetched(segment, file, init, problem.orElse(null));
    }

    /** What the remux left in {@code out}, with the facts about it. */
    private record Remuxed(
            List<Playlists.Run> runs,
            long durationMicros,
            String codecs,
            int width,
            int height,
            String frameRate,
            Path poster,
            List<Path> sprites,
            List<Playlists.Tile> tiles,
            List<Long> discontinuities,
            List<ReplaySkip> skipped,
            int segments,
            List<Step> steps) {}

    private Remuxed remux(ReplayInput input, List<Future<Fetched>> fetched, Path out, Progress progress)
            throws Exception {
        long expected = input.expectedDurationMicros();
        long tileInterval = expected > LONG_LIVE_MICROS ? LONG_TILE_MICROS : SHORT_TILE_MICROS;
        List<ReplaySkip> skipped = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        try (Thumbnails thumbnails = new Thumbnails(out, tileInterval, Math.min(POSTER_MAX_MICROS, expected / 10));
                Remuxer remuxer = new Remuxer(out, thumbnails)) {
            RunPlan plan = new RunPlan();
            for (int i = 0; i < fetched.size(); i++) {
                Fetched next = fetched.get(i).get();
                ReplayInput.Segment segment = next.segment();
                if (next.skipped() != null) {
                    skip(skipped, segment, next.skipped());
                    plan.missing();
                    continue;
                }
                String init = next.init() == null ? null : next.init().toString();
                boolean newRun = plan.beginsRun(segment.sequence(), segment.discontinuity(), init);
                String url = init == null ? next.file().toString() : "concat:" + init + "|" + next.file();
                try (Demuxer demuxer = Demuxer.open(url, init == null ? "mpegts" : "mov", newRun)) {
                    if (newRun) {
                        remuxer.endRun();
                        remuxer.beginRun(demuxer, init == null);
                        plan.began(segment.sequence());
                    }
                    if (remuxer.copy(demuxer) == 0) {
                        throw new MediaException("it holds no audio or video packets");
                    }
                    steps.add(new Step(segment.sequence(), newRun, remuxer.runShiftMicros()));
                    plan.packaged(segment.sequence(), init);
                } catch (MediaException | IllegalArgumentException e) {
                    skip(skipped, segment, "FFmpeg cannot read it: " + e.getMessage());
                    if (newRun) {
                        remuxer.endRun(); // a run that could not start holds nothing
                    }
                    plan.unreadable(newRun);
                    continue;
                }
                progress.report("remuxing", (int) (5 + 65L * (i + 1) / fetched.size()));
            }
            remuxer.finish();
            int packaged = plan.packaged();
            if (packaged == 0) {
                throw new PackagingException("none of the " + fetched.size() + " segments could be read: "
                        + skipped.get(0).getReason());
            }
            List<Playlists.Run> runs = remuxer.runs().stream()
                    .filter(run -> !run.entries().isEmpty())
                    .toList();
            warnLeftOutOfDownload(input.liveId(), remuxer.runsLeftOutOfDownload());
            if (remuxer.droppedPackets() > 0) {
                LOG.warn(
                        "live {}: dropped {} packets whose timestamps went backwards",
                        input.liveId(),
                        remuxer.droppedPackets());
            }
            List<Playlists.Tile> tiles = thumbnails.finish(remuxer.durationMicros()); // writes the last sprite
            return new Remuxed(
                    runs,
                    remuxer.durationMicros(),
                    remuxer.codecs(),
                    remuxer.width(),
                    remuxer.height(),
                    remuxer.frameRate(),
                    thumbnails.poster(),
                    List.copyOf(thumbnails.sprites()),
                    tiles,
                    plan.discontinuities(),
                    skipped,
                    packaged,
                    List.copyOf(steps));
        }
    }

    /** Says, when there are any, how many stretches the download leaves out (either way of packaging). */
    static void warnLeftOutOfDownload(String liveId, int stretches) {
        if (stretches > 0) {
            LOG.warn(
                    "live {}: the download MP4 leaves out {} stretch(es) after a reconnect with other stream "
                            + "settings (an MP4 track keeps the first's); the HLS replay has everything",
                    liveId,
                    stretches);
        }
    }

    /**
     * A lower rendition, remuxed segment for segment along the source's steps (the same runs, each shifted as the
     * source's was: its segments carry the source's timestamps, so both renditions share one timeline). Empty, with
     * the reason logged, when the worker did not make every segment the source packaged, or one cannot be read: a
     * replay lists a rendition only whole.
     */
    private Optional<RenditionRemuxed> remuxRendition(
            ReplayInput input, String name, List<Step> steps, Path in, Path out, ExecutorService fetchers)
            throws Exception {
        Map<Long, ReplayInput.Segment> made = new TreeMap<>();
        input.renditions().get(name).forEach(segment -> made.put(segment.sequence(), segment));
        List<Long> missing = steps.stream()
                .map(Step::sequence)
                .filter(sequence -> !made.containsKey(sequence))
                .toList();
        if (!missing.isEmpty()) {
            LOG.warn(
                    "live {}: the replay leaves out {}: {} of its segments were not made (first: {})",
                    input.liveId(),
                    name,
                    missing.size(),
                    missing.get(0));
            return Optional.empty();
        }
        List<Future<Path>> files = new ArrayList<>();
        for (Step step : steps) {
            ReplayInput.Segment segment = made.get(step.sequence());
            files.add(fetchers.submit(() -> {
                Path file = in.resolve(name + "-" + segment.sequence() + ".ts");
                Optional<String> problem = store.fetch(segment.objectKey(), segment.sha256(), file);
                if (problem.isPresent()) {
                    throw new PackagingException(
                            "segment " + segment.sequence() + " of " + name + ": " + problem.get());
                }
                return file;
            }));
        }
        try (Remuxer remuxer = new Remuxer(out, "media-" + name, null, false)) {
            for (int i = 0; i < steps.size(); i++) {
                Step step = steps.get(i);
                Path file = files.get(i).get();
                try (Demuxer demuxer = Demuxer.open(file.toString(), "mpegts", step.newRun())) {
                    if (step.newRun()) {
                        remuxer.endRun();
                        remuxer.beginRun(demuxer, true, step.shiftMicros());
                    }
                    if (remuxer.copy(demuxer) == 0) {
                        throw new MediaException("segment " + step.sequence() + " holds no packets");
                    }
                }
                Files.delete(file);
            }
            remuxer.finish();
            return Optional.of(new RenditionRemuxed(
                    name,
                    remuxer.runs().stream()
                            .filter(run -> !run.entries().isEmpty())
                            .toList(),
                    remuxer.codecs(),
                    remuxer.width(),
                    remuxer.height(),
                    remuxer.frameRate()));
        } catch (ExecutionException | MediaException | IllegalArgumentException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            if (cause instanceof InterruptedException interrupted) {
                throw interrupted;
            }
            LOG.warn("live {}: the replay leaves out {}: {}", input.liveId(), name, cause.getMessage());
            try (Stream<Path> partial = Files.list(out)) {
                for (Path file : partial.filter(f -> f.getFileName().toString().startsWith("media-" + name + "-"))
                        .toList()) {
                    Files.delete(file);
                }
            }
            return Optional.empty();
        }
    }

    private static void skip(List<ReplaySkip> skipped, ReplayInput.Segment segment, String reason) {
        LOG.warn("replay: segment {} ({}) skipped: {}", segment.sequence(), segment.objectKey(), reason);
        skipped.add(new ReplaySkip(segment.sequence(), reason));
    }

    private Result upload(
            ReplayInput input,
            int version,
            Path out,
            Remuxed remuxed,
            List<RenditionRemuxed> renditions,
            Progress progress)
            throws Exception {
        String prefix = input.liveId() + "/v" + version + "/";
        Files.writeString(out.resolve("media.m3u8"), Playlists.media(remuxed.runs()));
        long peak = Playlists.peakBandwidth(remuxed.runs());
        long average = Playlists.averageBandwidth(remuxed.runs());
        List<Playlists.Variant> variants = new ArrayList<>();
        variants.add(new Playlists.Variant(
                peak, average, remuxed.codecs(), remuxed.width(), remuxed.height(), remuxed.frameRate(), "media.m3u8"));
        List<ReplayRendition> lower = new ArrayList<>();
        for (RenditionRemuxed rendition : renditions) {
            String playlist = "media-" + rendition.name() + ".m3u8";
            Files.writeString(out.resolve(playlist), Playlists.media(rendition.runs()));
            Playlists.Variant variant = new Playlists.Variant(
                    Playlists.peakBandwidth(rendition.runs()),
                    Playlists.averageBandwidth(rendition.runs()),
                    rendition.codecs(),
                    rendition.width(),
                    rendition.height(),
                    rendition.frameRate(),
                    playlist);
            variants.add(variant);
            lower.add(new ReplayRendition(
                    rendition.name(),
                    variant.width(),
                    variant.height(),
                    variant.bandwidth(),
                    variant.averageBandwidth(),
                    variant.codecs(),
                    variant.frameRate(),
                    prefix + playlist));
        }
        Files.writeString(out.resolve("master.m3u8"), Playlists.master(variants));
        Files.writeString(out.resolve("thumbnails.vtt"), Playlists.thumbnails(remuxed.tiles()));

        List<Path> files;
        try (Stream<Path> listing = Files.list(out)) {
            files = listing.sorted(Comparator.comparing(Path::toString)).toList();
        }
        long sum = 0;
        for (Path file : files) {
            sum += Files.size(file);
        }
        long total = sum;
        List<ReplayObject> objects = Collections.synchronizedList(new ArrayList<>());
        AtomicLong sent = new AtomicLong();
        // In waves: media in parallel first, then the thumbnail track, the media playlists, and the master last:
        // nothing
        // refers to an object that is not there yet (and READY, which names them all, comes after everything).
        Map<Integer, List<Path>> waves = new TreeMap<>();
        files.forEach(file ->
                waves.computeIfAbsent(uploadOrder(file), k -> new ArrayList<>()).add(file));
        ExecutorService uploaders = Executors.newFixedThreadPool(parallelism, runnable -> {
            Thread thread = new Thread(runnable, "replay-upload-" + input.liveId());
            thread.setDaemon(true);
            return thread;
        });
        try {
            for (List<Path> wave : waves.values()) {
                List<Future<?>> uploads = new ArrayList<>();
                for (Path file : wave.stream()
                        .sorted(Comparator.comparing(Packager::uploadOrder))
                        .toList()) {
                    uploads.add(uploaders.submit(() -> {
                        String key = prefix + file.getFileName();
                        long size = Files.size(file);
                        String sha256 = store.upload(
                                file, key, Bucket.contentType(file.getFileName().toString()));
                        objects.add(new ReplayObject(key, size, sha256));
                        progress.report("uploading", (int) (70 + 29 * sent.addAndGet(size) / Math.max(1, total)));
                        return null;
                    }));
                }
                for (Future<?> upload : uploads) {
                    upload.get();
                }
            }
        } finally {
            uploaders.shutdownNow();
        }
        objects.sort(Comparator.comparing(ReplayObject::getKey));
        StringBuilder manifest = new StringBuilder();
        objects.forEach(o -> manifest.append(o.getKey().substring(prefix.length()))
                .append(' ')
                .append(o.getSha256())
                .append('\n'));
        String packageHash = StreamKeys.sha256(manifest.toString().getBytes(StandardCharsets.UTF_8));
        ReplayRendition rendition = new ReplayRendition(
                "source",
                remuxed.width(),
                remuxed.height(),
                peak,
                average,
                remuxed.codecs(),
                remuxed.frameRate(),
                prefix + "media.m3u8");
        List<ReplayRendition> all = new ArrayList<>(List.of(rendition));
        all.addAll(lower);
        List<ReplayGap> gaps = input.gaps().stream()
                .map(g -> new ReplayGap(g.sequence(), g.length()))
                .toList();
        return new Result(
                version,
                prefix,
                objects,
                prefix + "master.m3u8",
                prefix + "media.m3u8",
                prefix + "download.mp4",
                remuxed.poster() == null ? null : prefix + "poster.jpg",
                prefix + "thumbnails.vtt",
                remuxed.sprites().stream().map(s -> prefix + s.getFileName()).toList(),
                all,
                remuxed.durationMicros() / 1000,
                total,
                gaps,
                remuxed.discontinuities(),
                remuxed.skipped(),
                remuxed.segments(),
                packageHash);
    }

    private static int uploadOrder(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".m3u8") ? (name.equals("master.m3u8") ? 3 : 2) : name.endsWith(".vtt") ? 1 : 0;
    }
}
