package io.stagepass.bench.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/** A JFR recording of phase (b), for {@code --profile}: started before the jobs, written where the option says. */
final class JfrRecording {
    private final Recording recording;
    private final Path file;

    private JfrRecording(Recording recording, Path file) {
        this.recording = recording;
        this.file = file;
    }

    static JfrRecording start(Path file) throws IOException, ParseException {
        // JFR's "default" settings with CPU samples every 10 ms: the "profile" settings (allocation and
        // more) slowed the jobs down by about half on 2 cores.
        Recording recording = new Recording(Configuration.getConfiguration("default"));
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.setName("stagepass-pipeline-bench");
        recording.setToDisk(true);
        recording.start();
        System.out.println("  JFR recording started (default settings, execution samples every 10 ms)");
        return new JfrRecording(recording, file);
    }

    /** Stops the recording and writes it; returns the file. */
    Path stop() throws IOException {
        recording.stop();
        recording.dump(file);
        recording.close();
        return file;
    }
}
