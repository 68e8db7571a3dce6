package io.stagepass.pipeline.activity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CountRecordsTest {
    private final CountRecords count = new CountRecords();

    @Test
    void countsRecordsAndBytes() {
        long[] acc = count.createAccumulator();
        acc = count.add(new RecordStat("t", 100), acc);
        acc = count.add(new RecordStat("t", 23), acc);

        assertThat(count.getResult(acc)).containsExactly(2, 123);
    }

    @Test
    void mergesPartialCounts() {
        assertThat(count.merge(new long[] {2, 10}, new long[] {3, 5})).containsExactly(5, 15);
    }
}
