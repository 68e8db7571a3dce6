package io.stagepass.bench.pipeline;

/** What a baseline consumer read, and how long it took. */
record Consumed(long records, long bytes, double seconds) {
    double rate() {
        return records / seconds;
    }
}
