package io.stagepass.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code /usr/bin/time -f %M -o FILE} leaves in FILE: the peak RSS in KB, after a note if the command failed. */
class CliBaselineTest {
    @Test
    void readsThePeakInKilobytes() {
        assertThat(CliBaseline.maxRssKb("812344\n")).isEqualTo(812_344);
    }

    @Test
    void readsTheLastLineAfterANoteOfTime() {
        assertThat(CliBaseline.maxRssKb("Command exited with non-zero status 1\n95120\n"))
                .isEqualTo(95_120);
        assertThat(CliBaseline.maxRssKb("Command terminated by signal 9\n2048")).isEqualTo(2048);
    }

    @Test
    void nothingWrittenIsZero() {
        assertThat(CliBaseline.maxRssKb("")).isZero();
        assertThat(CliBaseline.maxRssKb("\n")).isZero();
    }
}
