package io.stagepass.bench;

import java.util.Collection;

/**
 * The one definition of a percentile every bench prints: nearest rank. The p-th percentile of n values is the smallest
 * value that at least p% of them are at or below (rank ceil(p/100 n)): p50 of 1..100 is 50, p99 is 99, p100 the
 * largest; one value is every percentile of itself; none has none (NaN).
 */
public final class Percentiles {
    private Percentiles() {}

    /** The p-th percentile (0-100) of values in ascending order, in their unit; NaN when there are none. */
    public static double ofSorted(long[] sorted, double p) {
        return sorted.length == 0 ? Double.NaN : sorted[index(sorted.length, p)];
    }

    /** The p-th percentile (0-100) of values in any order, in their unit; NaN when there are none. */
    public static double of(Collection<Long> values, double p) {
        return ofSorted(values.stream().mapToLong(Long::longValue).sorted().toArray(), p);
    }

    /** Where the p-th percentile of n sorted values is: its rank minus one, within 0..n-1. */
    static int index(int n, double p) {
        // p * n before the division: exact for a whole p, where p / 100 * n is not (0.07 * 100 = 7.000000000000001).
        int rank = (int) Math.ceil(p * n / 100.0);
        return Math.min(n - 1, Math.max(0, rank - 1));
    }
}
