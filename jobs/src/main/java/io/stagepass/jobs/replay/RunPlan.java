package io.stagepass.jobs.replay;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a replay's runs begin and where its discontinuities are marked, decided segment by segment as the packager
 * reads them in sequence order. Pure: the rules are read and tested apart from FFmpeg.
 *
 * <p>A run is a stretch the players see without a discontinuity: one fMP4 file with one init section. A readable
 * segment begins a new run when it is the first, when the one before it could not be used, when ingest flagged a
 * reconnect, when sequence numbers jump (a gap), or when it needs another fMP4 init section. Every run but the first
 * one with content is preceded by a discontinuity, at the sequence of the segment that began it.
 */
final class RunPlan {
    private boolean runOpen;
    private boolean broken;
    private long previous = -1;
    private String previousInit;
    private int packaged;
    private final List<Long> discontinuities = new ArrayList<>();

    /** Whether this readable segment begins a new run ({@code init}: its init section, null for MPEG-TS). */
    boolean beginsRun(long sequence, boolean discontinuity, String init) {
        return !runOpen || broken || discontinuity || sequence != previous + 1 || !Objects.equals(init, previousInit);
    }

    /** A run began at this segment (its streams were opened). */
    void began(long sequence) {
        if (runOpen || !discontinuities.isEmpty() || packaged > 0) {
            discontinuities.add(sequence);
        }
        runOpen = true;
    }

    /** The segment went into the current run. */
    void packaged(long sequence, String init) {
        previous = sequence;
        previousInit = init;
        broken = false;
        packaged++;
    }

    /** The segment could not be fetched (missing, or other bytes than ingest stored): the next one begins a run. */
    void missing() {
        broken = true;
    }

    /** FFmpeg could not read the segment; a run it {@code began} holds nothing and is closed. */
    void unreadable(boolean began) {
        broken = true;
        if (began) {
            runOpen = false;
        }
    }

    /** Everything the plan knows, to be stored with a checkpoint and carried on by a successor. */
    record State(
            boolean runOpen,
            boolean broken,
            long previous,
            String previousInit,
            int packaged,
            List<Long> discontinuities) {}

    State state() {
        return new State(runOpen, broken, previous, previousInit, packaged, List.copyOf(discontinuities));
    }

    static RunPlan of(State state) {
        RunPlan plan = new RunPlan();
        plan.runOpen = state.runOpen();
        plan.broken = state.broken();
        plan.previous = state.previous();
        plan.previousInit = state.previousInit();
        plan.packaged = state.packaged();
        plan.discontinuities.addAll(state.discontinuities());
        return plan;
    }

    List<Long> discontinuities() {
        return List.copyOf(discontinuities);
    }

    int packaged() {
        return packaged;
    }
}
