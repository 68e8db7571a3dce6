package io.stagepass.bench.rtmp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class RtmpBenchTest {

    @Test
    void readsTheChildrensCpuSecondsFromBashTimes() {
        List<String> times = List.of("0m0.004s 0m0.002s", "1m2.500s 0m0.750s");

        assertThat(RtmpBench.childCpuSeconds(times)).isCloseTo(63.25, within(1e-9));
    }

    @Test
    void aProcessThatIsGoneHasNoCpuOrMemory() {
        long gone = Long.MAX_VALUE; // no such pid
        assertThat(ProcStat.cpuSeconds(gone)).isEqualTo(-1);
        assertThat(ProcStat.rssMb(gone)).isZero();
        assertThat(ProcStat.cpuSeconds(ProcessHandle.current().pid())).isPositive();
        assertThat(ProcStat.rssMb(ProcessHandle.current().pid())).isGreaterThan(10);
    }
}
