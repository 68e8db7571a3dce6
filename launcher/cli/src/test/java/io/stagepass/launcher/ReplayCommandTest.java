package io.stagepass.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.events.ReplayEventType;
import io.stagepass.events.ReplayStatus;
import io.stagepass.events.SampleEvents;
import io.stagepass.jobs.replay.Packager;
import io.stagepass.jobs.replay.ReplayService;
import io.stagepass.jobs.replay.ReplayService.Packaged.Outcome;
import io.stagepass.jobs.replay.Retention;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code stagepass replay}'s output, on a stand-in for the stack: every line through picocli's writers. */
class ReplayCommandTest {
    private static final Instant AT = Instant.parse("2026-12-02T02:49:16.544Z");

    /** What a run printed, and its exit status. */
    record Run(int status, String out, String err) {}

    /** A stack that answers what it was given, and remembers what it was asked. */
    static final class StandIn implements ReplayBackend {
        ReplayService.Packaged packaged;
        RuntimeException refusal;
        Boolean askedNewVersion;
        final Map<String, ReplayStatus> statuses = new TreeMap<>();
        List<Retention.Expired> expired = List.of();

        @Override
        public ReplayService.Packaged packageLive(String liveId, boolean newVersion, Packager.Progress progress) {
            askedNewVersion = newVersion;
            if (refusal != null) {
                throw refusal;
            }
            progress.report("remuxing", 70);
            return packaged;
        }

        @Override
        public Optional<ReplayStatus> status(String liveId) {
            return Optional.ofNullable(statuses.get(liveId));
        }

        @Override
        public Map<String, ReplayStatus> statuses() {
            return statuses;
        }

        @Override
        public List<Retention.Expired> expire(Instant now, boolean dryRun) {
            return expired;
        }
    }

    private final StandIn stack = new StandIn();

    /** Runs the command; every expected line must arrive through the writers given to picocli. */
    private Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ReplayCommand(stack));
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static ReplayStatus ready(int version) {
        return SampleEvents.replay("live_1", "creator_1")
                .setType(ReplayEventType.READY)
                .setOccurredAt(AT)
                .setVersion(version)
                .setServedVersion(version)
                .setProgressPercent(100)
                .setDurationMillis(20_000L)
                .setSegments(10)
                .setSizeBytes(5_500_000L)
                .setPlaylistKey("live_1/v" + version + "/master.m3u8")
                .setMp4Key("live_1/v" + version + "/download.mp4")
                .setPackageHash("9926f57e")
                .build();
    }

    @Test
    void aNewVersionIsReportedReadyWithItsStatusAndTheProgressBarOnStandardError() {
        stack.packaged = new ReplayService.Packaged(Outcome.BUILT, ready(2));

        Run run = run("package", "--live", "live_1", "--new-version");

        assertThat(run.status()).isZero();
        assertThat(stack.askedNewVersion).isTrue();
        assertThat(run.out().lines().findFirst().orElseThrow()).matches("READY: replay v2 of live_1 in \\d+\\.\\d s");
        assertThat(run.out())
                .contains("status:        READY v2 at 2026-12-02T02:49:16.544Z\n")
                .contains("served:        v2\n")
                .contains("duration:      20.0 s, 10 segments, 5.5 MB\n")
                .contains("master:        replays/live_1/v2/master.m3u8\n")
                .contains("package hash:  9926f57e\n");
        assertThat(run.err()).isEqualTo("\r[#####################.........]  70% remuxing  \n");
    }

    @Test
    void aVersionTheStackFoundReadyIsSaidToBeSoWhateverItsTime() {
        // READY at a time after the command started: only what the packager did decides "already".
        ReplayStatus fresh = ready(2);
        fresh.setOccurredAt(Instant.now().plusSeconds(3600));
        stack.packaged = new ReplayService.Packaged(Outcome.ALREADY_READY, fresh);

        Run run = run("package", "--live", "live_1");

        assertThat(run.status()).isZero();
        assertThat(stack.askedNewVersion).isFalse();
        assertThat(run.out())
                .startsWith("already READY: replay v2 of live_1, for the same segments (--new-version builds another)\n"
                        + "live:          live_1 (creator creator_1)\n");
    }

    @Test
    void aFailedBuildAClosedWindowAndALiveThatHasNotEndedAreErrors() {
        stack.packaged = new ReplayService.Packaged(
                Outcome.BUILT,
                SampleEvents.replay("live_1", "creator_1")
                        .setType(ReplayEventType.FAILED)
                        .setVersion(3)
                        .setError("no segment could be read")
                        .build());
        Run failed = run("package", "--live", "live_1");
        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err()).endsWith("stagepass: replay v3 FAILED: no segment could be read\n");
        assertThat(failed.out()).isEmpty();

        stack.packaged = new ReplayService.Packaged(
                Outcome.WINDOW_CLOSED,
                SampleEvents.replay("live_1", "creator_1")
                        .setType(ReplayEventType.EXPIRED)
                        .build());
        Run closed = run("package", "--live", "live_1");
        assertThat(closed.status()).isEqualTo(1);
        assertThat(closed.err()).endsWith("stagepass: the replay window of live_1 has closed; nothing to package\n");
        assertThat(closed.out()).isEmpty();

        stack.packaged = new ReplayService.Packaged(Outcome.WINDOW_CLOSED, ready(1));
        Run servedUntilRetention = run("package", "--live", "live_1");
        assertThat(servedUntilRetention.status())
                .as("a READY replay is served until retention expires it, as before")
                .isZero();
        assertThat(servedUntilRetention.out()).startsWith("already READY: replay v1 of live_1");

        stack.refusal = new IllegalArgumentException("live live_1 has not ended (it is STARTED)");
        Run refused = run("package", "--live", "live_1");
        assertThat(refused.status()).isEqualTo(2);
        assertThat(refused.err()).isEqualTo("stagepass: live live_1 has not ended (it is STARTED)\n");
    }

    @Test
    void statusAndListShowWhatTheTopicHolds() {
        stack.statuses.put("live_1", ready(1));

        Run status = run("status", "--live", "live_1");
        assertThat(status.status()).isZero();
        assertThat(status.out())
                .startsWith("live:          live_1 (creator creator_1)\n"
                        + "status:        READY v1 at 2026-12-02T02:49:16.544Z\n"
                        + "served:        v1\n");

        Run missing = run("status", "--live", "nope");
        assertThat(missing.status()).isEqualTo(1);
        assertThat(missing.err())
                .isEqualTo("stagepass: no replay status for nope (has the live ended? is the jobs worker running?)\n");

        Run list = run("list");
        assertThat(list.out())
                .isEqualTo("LIVE                                   STATUS     VER    LENGTH      SIZE  EXPIRES\n"
                        + "live_1                                 READY       v1    20.0 s    5.5 MB  -\n"
                        + "(1 replay)\n");
    }

    @Test
    void retentionSaysWhatExpiredOrWouldHave() {
        assertThat(run("retention", "--dry-run").out()).isEqualTo("0 lives would expire (dry run: nothing deleted)\n");

        stack.expired = List.of(new Retention.Expired("live_1", AT, 12, 10));
        assertThat(run("retention").out())
                .isEqualTo("expired live_1: window closed 2026-12-02T02:49:16.544Z; 12 replay objects, 10 segment"
                        + " objects\n1 live expired\n");
    }

    @Test
    void theCommandAloneShowsItsUsage() {
        Run run = run();
        assertThat(run.status()).isZero();
        assertThat(run.out()).contains("Usage: replay").contains("package").contains("retention");
    }
}
