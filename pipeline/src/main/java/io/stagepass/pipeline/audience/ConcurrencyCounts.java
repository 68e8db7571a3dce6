package io.stagepass.pipeline.audience;

import io.stagepass.events.ViewMode;

/** Sessions counted at one 10 s boundary of one live, live and replay apart. A Flink POJO in keyed state. */
public class ConcurrencyCounts {
    public long live;
    public long replay;

    public ConcurrencyCounts() {}

    long of(ViewMode mode) {
        return mode == ViewMode.REPLAY ? replay : live;
    }

    void add(ViewMode mode, long sessions) {
        if (mode == ViewMode.REPLAY) {
            replay += sessions;
        } else {
            live += sessions;
        }
    }
}
