package io.stagepass.pipeline;

import java.time.Duration;
import org.apache.flink.api.common.state.StateTtlConfig;

/** How the jobs forget long-lived state. */
public final class StateTtl {
    private StateTtl() {}

    /**
     * Kept {@code keep} after it was last written, without Flink's default incremental clean-up, which visits other
     * entries on every state access (a fifth of the audience job's time in bench/pipeline): expired entries are
     * dropped when read and left out of checkpoints, so a restored job no longer holds them.
     */
    public static StateTtlConfig afterLastWrite(Duration keep) {
        return StateTtlConfig.newBuilder(keep)
                .disableCleanupInBackground()
                .cleanupFullSnapshot()
                .build();
    }
}
