package io.stagepass.ingest.stage;

import static org.assertj.core.api.Assertions.assertThat;

import io.stagepass.jobs.testing.StageMedia;
import io.stagepass.platform.lifecycle.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stage mixer with the real FFmpeg libraries: a creator's red 440 Hz stream, a guest's blue 1000 Hz recording fed
 * in real time as a browser sends it, and the program between: the creator's own segments until the guest is brought
 * on, then both pictures and both tones, then the creator's own again; each switch a new run.
 */
class StageProgramIT {
    @TempDir
    Path dir;

    record Out(long runSequence, Path file, long durationMicros, boolean stageSwitch) {}

    record Seen(String kind, String guestId, long sequence, String reason) {}

    @Test
    void aGuestOnStageIsInTheProgramPictureAndSoundAndTheSwitchesAreNewRuns() throws Exception {
        List<Path> creator = StageMedia.creatorSegments(dir.resolve("creator"), "red", 440, 12);
        assertThat(creator).hasSizeGreaterThanOrEqualTo(6);
        byte[] recording = StageMedia.guestRecording(dir, "blue", 1000, 14);

        Stage stage = new Stage(Clock.systemUTC());
        List<String> told = new CopyOnWriteArrayList<>();
        Stage.Guest guest = stage.join("live_1", "cs_ana", "Ana", "guest", new Stage.GuestLink() {
            @Override
            public void send(String json) {
                told.add(json);
            }

            @Override
            public void close(int code, String reason) {
                told.add("closed " + code);
            }
        });
        // The browser sends its recording in 250 ms chunks as it records.
        Thread browser = new Thread(() -> {
            int chunks = 14 * 4;
            int size = recording.length / chunks + 1;
            for (int at = 0; at < recording.length; at += size) {
                guest.feed().offer(Arrays.copyOfRange(recording, at, Math.min(recording.length, at + size)));
                try {
                    Thread.sleep(250);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        browser.start();

        List<Out> out = new CopyOnWriteArrayList<>();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        ProgramLine line = line(stage, 100, "program-", out, seen);

        // The creator's segments arrive every 2 s, as a live's do; the guest goes on stage for the 3rd to 5th.
        List<Path> copies = new ArrayList<>();
        for (Path segment : creator) {
            Path copy = dir.resolve("in-" + segment.getFileName());
            Files.copy(segment, copy);
            copies.add(copy);
        }
        Thread.sleep(2000); // the guest's first seconds arrive
        ProgramPicture program = stage.programPicture("live_1");
        assertThat(program.ask(System.currentTimeMillis()))
                .as("nothing shown before a segment")
                .isNull();
        java.awt.image.BufferedImage alone = null;
        java.awt.image.BufferedImage together = null;
        for (int i = 0; i < 6; i++) {
            if (i == 2) {
                stage.setOnStage("live_1", guest.guestId(), true);
            }
            if (i == 5) {
                stage.setOnStage("live_1", guest.guestId(), false);
            }
            line.segment(copies.get(i), 2_000_000);
            Thread.sleep(1000);
            // The creator's panel asks for what viewers see: the program's newest segment, alone or composed.
            if (i == 1 || i == 4) {
                long sequence = 100 + i; // segment i goes out as 100 + i
                ProgramPicture.Snapshot shown = Await.expect(
                        "the program's picture of segment " + sequence,
                        Duration.ofSeconds(30),
                        () -> program.ask(System.currentTimeMillis()),
                        snapshot -> snapshot != null && snapshot.sequence() >= sequence);
                java.awt.image.BufferedImage image =
                        javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(shown.jpeg()));
                if (i == 1) {
                    alone = image;
                } else {
                    together = image;
                }
            } else {
                program.ask(System.currentTimeMillis()); // the panel keeps asking
            }
        }
        line.finish();
        assertThat(alone.getWidth()).isEqualTo(ProgramPicture.WIDTH);
        assertThat(new java.awt.Color(alone.getRGB(360, 135)).getRed())
                .as("the creator alone fills the program's picture")
                .isGreaterThan(180);
        assertThat(new java.awt.Color(together.getRGB(120, 135)).getRed())
                .as("the creator's tile, left")
                .isGreaterThan(180);
        assertThat(new java.awt.Color(together.getRGB(360, 135)).getBlue())
                .as("the guest's tile, right")
                .isGreaterThan(180);
        browser.interrupt();

        assertThat(out).hasSize(6);
        assertThat(out.stream().map(Out::runSequence).toList())
                .as("the creator's own (0, 1), the mix from 0 again (0, 1, 2), the creator's own from 0 again")
                .containsExactly(0L, 1L, 0L, 1L, 2L, 0L);
        assertThat(out.stream().map(Out::stageSwitch).toList())
                .as("the runs after the first begin at stage switches: stream health does not count them as reconnects")
                .containsExactly(false, false, true, false, false, true);
        assertThat(seen)
                .containsExactly(
                        new Seen("on", guest.guestId(), 102, null), new Seen("off", guest.guestId(), 105, "sent-back"));
        assertThat(told).anyMatch(m -> m.contains("\"onStage\":true"));

        Path log = dir.resolve("probe.log");
        // Before: the creator alone, full frame.
        byte[] before = StageMedia.rgbFrame(out.get(1).file(), 30, log);
        assertRed(StageMedia.pixel(before, 1280, 960, 360));
        // On stage: side by side, the creator left, the guest right, each 640x360 in the middle band.
        for (int i = 2; i <= 4; i++) {
            byte[] mixed = StageMedia.rgbFrame(out.get(i).file(), 30, log);
            assertThat(mixed).as("a 1280x720 picture").hasSize(1280 * 720 * 3);
            assertRed(StageMedia.pixel(mixed, 1280, 320, 360));
            assertBlue(StageMedia.pixel(mixed, 1280, 960, 360));
            assertThat(Arrays.stream(StageMedia.pixel(mixed, 1280, 320, 40))
                            .max()
                            .getAsInt())
                    .as("above the tiles: black")
                    .isLessThan(40);
            float[] sound = StageMedia.sound(out.get(i).file(), log);
            float[] middle = Arrays.copyOfRange(sound, sound.length / 4, sound.length * 3 / 4);
            assertThat(StageMedia.share(middle, 440))
                    .as("the creator's tone in segment %d", i)
                    .isGreaterThan(0.15);
            assertThat(StageMedia.share(middle, 1000))
                    .as("the guest's tone in segment %d", i)
                    .isGreaterThan(0.15);
        }
        // After: the creator alone again, with the creator's tone only.
        byte[] after = StageMedia.rgbFrame(out.get(5).file(), 30, log);
        assertRed(StageMedia.pixel(after, 1280, 960, 360));
        float[] afterSound = StageMedia.sound(out.get(5).file(), log);
        assertThat(StageMedia.share(afterSound, 1000)).isLessThan(0.01);
        assertThat(Files.size(out.get(0).file())).as("passed through untouched").isEqualTo(Files.size(creator.get(0)));
        stage.close();
        browser.join(TimeUnit.SECONDS.toMillis(5));
    }

    @Test
    void aGuestWhoseConnectionStallsAndDropsLeavesTheProgramRunning() throws Exception {
        List<Path> creator = StageMedia.creatorSegments(dir.resolve("creator"), "red", 440, 10);
        byte[] recording = StageMedia.guestRecording(dir, "blue", 1000, 10);
        Stage stage = new Stage(Clock.systemUTC());
        Stage.Guest guest = stage.join("live_1", "cs_ana", "Ana", "guest", new Stage.GuestLink() {
            @Override
            public void send(String json) {}

            @Override
            public void close(int code, String reason) {}
        });
        // The browser sends two seconds of its recording, then its link stalls: nothing more arrives.
        int chunks = 10 * 4;
        int size = recording.length / chunks + 1;
        for (int at = 0; at < 8 * size && at < recording.length; at += size) {
            guest.feed().offer(Arrays.copyOfRange(recording, at, Math.min(recording.length, at + size)));
            Thread.sleep(250);
        }
        List<Out> out = new CopyOnWriteArrayList<>();
        List<Seen> seen = new CopyOnWriteArrayList<>();
        ProgramLine line = line(stage, 0, "dropped-", out, seen);
        stage.setOnStage("live_1", guest.guestId(), true);
        for (int i = 0; i < 5; i++) {
            if (i == 3) {
                // the mixer takes who is on stage when it mixes: let it mix the first three before the drop
                Await.expect("the first three segments mixed", Duration.ofSeconds(30), () -> out.size() >= 3);
                stage.leave(guest); // the connection drops: the WebSocket's close handler does this
            }
            Path copy = dir.resolve("stalled-in-" + i + ".ts");
            Files.copy(creator.get(i), copy);
            line.segment(copy, 2_000_000);
        }
        line.finish();

        assertThat(out).as("every segment of the creator's went out").hasSize(5);
        Path log = dir.resolve("probe-dropped.log");
        byte[] frozen = StageMedia.rgbFrame(out.get(2).file(), 30, log);
        assertBlue(StageMedia.pixel(frozen, 1280, 960, 360)); // the last picture, frozen
        assertRed(StageMedia.pixel(frozen, 1280, 320, 360));
        byte[] after = StageMedia.rgbFrame(out.get(3).file(), 30, log);
        assertRed(StageMedia.pixel(after, 1280, 960, 360));
        assertThat(seen)
                .containsExactly(new Seen("on", guest.guestId(), 0, null), new Seen("off", guest.guestId(), 3, "left"));
        stage.close();
    }

    /** A program line of live_1 whose segments are kept as {@code prefix}N.ts in order, numbered from {@code first}. */
    private ProgramLine line(Stage stage, long first, String prefix, List<Out> out, List<Seen> seen) {
        long[] liveSequence = {first};
        return new ProgramLine(
                "live_1",
                stage,
                Clock.systemUTC(),
                (runSequence, file, micros, stageSwitch) -> {
                    Path kept = dir.resolve(prefix + out.size() + ".ts");
                    Files.move(file, kept);
                    out.add(new Out(runSequence, kept, micros, stageSwitch));
                    return liveSequence[0]++;
                },
                () -> Files.createTempFile(dir, "mix", ".ts"),
                new ProgramLine.Appearances() {
                    @Override
                    public void on(Stage.Guest g, long sequence, Instant at) {
                        seen.add(new Seen("on", g.guestId(), sequence, null));
                    }

                    @Override
                    public void off(Stage.Guest g, long sequence, Instant at, String reason) {
                        seen.add(new Seen("off", g.guestId(), sequence, reason));
                    }
                });
    }

    private static void assertRed(int[] rgb) {
        assertThat(rgb[0]).as("red in %s", Arrays.toString(rgb)).isGreaterThan(200);
        assertThat(rgb[2]).as("not blue in %s", Arrays.toString(rgb)).isLessThan(60);
    }

    private static void assertBlue(int[] rgb) {
        assertThat(rgb[2]).as("blue in %s", Arrays.toString(rgb)).isGreaterThan(200);
        assertThat(rgb[0]).as("not red in %s", Arrays.toString(rgb)).isLessThan(60);
    }
}
