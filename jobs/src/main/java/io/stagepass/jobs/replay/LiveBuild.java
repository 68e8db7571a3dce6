package io.stagepass.jobs.replay;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stagepass.events.Bucket;
import io.stagepass.events.ReplayGap;
import io.stagepass.events.ReplayObject;
import io.stagepass.events.ReplayRendition;
import io.stagepass.events.ReplaySkip;
import io.stagepass.events.StreamKeys;
import io.stagepass.media.Decoder;
import io.stagepass.media.Demuxer;
import io.stagepass.media.MediaException;
import io.stagepass.media.Pictures;
import io.stagepass.platform.lifecycle.Directories;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avutil.AVFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One live's replay, built while the live streams. Each stored segment goes through the same stages as it arrives:
 * <b>fetch</b> (its bytes, checked against ingest's SHA-256), <b>plan</b> ({@link RunPlan}: does it begin a run?),
 * <b>mux</b> ({@link SegmentMux}: one CMAF fragment on the replay's timeline, and the run's init section),
 * <b>thumbnail</b> (a tile at the first keyframe every 5 s, 10 s after the first half hour; a sprite per 100 tiles;
 * the poster), <b>upload</b> (the fragment, under the version's prefix, never named by any playlist yet) and
 * <b>checkpoint</b> ({@code work/state.json}: everything the next segment needs). A lower rendition's segment is muxed
 * along the source's runs and shifts when its fact arrives. The end of the live only <b>finalises</b>: the last
 * sprite, the download's head and index, the playlists (master last), a manifest of every object, then READY.
 *
 * <p>Every stage is deterministic (FFmpeg's bitexact mode, fragments numbered and timed from the checkpointed
 * timeline), so a worker that dies mid-live is replaced by one that loads the checkpoint, goes on from the next
 * segment, and ends with the same bytes an uninterrupted build gives.
 */
final class LiveBuild {
    private static final Logger LOG = LoggerFactory.getLogger(LiveBuild.class);
    static final String SOURCE = "source";
    static final String STATE = "work/state.json";
    /** Pieces are checkpointed in chunks of this many: a closed chunk is written once, never again. */
    static final int CHUNK = 256;

    static final long SHORT_TILE_MICROS = Packager.SHORT_TILE_MICROS;
    static final long LONG_TILE_MICROS = Packager.LONG_TILE_MICROS;
    /** Tiles every 5 s for the first half hour, every 10 s after it. */
    static final long LONG_AFTER_MICROS = 30L * 60 * 1_000_000;
    /** The poster: the first keyframe at or after a minute (the live's first one for shorter lives). */
    static final long POSTER_AT_MICROS = 60_000_000;

    static final ObjectMapper JSON =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** One segment as the replay has it. */
    record Piece(
            long sequence,
            int run,
            String name,
            long bytes,
            String sha256,
            String sourceSha256,
            long startMicros,
            long endMicros,
            long videoStartTicks,
            long videoTicks) {}

    /** One stretch without discontinuity: its init section and what the download needs to know of it. */
    record Run(
            int index,
            long firstSequence,
            String init,
            long initBytes,
            String initSha256,
            String parameters,
            long videoTimescale,
            Long shiftMicros) {}

    /** A tile of the thumbnails: when, and where in which sprite. */
    record Tile(long atMicros, int sprite, int x, int y) {}

    /** A segment left out, and why. */
    record Skip(long sequence, String reason) {}

    /** A stored fMP4 init section of the source. */
    record InitRef(long sequence, String objectKey, String sha256) {}

    /** A rendition's part of the build (the source's or a lower one's). */
    static final class Track {
        public SegmentMux.Timeline timeline = new SegmentMux.Timeline();
        public List<Run> runs = new ArrayList<>();
        /** Every piece so far (only the open chunk's are in the state object; closed chunks are objects of their own). */
        public List<Piece> pieces = new ArrayList<>();

        public int chunks;
        public SegmentMux.Description description;
    }

    /** Everything a successor needs to go on. Public fields: it is the checkpoint's JSON. */
    static final class State {
        public String liveId;
        public int version;
        public RunPlan.State plan = new RunPlan().state();
        /** The last source segment handled (packaged or skipped): facts at or below it are done. */
        public long lastSequence = -1;

        public Map<String, Track> tracks = new TreeMap<>();
        public List<Skip> skipped = new ArrayList<>();
        public List<InitRef> inits = new ArrayList<>();
        public List<Tile> tiles = new ArrayList<>();
        public int tileHeight;
        public long nextTileAt;
        public int sprites;
        public boolean posterFirst;
        public boolean posterMinute;
        /** The stream parameters of the download's tracks: the first run's. */
        public String downloadParameters;

        public int downloadRun = -1;
        /** Source segments whose facts came before one they follow (stored: their offsets are committed). */
        public List<ReplayInput.Segment> waiting = new ArrayList<>();
        /** Sequence numbers ingest said never arrived, not yet passed. */
        public List<Long> gaps = new ArrayList<>();
        /** Lower-rendition segments whose facts came before the source segment they follow, by rendition. */
        public Map<String, List<ReplayInput.Segment>> renditionWaiting = new TreeMap<>();
    }

    private final ReplayStore store;
    private final Path work;
    private final State state;
    private final String prefix;
    /** The open sprite's tiles, as raw pictures (rebuilt from their stored copies when a successor takes over). */
    private final List<byte[]> openSprite = new ArrayList<>();
    /** Source segments that came before one they follow, by sequence. */
    private final TreeMap<Long, ReplayInput.Segment> waitingSource = new TreeMap<>();
    /** Sequence numbers ingest said never arrived. */
    private final java.util.Set<Long> gaps = new java.util.HashSet<>();

    static final int MAX_WAITING = 30;

    /** Whether the state changed since the last checkpoint that reached the store. */
    private boolean dirty;

    private volatile boolean closed;

    /** When a fact last came for this build ({@link System#nanoTime()}). */
    private volatile long usedAt = System.nanoTime();

    /** Lower-rendition facts that came before the segment they follow: kept until it is their turn. */
    private final Map<String, TreeMap<Long, ReplayInput.Segment>> waiting = new TreeMap<>();

    private LiveBuild(ReplayStore store, Path work, State state) {
        this.store = store;
        this.work = work;
        this.state = state;
        this.prefix = state.liveId + "/v" + state.version + "/";
    }

    /** A build from its checkpoint, or a fresh one when there is none. */
    static LiveBuild open(ReplayStore store, Path workRoot, String liveId, int version) throws Exception {
        Path work = Files.createDirectories(workRoot.resolve(liveId).resolve("v" + version));
        String prefix = liveId + "/v" + version + "/";
        Optional<byte[]> saved = store.read(Bucket.REPLAYS, prefix + STATE);
        if (saved.isEmpty()) {
            State state = new State();
            state.liveId = liveId;
            state.version = version;
            state.tracks.put(SOURCE, new Track());
            return new LiveBuild(store, work, state);
        }
        State state = JSON.readValue(saved.get(), State.class);
        for (Map.Entry<String, Track> track : state.tracks.entrySet()) {
            List<Piece> all = new ArrayList<>();
            for (int chunk = 0; chunk < track.getValue().chunks; chunk++) {
                byte[] bytes = store.read(Bucket.REPLAYS, prefix + chunkName(track.getKey(), chunk))
                        .orElseThrow(() -> new IllegalStateException("a checkpoint chunk is missing"));
                all.addAll(List.of(JSON.readValue(bytes, Piece[].class)));
            }
            all.addAll(track.getValue().pieces);
            track.getValue().pieces = all;
        }
        LiveBuild build = new LiveBuild(store, work, state);
        state.waiting.forEach(segment -> build.waitingSource.put(segment.sequence(), segment));
        build.gaps.addAll(state.gaps);
        state.renditionWaiting.forEach((name, segments) -> segments.forEach(segment ->
                build.waiting.computeIfAbsent(name, n -> new TreeMap<>()).put(segment.sequence(), segment)));
        int open = state.tiles.size() - state.sprites * Thumbnails.COLUMNS * Thumbnails.ROWS;
        for (int i = state.tiles.size() - open; i < state.tiles.size(); i++) {
            build.openSprite.add(store.read(Bucket.REPLAYS, prefix + tileName(i))
                    .orElseThrow(() -> new IllegalStateException("a checkpointed tile is missing")));
        }
        LOG.info(
                "live {}: replay v{} goes on from its checkpoint after segment {}",
                liveId,
                version,
                state.lastSequence);
        return build;
    }

    /** The last segment the stored checkpoint of a live's build covers, -1 when there is none. */
    static long storedLastSequence(ReplayStore store, String liveId, int version) throws Exception {
        Optional<byte[]> saved = store.read(Bucket.REPLAYS, liveId + "/v" + version + "/" + STATE);
        return saved.isEmpty()
                ? -1
                : JSON.readTree(saved.get()).path("lastSequence").asLong(-1);
    }

    String liveId() {
        return state.liveId;
    }

    int version() {
        return state.version;
    }

    long lastSequence() {
        return state.lastSequence;
    }

    /** An fMP4 init section ingest stored: later segments may need it. */
    synchronized void init(ReplayInput.Segment init) throws Exception {
        use();
        settle();
        if (state.inits.stream().noneMatch(i -> i.sequence() == init.sequence())) {
            state.inits.add(new InitRef(init.sequence(), init.objectKey(), init.sha256()));
            state.inits.sort(Comparator.comparingLong(InitRef::sequence));
            drain(); // an fMP4 segment whose fact came before its init section's waits for it
            checkpoint();
        }
    }

    /** A checkpoint that failed is written before anything else: its fact's offset may be committed already. */
    private void settle() throws Exception {
        if (dirty) {
            checkpoint();
        }
    }

    /**
     * A source segment's fact as it arrives. Ingest stores segments in parallel, so facts may come out of order: a
     * segment waits until the ones before it came, or a GAP fact says they never will, or {@value #MAX_WAITING}
     * segments wait behind a hole (it is then a gap, and a segment that fills it after all sends the replay to the
     * whole-replay packager at the end). False when it is at or below the last one handled: a duplicate, or too late.
     */
    synchronized boolean offer(ReplayInput.Segment segment) throws Exception {
        use();
        settle();
        if (segment.sequence() <= state.lastSequence || waitingSource.containsKey(segment.sequence())) {
            return false;
        }
        waitingSource.put(segment.sequence(), segment);
        long before = state.lastSequence;
        drain();
        if (state.lastSequence == before) {
            checkpoint(); // it waits, and only the checkpoint remembers it
        }
        return true;
    }

    /** Whether the source segment of this sequence is in the build (packaged, or skipped as unreadable). */
    synchronized boolean has(long sequence) {
        return state.tracks.get(SOURCE).pieces.stream().anyMatch(p -> p.sequence() == sequence)
                || state.skipped.stream().anyMatch(s -> s.sequence() == sequence);
    }

    /** Segments waiting behind a hole. */
    synchronized int waitingCount() {
        return waitingSource.size();
    }

    /** Ingest says these sequence numbers never arrived. */
    synchronized void gap(long sequence, long length) throws Exception {
        use();
        settle();
        for (long i = 0; i < length && i < 100_000; i++) {
            gaps.add(sequence + i);
        }
        drain();
        checkpoint();
    }

    private void drain() throws Exception {
        while (!waitingSource.isEmpty()) {
            long first = waitingSource.firstKey();
            boolean hole = false;
            for (long s = state.lastSequence + 1; s < first && !hole; s++) {
                hole = !gaps.contains(s);
            }
            ReplayInput.Segment next = waitingSource.firstEntry().getValue();
            boolean noInit = next.fmp4() && initFor(next.sequence()) == null;
            if ((hole || noInit) && waitingSource.size() <= MAX_WAITING) {
                return;
            }
            source(waitingSource.pollFirstEntry().getValue());
        }
    }

    /** The next source segment, through every stage; false when it is at or below the last one handled. */
    synchronized boolean source(ReplayInput.Segment segment) throws Exception {
        if (segment.sequence() <= state.lastSequence) {
            return false;
        }
        RunPlan plan = RunPlan.of(state.plan);
        Track track = state.tracks.get(SOURCE);
        Path file = work.resolve("segment-" + segment.sequence());
        InitRef init = segment.fmp4() ? initFor(segment.sequence()) : null;
        Path initFile = null;
        try {
            Optional<String> problem = init == null && segment.fmp4()
                    ? Optional.of("no fMP4 init section was stored before it")
                    : store.fetch(segment.objectKey(), segment.sha256(), file);
            if (problem.isEmpty() && init != null) {
                initFile = work.resolve("init-" + init.sha256() + ".mp4");
                if (!Files.exists(initFile)) {
                    Path part = work.resolve("init-" + init.sha256() + ".part");
                    problem = store.fetch(init.objectKey(), init.sha256(), part);
                    if (problem.isEmpty()) {
                        Files.move(part, initFile, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    } else {
                        Files.deleteIfExists(part);
                    }
                }
            }
            if (problem.isPresent()) {
                skip(segment, problem.get());
                plan.missing();
            } else {
                String initId = init == null ? null : init.sha256() + "/" + init.sequence();
                boolean newRun = plan.beginsRun(segment.sequence(), segment.discontinuity(), initId);
                String url = initFile == null ? file.toString() : "concat:" + initFile + "|" + file;
                SegmentMux.Timeline timeline = track.timeline.copy();
                try (Demuxer demuxer = Demuxer.open(url, initFile == null ? "mpegts" : "mov", true);
                        Tap tap = new Tap()) {
                    SegmentMux.Muxed muxed = SegmentMux.mux(demuxer, initFile == null, timeline, newRun, null, tap);
                    // Everything is stored before the state changes: a failure here retries the same segment
                    // from the same state, and gives the same bytes.
                    tap.upload();
                    Runnable placed = place(SOURCE, segment, muxed, newRun, timeline);
                    if (newRun) {
                        plan.began(segment.sequence());
                    }
                    plan.packaged(segment.sequence(), initId);
                    placed.run();
                    tap.commit();
                } catch (MediaException | IllegalArgumentException e) {
                    skip(segment, "FFmpeg cannot read it: " + e.getMessage());
                    plan.unreadable(newRun);
                }
            }
        } finally {
            Files.deleteIfExists(file);
        }
        state.plan = plan.state();
        state.lastSequence = segment.sequence();
        checkpoint();
        return true;
    }

    /**
     * A lower rendition's segment: muxed along the source's run and shift for the same sequence, in order (one that
     * comes before its predecessor waits for it).
     */
    synchronized void rendition(String name, ReplayInput.Segment segment) throws Exception {
        use();
        settle();
        boolean fresh = waiting.computeIfAbsent(name, n -> new TreeMap<>()).put(segment.sequence(), segment) == null;
        Track track = state.tracks.computeIfAbsent(name, n -> new Track());
        List<Piece> source = state.tracks.get(SOURCE).pieces;
        boolean changed = false;
        while (true) {
            int next = track.pieces.size();
            if (next >= source.size()) {
                break;
            }
            Piece step = source.get(next);
            ReplayInput.Segment made = waiting.get(name).remove(step.sequence());
            if (made == null) {
                break;
            }
            Run run = state.tracks.get(SOURCE).runs.get(step.run());
            boolean newRun = track.runs.size() <= step.run();
            Path file = work.resolve(name + "-" + made.sequence() + ".ts");
            try {
                Optional<String> problem = store.fetch(made.objectKey(), made.sha256(), file);
                if (problem.isPresent()) {
                    throw new PackagingException("segment " + made.sequence() + " of " + name + ": " + problem.get());
                }
                SegmentMux.Timeline timeline = track.timeline.copy();
                try (Demuxer demuxer = Demuxer.open(file.toString(), "mpegts", true)) {
                    SegmentMux.Muxed muxed = SegmentMux.mux(demuxer, true, timeline, newRun, run.shiftMicros(), null);
                    place(name, made, muxed, newRun, timeline).run();
                    changed = true;
                }
            } catch (MediaException | IllegalArgumentException | PackagingException e) {
                LOG.warn(
                        "live {}: the replay's {} cannot use segment {}: {}",
                        state.liveId,
                        name,
                        made.sequence(),
                        e.getMessage());
                waiting.get(name).put(made.sequence(), made); // stays missing: the rendition will not be whole
                break;
            } finally {
                Files.deleteIfExists(file);
            }
        }
        waiting.get(name)
                .headMap(
                        track.pieces.isEmpty()
                                ? 0
                                : track.pieces.get(track.pieces.size() - 1).sequence(),
                        true)
                .clear();
        if (changed || (fresh && waiting.get(name).containsKey(segment.sequence()))) {
            checkpoint(); // it waits for its source segment, and only the checkpoint remembers it
        }
    }

    /**
     * The upload stage: stores a muxed piece (and its run's init section when it begins one); returns what records it
     * in the state, to run once everything of the segment is stored.
     */
    private Runnable place(
            String name, ReplayInput.Segment segment, SegmentMux.Muxed muxed, boolean newRun, SegmentMux.Timeline after)
            throws Exception {
        String tag = name.equals(SOURCE) ? "" : name + "-";
        Run run = null;
        if (newRun) {
            String init = tag + "init-" + after.run + ".mp4";
            String sha = store.upload(Bucket.REPLAYS, muxed.init(), prefix + init, "video/mp4");
            run = new Run(
                    after.run,
                    segment.sequence(),
                    init,
                    muxed.init().length,
                    sha,
                    muxed.parameters(),
                    muxed.videoTimescale(),
                    after.shiftMicros);
        }
        String stored = tag + String.format("seg-%08d.m4s", segment.sequence());
        String sha = store.upload(Bucket.REPLAYS, muxed.fragment(), prefix + stored, "video/mp4");
        Piece piece = new Piece(
                segment.sequence(),
                after.run,
                stored,
                muxed.fragment().length,
                sha,
                segment.sha256(),
                muxed.startMicros(),
                muxed.endMicros(),
                muxed.videoStartTicks(),
                muxed.videoTicks());
        Run begun = run;
        return () -> {
            Track track = state.tracks.computeIfAbsent(name, n -> new Track());
            if (begun != null) {
                track.runs.add(begun);
                if (track.description == null) {
                    track.description = muxed.description();
                }
                if (name.equals(SOURCE) && state.downloadParameters == null) {
                    state.downloadParameters = muxed.parameters();
                    state.downloadRun = begun.index();
                }
            }
            track.timeline = after;
            track.pieces.add(piece);
        };
    }

    private InitRef initFor(long sequence) {
        InitRef found = null;
        for (InitRef init : state.inits) {
            if (init.sequence() <= sequence) {
                found = init;
            }
        }
        return found;
    }

    private void skip(ReplayInput.Segment segment, String reason) {
        LOG.warn("replay: segment {} ({}) skipped: {}", segment.sequence(), segment.objectKey(), reason);
        state.skipped.add(new Skip(segment.sequence(), reason));
    }

    /** Writes the state after the objects it names: the closed chunks once, the state object every time. */
    private void checkpoint() throws Exception {
        dirty = true;
        doCheckpoint();
        dirty = false;
    }

    private void doCheckpoint() throws Exception {
        State saved = new State();
        saved.liveId = state.liveId;
        saved.version = state.version;
        saved.plan = state.plan;
        saved.lastSequence = state.lastSequence;
        saved.skipped = state.skipped;
        saved.inits = state.inits;
        saved.tiles = state.tiles;
        saved.tileHeight = state.tileHeight;
        saved.nextTileAt = state.nextTileAt;
        saved.sprites = state.sprites;
        saved.posterFirst = state.posterFirst;
        saved.posterMinute = state.posterMinute;
        saved.downloadParameters = state.downloadParameters;
        saved.downloadRun = state.downloadRun;
        saved.waiting = List.copyOf(waitingSource.values());
        saved.gaps = gaps.stream().filter(g -> g > state.lastSequence).sorted().toList();
        waiting.forEach((name, segments) -> {
            if (!segments.isEmpty()) {
                saved.renditionWaiting.put(name, List.copyOf(segments.values()));
            }
        });
        for (Map.Entry<String, Track> entry : state.tracks.entrySet()) {
            Track track = entry.getValue();
            while ((track.chunks + 1) * CHUNK <= track.pieces.size()) {
                List<Piece> chunk = track.pieces.subList(track.chunks * CHUNK, (track.chunks + 1) * CHUNK);
                store.upload(
                        Bucket.REPLAYS,
                        JSON.writeValueAsBytes(chunk),
                        prefix + chunkName(entry.getKey(), track.chunks),
                        "application/json");
                track.chunks++;
            }
            Track open = new Track();
            open.timeline = track.timeline;
            open.runs = track.runs;
            open.chunks = track.chunks;
            open.description = track.description;
            open.pieces = track.pieces.subList(track.chunks * CHUNK, track.pieces.size());
            saved.tracks.put(entry.getKey(), open);
        }
        store.upload(Bucket.REPLAYS, JSON.writeValueAsBytes(saved), prefix + STATE, "application/json");
    }

    static String chunkName(String track, int chunk) {
        return "work/pieces-" + track + "-" + chunk + ".json";
    }

    static String tileName(int tile) {
        return String.format("work/tile-%06d.yuv", tile);
    }

    static String spriteName(int sprite) {
        return "tiles-" + sprite + ".jpg";
    }

    /** When the tile after one cut at {@code atMicros} is due: the grid's next point. */
    static long nextTileAt(long atMicros) {
        long interval = atMicros < LONG_AFTER_MICROS ? SHORT_TILE_MICROS : LONG_TILE_MICROS;
        return (atMicros / interval + 1) * interval;
    }

    /**
     * The thumbnail stage: keyframes of one segment, decoded only when a tile or the poster wants them. What it makes
     * is kept in the build's state only when the segment's mux succeeded and everything is stored ({@link #commit}).
     */
    private final class Tap implements SegmentMux.KeyframeTap, AutoCloseable {
        private Decoder decoder;
        private final List<Runnable> commits = new ArrayList<>();
        private final Map<String, byte[]> uploads = new LinkedHashMap<>();
        private long nextTileAt = state.nextTileAt;
        private boolean posterFirst = state.posterFirst;
        private boolean posterMinute = state.posterMinute;
        private int tiles = state.tiles.size();
        private final List<byte[]> sprite = new ArrayList<>(openSprite);
        private int sprites = state.sprites;
        private int tileHeight = state.tileHeight;
        private final List<Tile> newTiles = new ArrayList<>();

        @Override
        public void keyframe(AVPacket packet, long atMicros, AVCodecParameters video) {
            boolean tile = atMicros >= nextTileAt;
            boolean poster = !posterFirst || !posterMinute && atMicros >= POSTER_AT_MICROS;
            if (!tile && !poster) {
                return;
            }
            try {
                cut(packet, atMicros, video, tile, poster);
            } catch (MediaException e) {
                LOG.debug(
                        "live {}: no thumbnail from the keyframe at {} us: {}", state.liveId, atMicros, e.getMessage());
            }
        }

        private void cut(AVPacket packet, long atMicros, AVCodecParameters video, boolean tile, boolean poster) {
            if (decoder == null) {
                decoder = Decoder.open(video);
            }
            AVFrame picture = decoder.decodeKeyframe(packet);
            if (picture == null) {
                return;
            }
            if (poster) {
                int width = Math.min(Thumbnails.POSTER_MAX_WIDTH, picture.width()) / 2 * 2;
                int height = Math.max(2, (int) ((long) width * picture.height() / picture.width()) / 2 * 2);
                AVFrame scaled = Pictures.scaled(picture, width, height);
                byte[] jpeg;
                try {
                    jpeg = Pictures.jpeg(scaled);
                } finally {
                    Pictures.free(scaled);
                }
                if (!posterFirst) {
                    uploads.put("poster-first.jpg", jpeg);
                    posterFirst = true;
                }
                if (!posterMinute && atMicros >= POSTER_AT_MICROS) {
                    uploads.put("poster-minute.jpg", jpeg);
                    posterMinute = true;
                }
            }
            if (tile) {
                if (tileHeight == 0) {
                    tileHeight = Math.max(
                            2, (int) (Thumbnails.TILE_WIDTH * (long) picture.height() / picture.width()) / 2 * 2);
                }
                AVFrame scaled = Pictures.scaled(picture, Thumbnails.TILE_WIDTH, tileHeight);
                byte[] raw;
                try {
                    raw = Pictures.raw(scaled);
                } finally {
                    Pictures.free(scaled);
                }
                int index = tiles++;
                int slot = sprite.size();
                newTiles.add(new Tile(
                        atMicros,
                        sprites,
                        slot % Thumbnails.COLUMNS * Thumbnails.TILE_WIDTH,
                        slot / Thumbnails.COLUMNS * tileHeight));
                uploads.put(tileName(index), raw);
                sprite.add(raw);
                if (sprite.size() == Thumbnails.COLUMNS * Thumbnails.ROWS) {
                    uploads.put(spriteName(sprites), composeSprite(sprite, tileHeight));
                    sprite.clear();
                    sprites++;
                }
                nextTileAt = nextTileAt(atMicros);
            }
        }

        /** Stores what this segment made. */
        void upload() throws Exception {
            for (Map.Entry<String, byte[]> upload : uploads.entrySet()) {
                store.upload(
                        Bucket.REPLAYS,
                        upload.getValue(),
                        prefix + upload.getKey(),
                        Bucket.contentType(upload.getKey()));
            }
        }

        /** Makes it part of the state, once stored. */
        void commit() {
            state.nextTileAt = nextTileAt;
            state.posterFirst = posterFirst;
            state.posterMinute = posterMinute;
            state.tiles.addAll(newTiles);
            state.sprites = sprites;
            state.tileHeight = tileHeight;
            openSprite.clear();
            openSprite.addAll(sprite);
        }

        @Override
        public void close() {
            if (decoder != null) {
                decoder.close();
            }
        }
    }

    private static byte[] composeSprite(List<byte[]> tiles, int tileHeight) {
        int rows = (tiles.size() + Thumbnails.COLUMNS - 1) / Thumbnails.COLUMNS;
        int columns = Math.min(Thumbnails.COLUMNS, tiles.size());
        AVFrame canvas = Pictures.canvas(columns * Thumbnails.TILE_WIDTH, rows * tileHeight);
        try {
            for (int i = 0; i < tiles.size(); i++) {
                AVFrame tile = Pictures.fromRaw(tiles.get(i), Thumbnails.TILE_WIDTH, tileHeight);
                try {
                    Pictures.place(
                            tile,
                            canvas,
                            i % Thumbnails.COLUMNS * Thumbnails.TILE_WIDTH,
                            i / Thumbnails.COLUMNS * tileHeight);
                } finally {
                    Pictures.free(tile);
                }
            }
            return Pictures.jpeg(canvas);
        } finally {
            Pictures.free(canvas);
        }
    }

    /**
     * Whether this build can finish the replay of {@code input}: every segment it handled is the input's (same
     * bytes), and none of the input's lies below its last handled one without having been handled (a late segment it
     * can no longer place in order: the replay is then packaged whole, as before).
     */
    synchronized Optional<String> mismatch(ReplayInput input) {
        Map<Long, String> handled = new TreeMap<>();
        state.tracks.get(SOURCE).pieces.forEach(p -> handled.put(p.sequence(), p.sourceSha256()));
        state.skipped.forEach(s -> handled.putIfAbsent(s.sequence(), null));
        Map<Long, String> given = new TreeMap<>();
        input.segments().forEach(s -> given.put(s.sequence(), s.sha256()));
        for (Map.Entry<Long, String> done : handled.entrySet()) {
            if (!given.containsKey(done.getKey())) {
                return Optional.of("segment " + done.getKey() + " is no longer in the live's facts");
            }
            if (done.getValue() != null && !done.getValue().equals(given.get(done.getKey()))) {
                return Optional.of("segment " + done.getKey() + " has other bytes than the ones packaged");
            }
        }
        for (long sequence : given.keySet()) {
            if (sequence <= state.lastSequence && !handled.containsKey(sequence)) {
                return Optional.of("segment " + sequence + " arrived after later ones were packaged");
            }
        }
        return Optional.empty();
    }

    /**
     * The end of the live: the segments still to do (the checkpoint may be behind the input), the lower renditions'
     * last pieces, then only what cannot exist before the end: the open sprite, the download's head and index, the
     * playlists (master last), the manifest. Returns what the READY fact says.
     */
    synchronized Packager.Result finish(ReplayInput input, Packager.Progress progress) throws Exception {
        use();
        Optional<String> mismatch = mismatch(input);
        if (mismatch.isPresent()) {
            throw new Mismatch(mismatch.get());
        }
        for (ReplayInput.Segment init : input.inits()) {
            init(init);
        }
        waitingSource.clear(); // the input has every segment, in order
        for (ReplayInput.Segment segment : input.segments()) {
            if (segment.sequence() > state.lastSequence) {
                source(segment);
            }
        }
        Track source = state.tracks.get(SOURCE);
        if (source.pieces.isEmpty()) {
            throw new PackagingException(
                    input.segments().isEmpty()
                            ? "the live has no stored segments"
                            : "none of the " + input.segments().size() + " segments could be read: "
                                    + state.skipped.get(0).reason());
        }
        progress.report("finalising", 90);
        List<String> lower = new ArrayList<>();
        for (Map.Entry<String, List<ReplayInput.Segment>> rendition :
                input.renditions().entrySet()) {
            String name = rendition.getKey();
            for (ReplayInput.Segment segment : rendition.getValue()) {
                Track track = state.tracks.get(name);
                if (track == null || track.pieces.stream().noneMatch(p -> p.sequence() == segment.sequence())) {
                    rendition(name, segment);
                }
            }
            Track track = state.tracks.get(name);
            if (track != null && track.pieces.size() == source.pieces.size()) {
                lower.add(name);
            } else {
                LOG.warn(
                        "live {}: the replay leaves out {}: the worker did not make it of every segment",
                        state.liveId,
                        name);
            }
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        if (!openSprite.isEmpty()) {
            files.put(spriteName(state.sprites), composeSprite(openSprite, state.tileHeight));
        }
        long duration = runs(source).stream()
                .flatMap(run -> run.entries().stream())
                .mapToLong(Playlists.PieceEntry::durationMicros)
                .sum();
        List<Playlists.Tile> tiles = new ArrayList<>();
        List<Long> starts = new ArrayList<>();
        for (Tile tile : state.tiles) {
            tiles.add(new Playlists.Tile(
                    0, 0, spriteName(tile.sprite()), tile.x(), tile.y(), Thumbnails.TILE_WIDTH, state.tileHeight));
            starts.add(tile.atMicros());
        }
        String poster = state.posterMinute ? "poster-minute.jpg" : state.posterFirst ? "poster-first.jpg" : null;
        Download download = download(source);
        files.put("download-head.mp4", download.head());
        files.put("download.parts", download.parts().getBytes(StandardCharsets.UTF_8));
        files.put(
                "thumbnails.vtt",
                Playlists.thumbnails(Thumbnails.cues(tiles, starts, duration)).getBytes(StandardCharsets.UTF_8));
        List<Playlists.Variant> variants = new ArrayList<>();
        variants.add(variant(source, "media.m3u8"));
        files.put("media.m3u8", Playlists.pieces(runs(source)).getBytes(StandardCharsets.UTF_8));
        for (String name : lower) {
            Track track = state.tracks.get(name);
            files.put("media-" + name + ".m3u8", Playlists.pieces(runs(track)).getBytes(StandardCharsets.UTF_8));
            variants.add(variant(track, "media-" + name + ".m3u8"));
        }
        files.put("master.m3u8", Playlists.master(variants).getBytes(StandardCharsets.UTF_8));

        // The manifest names every object of the package with its SHA-256: the package's hash is its own.
        TreeMap<String, String> all = new TreeMap<>();
        Map<String, Long> sizes = new TreeMap<>();
        for (Track track : List.of(source)) {
            addObjects(track, all, sizes);
        }
        for (String name : lower) {
            addObjects(state.tracks.get(name), all, sizes);
        }
        for (int sprite = 0; sprite < state.sprites; sprite++) {
            all.put(spriteName(sprite), null); // stored during the live: hashed below
        }
        if (poster != null) {
            all.put(poster, null);
        }
        for (Map.Entry<String, String> entry : new ArrayList<>(all.entrySet())) {
            if (entry.getValue() == null) {
                byte[] bytes = store.read(Bucket.REPLAYS, prefix + entry.getKey())
                        .orElseThrow(() -> new PackagingException("the stored " + entry.getKey() + " is missing"));
                all.put(entry.getKey(), StreamKeys.sha256(bytes));
                sizes.put(entry.getKey(), (long) bytes.length);
            }
        }
        files.forEach((name, bytes) -> {
            all.put(name, StreamKeys.sha256(bytes));
            sizes.put(name, (long) bytes.length);
        });
        StringBuilder manifest = new StringBuilder();
        all.forEach((name, sha) -> manifest.append(name).append(' ').append(sha).append('\n'));
        String packageHash = StreamKeys.sha256(manifest.toString().getBytes(StandardCharsets.UTF_8));
        files.put("manifest.txt", manifest.toString().getBytes(StandardCharsets.UTF_8));

        // Upload in order: what the playlists name first, the media playlists, the master last.
        List<ReplayObject> objects = new ArrayList<>();
        List<String> order = new ArrayList<>(files.keySet());
        order.sort(Comparator.comparingInt(LiveBuild::uploadOrder));
        for (String name : order) {
            byte[] bytes = files.get(name);
            String sha = store.upload(Bucket.REPLAYS, bytes, prefix + name, Bucket.contentType(name));
            objects.add(new ReplayObject(prefix + name, (long) bytes.length, sha));
        }
        objects.sort(Comparator.comparing(ReplayObject::getKey));
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        List<ReplayRendition> renditions = new ArrayList<>();
        renditions.add(rendition(SOURCE, source, variants.get(0)));
        for (int i = 0; i < lower.size(); i++) {
            renditions.add(rendition(lower.get(i), state.tracks.get(lower.get(i)), variants.get(i + 1)));
        }
        List<ReplayGap> gaps = input.gaps().stream()
                .map(g -> new ReplayGap(g.sequence(), g.length()))
                .toList();
        if (source.timeline.dropped > 0) {
            LOG.warn(
                    "live {}: dropped {} packets whose timestamps went backwards",
                    state.liveId,
                    source.timeline.dropped);
        }
        List<String> sprites = new ArrayList<>();
        for (int sprite = 0; sprite < state.sprites + (openSprite.isEmpty() ? 0 : 1); sprite++) {
            sprites.add(prefix + spriteName(sprite));
        }
        return new Packager.Result(
                state.version,
                prefix,
                objects,
                prefix + "master.m3u8",
                prefix + "media.m3u8",
                prefix + "download.mp4",
                poster == null ? null : prefix + poster,
                prefix + "thumbnails.vtt",
                sprites,
                renditions,
                duration / 1000,
                total,
                gaps,
                RunPlan.of(state.plan).discontinuities(),
                state.skipped.stream()
                        .map(s -> new ReplaySkip(s.sequence(), s.reason()))
                        .toList(),
                source.pieces.size(),
                packageHash);
    }

    private static void addObjects(Track track, Map<String, String> all, Map<String, Long> sizes) {
        for (Run run : track.runs) {
            all.put(run.init(), run.initSha256());
            sizes.put(run.init(), run.initBytes());
        }
        for (Piece piece : track.pieces) {
            all.put(piece.name(), piece.sha256());
            sizes.put(piece.name(), piece.bytes());
        }
    }

    private static int uploadOrder(String name) {
        if (name.equals("master.m3u8")) {
            return 4;
        }
        if (name.equals("manifest.txt")) {
            return 5;
        }
        return name.endsWith(".m3u8") ? 3 : name.endsWith(".vtt") ? 2 : name.equals("download.parts") ? 1 : 0;
    }

    /** The runs of a track as the playlists see them: each piece lasts until the next begins. */
    private static List<Playlists.PieceRun> runs(Track track) {
        List<Playlists.PieceRun> runs = new ArrayList<>();
        for (Run run : track.runs) {
            List<Piece> pieces =
                    track.pieces.stream().filter(p -> p.run() == run.index()).toList();
            if (pieces.isEmpty()) {
                continue;
            }
            List<Playlists.PieceEntry> entries = new ArrayList<>();
            for (int i = 0; i < pieces.size(); i++) {
                Piece piece = pieces.get(i);
                long end = i + 1 < pieces.size() ? pieces.get(i + 1).startMicros() : piece.endMicros();
                entries.add(
                        new Playlists.PieceEntry(piece.name(), Math.max(0, end - piece.startMicros()), piece.bytes()));
            }
            runs.add(new Playlists.PieceRun(run.init(), entries));
        }
        return runs;
    }

    private Playlists.Variant variant(Track track, String playlist) {
        List<Playlists.PieceRun> runs = runs(track);
        SegmentMux.Description d = track.description;
        return new Playlists.Variant(
                Playlists.piecesPeakBandwidth(runs),
                Playlists.piecesAverageBandwidth(runs),
                d.codecs(),
                d.width(),
                d.height(),
                d.frameRate(),
                playlist);
    }

    private ReplayRendition rendition(String name, Track track, Playlists.Variant variant) {
        return new ReplayRendition(
                name,
                variant.width(),
                variant.height(),
                variant.bandwidth(),
                variant.averageBandwidth(),
                variant.codecs(),
                variant.frameRate(),
                prefix + variant.playlist());
    }

    /** The download MP4: a head (init with the duration, and an index), then the fragments of the first run's kind. */
    record Download(byte[] head, String parts) {}

    private Download download(Track source) throws Exception {
        Run first = source.runs.stream()
                .filter(r -> r.index() == state.downloadRun)
                .findFirst()
                .orElseThrow();
        byte[] init = store.read(Bucket.REPLAYS, prefix + first.init())
                .orElseThrow(() -> new PackagingException("the stored " + first.init() + " is missing"));
        List<Piece> pieces = new ArrayList<>();
        int leftOut = 0;
        for (Run run : source.runs) {
            if (!run.parameters().equals(state.downloadParameters)) {
                leftOut++;
                continue;
            }
            source.pieces.stream().filter(p -> p.run() == run.index()).forEach(pieces::add);
        }
        Packager.warnLeftOutOfDownload(state.liveId, leftOut);
        List<Fragments.Reference> references = new ArrayList<>();
        for (int i = 0; i < pieces.size(); i++) {
            Piece piece = pieces.get(i);
            long ticks = i + 1 < pieces.size()
                    ? pieces.get(i + 1).videoStartTicks() - piece.videoStartTicks()
                    : piece.videoTicks();
            references.add(new Fragments.Reference(piece.bytes(), Math.max(0, ticks)));
        }
        Piece last = pieces.get(pieces.size() - 1);
        long durationMicros = last.endMicros();
        byte[] head = Fragments.head(
                init, durationMicros, 1, first.videoTimescale(), pieces.get(0).videoStartTicks(), references);
        StringBuilder parts = new StringBuilder();
        parts.append("download-head.mp4 ").append(head.length).append('\n');
        for (Piece piece : pieces) {
            parts.append(piece.name()).append(' ').append(piece.bytes()).append('\n');
        }
        return new Download(head, parts.toString());
    }

    /** The build cannot finish this input (the segments it handled are not the input's first ones). */
    static final class Mismatch extends Exception {
        Mismatch(String reason) {
            super(reason);
        }
    }

    /**
     * What a closed build answers instead of doing work: LiveBuilds serialises a live's facts, its end and closing, so
     * this is a bug, said loudly rather than a fact dropped.
     */
    static final class Closed extends IllegalStateException {
        Closed(String liveId) {
            super("the build of live " + liveId + " is closed");
        }
    }

    private void use() {
        if (closed) {
            throw new Closed(state.liveId);
        }
        usedAt = System.nanoTime();
    }

    /**
     * Closes the build when no fact came for it since {@code cutoffNanos} and its checkpoint holds all it knows (none
     * failed since): a later fact or the end loads it again from there. True when it is closed.
     */
    synchronized boolean closeIfIdle(long cutoffNanos) {
        if (!closed && (dirty || usedAt - cutoffNanos > 0)) {
            return false;
        }
        close();
        return true;
    }

    /** Deletes the build's local files; a closed build handles nothing more. */
    synchronized void close() {
        if (closed) {
            return;
        }
        try {
            Directories.deleteRecursively(work);
        } catch (Exception e) {
            LOG.debug("could not delete {}: {}", work, e.toString());
        }
        closed = true;
    }
}
