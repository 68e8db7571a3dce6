package io.stagepass.jobs;

import io.stagepass.platform.config.ServiceRunner;

/** Runs a jobs worker alone, configured by environment variables (see the README, Configuration). */
public final class JobsMain {
    private JobsMain() {}

    public static void main(String[] args) {
        ServiceRunner.run("jobs", env -> JobsWorker.start(JobsConfig.fromEnv(env)));
    }
}
