package io.stagepass.ingest;

import io.stagepass.platform.config.ServiceRunner;

/** Runs the ingest service alone, configured by environment variables (see the README, Configuration). */
public final class IngestMain {
    private IngestMain() {}

    public static void main(String[] args) {
        ServiceRunner.run("ingest", env -> IngestService.start(IngestConfig.fromEnv(env)));
    }
}
