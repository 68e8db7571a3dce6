package io.stagepass.pipeline.activity;

import org.apache.flink.api.common.functions.AggregateFunction;

/** Counts records and bytes of a window; the accumulator is {records, bytes}. */
final class CountRecords implements AggregateFunction<RecordStat, long[], long[]> {
    @Override
    public long[] createAccumulator() {
        return new long[2];
    }

    @Override
    public long[] add(RecordStat stat, long[] acc) {
        acc[0]++;
        acc[1] += stat.bytes;
        return acc;
    }

    @Override
    public long[] getResult(long[] acc) {
        return acc;
    }

    @Override
    public long[] merge(long[] a, long[] b) {
        return new long[] {a[0] + b[0], a[1] + b[1]};
    }
}
