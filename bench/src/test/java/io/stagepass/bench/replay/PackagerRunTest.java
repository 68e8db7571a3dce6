package io.stagepass.bench.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PackagerRunTest {
    /** The memory lines of a /proc/PID/status of a JVM as Linux 6 writes them. */
    private static final List<String> STATUS = List.of(
            "Name:\tjava",
            "State:\tS (sleeping)",
            "Pid:\t48213",
            "VmPeak:\t 7654320 kB",
            "VmSize:\t 7598112 kB",
            "VmLck:\t       0 kB",
            "VmPin:\t       0 kB",
            "VmHWM:\t  812344 kB",
            "VmRSS:\t  640112 kB",
            "RssAnon:\t  598004 kB",
            "Threads:\t61");

    @Test
    void peakResidentMemoryIsVmHwmInKilobytes() {
        assertThat(PackagerRun.vmHwmKb(STATUS)).isEqualTo(812_344);
    }

    @Test
    void aStatusWithoutVmHwmIsZero() {
        assertThat(PackagerRun.vmHwmKb(List.of("Name:\tkthreadd", "State:\tS (sleeping)")))
                .isZero();
    }
}
