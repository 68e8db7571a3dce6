package io.stagepass.replay;

import io.stagepass.platform.config.ServiceRunner;

/** Runs the replay API alone, configured by environment variables (see the README, Configuration). */
public final class ReplayApiMain {
    private ReplayApiMain() {}

    public static void main(String[] args) {
        ServiceRunner.run("replay-api", env -> ReplayApiService.start(ReplayApiConfig.fromEnv(env)));
    }
}
