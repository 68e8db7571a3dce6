package io.stagepass.ingest.stage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The program of one publishing connection: the creator's segments as ingest cut them, each either passed on as it is
 * (nobody on stage: no decoding, no cost) or mixed with the guests on stage by a {@link ProgramMixer}, in order, into
 * the live's one durable path.
 *
 * <p>A switch between the creator's own stream and the mix starts a new run, numbered from 0 again as a reconnecting
 * encoder's segments are: ingest marks its first segment as a discontinuity, so players reset their decoders where the
 * stream's parameters change. Mixing runs on a thread of its own, so that the connection goes on reading the
 * creator's stream meanwhile; while a mix is under way, or anybody is on stage, every segment queues behind it.
 *
 * <p>Before a segment is mixed, the line waits (at most {@link #GUEST_WAIT}) for the guests' media to reach the
 * segment's end: their browsers send it in chunks, a little after the creator's frames of the same instant arrive. A
 * guest whose media does not come in time shows their last picture and is silent, and the program goes on.
 */
public final class ProgramLine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramLine.class);
    static final Duration GUEST_WAIT = Duration.ofMillis(1200);
    /** Below the RTMP server's takeover wait (10 s), so that an encoder's reconnect never meets a line still draining. */
    private static final Duration DRAIN = Duration.ofSeconds(8);

    /**
     * Where program segments go: numbered per run from 0; {@code stageSwitch} when the run began because the stage
     * started or stopped (not the connection); returns the live's sequence, or -1 when it was lost.
     */
    public interface Output {
        long accept(long runSequence, Path file, long durationMicros, boolean stageSwitch) throws Exception;
    }

    /** A fresh scratch file for a mixed segment. */
    public interface Scratch {
        Path next() throws IOException;
    }

    /** Hears who the program shows, by the live's segment sequence: the facts of stage appearances. */
    public interface Appearances {
        void on(Stage.Guest guest, long sequence, Instant at);

        void off(Stage.Guest guest, long sequence, Instant at, String reason);
    }

    private final String liveId;
    private final Stage stage;
    private final Clock clock;
    private final Output output;
    private final Scratch scratch;
    private final Appearances appearances;
    private final AtomicInteger pending = new AtomicInteger();
    private ExecutorService mixing;
    private ProgramMixer mixer;
    private long runSequence;
    private boolean switched; // a run has begun since the connection's first: runs now begin at stage switches
    private long lastSequence = -1;
    /**
     * The guests the program shows, by guest id: an encoder that reconnects (a new connection of the same guest,
     * keeping their place) goes on in the same appearance.
     */
    private final Map<String, Stage.Guest> shown = new LinkedHashMap<>();

    private boolean finished;
    /** When the picture of the segment about to go out was made (the panel's program view), or MIN_VALUE. */
    private long pictureAt = Long.MIN_VALUE;

    public ProgramLine(
            String liveId, Stage stage, Clock clock, Output output, Scratch scratch, Appearances appearances) {
        this.liveId = liveId;
        this.stage = stage;
        this.clock = clock;
        this.output = output;
        this.scratch = scratch;
        this.appearances = appearances;
    }

    /** A segment of the creator's stream, just cut, which this line now owns. Called on the connection's thread. */
    public void segment(Path file, long durationMicros) throws Exception {
        long endWall = nowMicros();
        if (pending.get() == 0 && mixer == null && stage.lineUp(liveId).empty()) {
            pass(file, durationMicros, List.of()); // the common case: nobody on stage, no thread hop
            return;
        }
        synchronized (this) {
            if (mixing == null) {
                mixing = Executors.newSingleThreadExecutor(task -> {
                    Thread thread = new Thread(task, "stage-mixer-" + liveId);
                    thread.setDaemon(true);
                    return thread;
                });
            }
        }
        pending.incrementAndGet();
        mixing.execute(() -> {
            try {
                process(file, durationMicros, endWall);
            } catch (Exception e) {
                LOG.error("live {}: a program segment is lost", liveId, e);
            } finally {
                pending.decrementAndGet();
            }
        });
    }

    private void process(Path file, long durationMicros, long endWall) throws Exception {
        Stage.LineUp lineUp = stage.lineUp(liveId);
        if (lineUp.empty()) {
            closeMixer();
            pass(file, durationMicros, List.of());
            return;
        }
        awaitGuests(lineUp, endWall);
        if (mixer == null) {
            mixer = new ProgramMixer();
            runSequence = 0;
        }
        Path mixed = null;
        try {
            mixed = scratch.next();
            ProgramPicture picture = stage.programPicture(liveId);
            long now = clock.millis();
            pictureAt = picture.wanted(now) ? now : Long.MIN_VALUE;
            mixer.mix(
                    file,
                    durationMicros,
                    endWall,
                    lineUp.guests(),
                    lineUp.layout(),
                    mixed,
                    picture.wanted(now) ? canvas -> picture.keep(canvas, now) : null);
        } catch (Exception e) {
            LOG.warn(
                    "live {}: the stage could not mix a segment, the creator's own goes out: {}", liveId, e.toString());
            if (mixed != null) {
                Files.deleteIfExists(mixed);
            }
            closeMixer();
            pass(file, durationMicros, List.of());
            return;
        }
        Files.deleteIfExists(file);
        emit(mixed, durationMicros, lineUp.who());
    }

    /** Waits until the guests' media reach the segment's end, at most {@link #GUEST_WAIT} after the segment was cut. */
    private void awaitGuests(Stage.LineUp lineUp, long endWall) throws InterruptedException {
        long deadline = endWall + GUEST_WAIT.toNanos() / 1000;
        for (Stage.Guest guest : lineUp.who()) {
            while (guest.feed().mediaUntilMicros() < endWall
                    && guest.feed().failure() == null
                    && nowMicros() < deadline) {
                Thread.sleep(10);
            }
        }
    }

    private void pass(Path file, long durationMicros, List<Stage.Guest> who) throws Exception {
        if (mixer != null) {
            closeMixer();
        }
        ProgramPicture picture = stage.programPicture(liveId);
        long now = clock.millis();
        pictureAt = Long.MIN_VALUE;
        if (picture.wanted(now)) {
            picture.keepFirstOf(file, now); // only while the creator's panel shows the program
            pictureAt = now;
        }
        emit(file, durationMicros, who);
    }

    private void closeMixer() {
        if (mixer != null) {
            mixer.close();
            mixer = null;
            runSequence = 0; // the creator's own stream again: a new run
        }
    }

    private void emit(Path file, long durationMicros, List<Stage.Guest> who) throws Exception {
        boolean stageSwitch = runSequence == 0 && switched;
        switched = true;
        long sequence = output.accept(runSequence++, file, durationMicros, stageSwitch);
        if (sequence < 0) {
            return;
        }
        lastSequence = sequence;
        stage.programPicture(liveId).stored(sequence, pictureAt);
        Instant now = clock.instant();
        java.util.Set<String> showing = new java.util.HashSet<>();
        who.forEach(guest -> showing.add(guest.guestId()));
        List<Stage.Guest> gone = new ArrayList<>();
        for (Stage.Guest guest : shown.values()) {
            if (!showing.contains(guest.guestId())) {
                gone.add(guest);
            }
        }
        for (Stage.Guest guest : gone) {
            shown.remove(guest.guestId());
            appearances.off(guest, sequence, now, guest.offReason());
        }
        for (Stage.Guest guest : who) {
            if (shown.put(guest.guestId(), guest) == null) {
                appearances.on(guest, sequence, now);
            }
        }
    }

    /**
     * The connection ends: waits for the segments still being mixed, then the guests shown leave the program (their
     * appearance ends after the last segment). Idempotent.
     */
    public void finish() {
        synchronized (this) {
            if (finished) {
                return;
            }
            finished = true;
        }
        if (mixing == null) {
            end();
            return;
        }
        mixing.execute(this::end); // after the last segment, on the thread that owns the mixer
        mixing.shutdown();
        try {
            if (!mixing.awaitTermination(DRAIN.toSeconds(), TimeUnit.SECONDS)) {
                LOG.error(
                        "live {}: the stage mixer did not finish its last segments in {} s; they are lost",
                        liveId,
                        DRAIN.toSeconds());
                mixing.shutdownNow(); // the mixer stays with its thread: never freed under it from here
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The guests still shown leave the program after its last segment; the mixer is freed. */
    private void end() {
        Instant now = clock.instant();
        for (Stage.Guest guest : shown.values()) {
            appearances.off(guest, lastSequence + 1, now, "stream-ended");
        }
        shown.clear();
        closeMixer();
    }

    @Override
    public void close() {
        finish();
    }

    private long nowMicros() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }
}
