package io.stagepass.acceptance.demo;

import java.time.Duration;

/** How long the demo's checks wait, and how often they look. */
final class Waits {
    /** Long enough for a 10 s activity window to close and a checkpoint to commit it. */
    static final Duration PIPELINE = Duration.ofSeconds(90);
    /** Ingest delivers segments in the background; their facts follow within moments. */
    static final Duration INGEST = Duration.ofSeconds(30);

    static final Duration POLL = Duration.ofSeconds(1);
    static final Duration FAST_POLL = Duration.ofMillis(250);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);

    private Waits() {}
}
