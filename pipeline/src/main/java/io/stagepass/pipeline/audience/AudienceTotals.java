package io.stagepass.pipeline.audience;

import io.stagepass.events.ViewMode;

/** Everything kept about one live's audience for its whole life: a Flink POJO in keyed state (30-day TTL). */
public class AudienceTotals {
    public ModeTotals live = new ModeTotals();
    public ModeTotals replay = new ModeTotals();
    public long pageVisitors;
    public long buyers;
    /** pageVisitors or buyers changed since the last PAGE TOTAL record. */
    public boolean conversionDirty;

    public AudienceTotals() {}

    ModeTotals of(ViewMode mode) {
        return mode == ViewMode.REPLAY ? replay : live;
    }
}
